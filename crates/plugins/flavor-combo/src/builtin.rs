//! `flavor-combo` as a built-in plugin: it names other flavors in its properties, so a host starts those too.

use crate::{ComboFlavor, ComboProperties};
use infrakit_spi::builtin::{BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::plugin;
use infrakit_spi::{Any, Result};
use std::sync::Arc;

/// The entry a host lists and starts.
pub const BUILTIN: Builtin =
    Builtin::new("flavor-combo", "runs the flavors listed in its properties and merges their results", start)
        .with_references(references);

fn start(args: StartArgs<'_>) -> BoxFuture<'_, Result<Served>> {
    Box::pin(async move { Ok(Served { flavor: Some(Arc::new(ComboFlavor::new(args.lookup))), ..Served::default() }) })
}

/// The flavors its `Flavors` list names, with their properties (nothing when the properties do not parse:
/// validation says why).
fn references(properties: &Any) -> Vec<plugin::Spec> {
    properties.decode::<ComboProperties>().map(|p| p.flavors).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_the_listed_flavors() {
        let props = Any::from_json(r#"{"Flavors":[{"Plugin":"flavor-vanilla"},{"Plugin":"flavor-swarm/manager"}]}"#);
        let names: Vec<String> =
            props.map(|p| references(&p)).unwrap_or_default().into_iter().map(|s| s.plugin.0).collect();
        assert_eq!(names, vec!["flavor-vanilla", "flavor-swarm/manager"]);
        assert!(Any::from_json("[]").map(|p| references(&p)).unwrap_or_default().is_empty());
    }
}
