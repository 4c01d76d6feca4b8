//! `flavor-combo`: runs several flavors and merges what they prepare.

mod builtin;
pub use builtin::BUILTIN;

use async_trait::async_trait;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare, Quorum};
use infrakit_spi::instance::{Description, Spec};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::nullable::null_as_default;
use infrakit_spi::{plugin, Any, Error, Result};
use serde::Deserialize;
use std::sync::Arc;

/// The combo flavor's properties: `{"Flavors":[{"Plugin":..,"Properties":..}, ..]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComboProperties {
    /// The flavors to combine, in order.
    #[serde(rename = "Flavors", default, deserialize_with = "null_as_default")]
    pub flavors: Vec<plugin::Spec>,
}

impl ComboProperties {
    fn parse(properties: Option<&Any>) -> Result<ComboProperties> {
        match properties {
            Some(p) if !p.is_null() => p.decode(),
            _ => Ok(ComboProperties::default()),
        }
    }
}

/// The combo flavor; finds its children through `lookup`.
pub struct ComboFlavor {
    lookup: Arc<dyn PluginLookup>,
}

impl ComboFlavor {
    /// A combo flavor resolving child flavors through `lookup`.
    pub fn new(lookup: Arc<dyn PluginLookup>) -> ComboFlavor {
        ComboFlavor { lookup }
    }

    async fn child(&self, i: usize, spec: &plugin::Spec) -> Result<Arc<dyn Flavor>> {
        self.lookup.flavor(&spec.plugin).await.map_err(|e| {
            Error::invalid(
                format!("Properties.Flavors[{i}].Plugin"),
                format!("cannot find flavor {}: {e}", spec.plugin),
            )
        })
    }
}

/// Merges a child's prepared spec onto `acc`: tags union (later wins), Init appended, attachments appended unless
/// already present. Unlike InfraKit v0.5 (which repeats it once per child), the input's own Init, which every child
/// starts from, is not repeated: a child's Init that begins with exactly the input's lines has them dropped.
fn merge(acc: &mut Spec, input: &Spec, child: Spec) {
    acc.tags.extend(child.tags);
    let init = if child.init == input.init {
        String::new()
    } else if input.init.is_empty() {
        child.init
    } else {
        match child.init.strip_prefix(&format!("{}\n", input.init)) {
            Some(rest) => rest.to_string(),
            None => child.init,
        }
    };
    if !init.is_empty() {
        if !acc.init.is_empty() {
            acc.init.push('\n');
        }
        acc.init.push_str(&init);
    }
    for a in child.attachments {
        if !acc.attachments.contains(&a) {
            acc.attachments.push(a);
        }
    }
}

#[async_trait]
impl Flavor for ComboFlavor {
    async fn validate(&self, properties: Option<&Any>, allocation: &AllocationMethod) -> Result<()> {
        let props = ComboProperties::parse(properties)?;
        for (i, f) in props.flavors.iter().enumerate() {
            self.child(i, f).await?.validate(f.properties.as_ref(), allocation).await.map_err(|e| {
                Error::invalid(format!("Properties.Flavors[{i}]"), format!("flavor {} rejected it: {e}", f.plugin))
            })?;
        }
        Ok(())
    }

    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        let Prepare { properties, spec, allocation, index } = request;
        let props = ComboProperties::parse(properties)?;
        let mut acc = spec.clone();
        for (i, f) in props.flavors.iter().enumerate() {
            let child = Prepare { properties: f.properties.as_ref(), spec: spec.clone(), allocation, index };
            let prepared = self.child(i, f).await?.prepare(child).await?;
            merge(&mut acc, &spec, prepared);
        }
        Ok(acc)
    }

    async fn healthy(&self, properties: Option<&Any>, instance: &Description) -> Result<Health> {
        let props = ComboProperties::parse(properties)?;
        for (i, f) in props.flavors.iter().enumerate() {
            let h = self
                .child(i, f)
                .await?
                .healthy(f.properties.as_ref(), instance)
                .await
                .map_err(|e| Error::failed(format!("Properties.Flavors[{i}] ({}): Healthy: {e}", f.plugin)))?;
            if h != Health::Healthy {
                return Ok(h);
            }
        }
        Ok(Health::Healthy)
    }

    async fn drain(&self, properties: Option<&Any>, instance: &Description) -> Result<()> {
        let props = ComboProperties::parse(properties)?;
        let mut errors = Vec::new();
        for (i, f) in props.flavors.iter().enumerate() {
            let outcome = match self.child(i, f).await {
                Ok(child) => child.drain(f.properties.as_ref(), instance).await,
                Err(e) => Err(e),
            };
            if let Err(e) = outcome {
                errors.push(format!("Properties.Flavors[{i}] ({}): {e}", f.plugin));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Failed(errors.join(", ")))
        }
    }

    /// The first child's quorum that is not `None` (a child that keeps one, such as flavor-etcd); a child's error is
    /// the error.
    async fn quorum(&self, properties: Option<&Any>, instances: &[Description]) -> Result<Option<Quorum>> {
        let props = ComboProperties::parse(properties)?;
        for (i, f) in props.flavors.iter().enumerate() {
            let q = self
                .child(i, f)
                .await?
                .quorum(f.properties.as_ref(), instances)
                .await
                .map_err(|e| Error::failed(format!("Properties.Flavors[{i}] ({}): Quorum: {e}", f.plugin)))?;
            if q.is_some() {
                return Ok(q);
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_flavor_vanilla::VanillaFlavor;
    use infrakit_spi::group::Group;
    use infrakit_spi::instance::Instance;
    use infrakit_spi::metadata::Metadata;
    use infrakit_spi::plugin::Name;

    struct OnlyVanilla;

    /// A flavor that keeps a quorum: healthy when given properties, an error when they are `"fail"`.
    struct Ensemble;

    #[async_trait]
    impl Flavor for Ensemble {
        async fn validate(&self, _: Option<&Any>, _: &AllocationMethod) -> Result<()> {
            Ok(())
        }
        async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
            Ok(request.spec)
        }
        async fn healthy(&self, _: Option<&Any>, _: &Description) -> Result<Health> {
            Ok(Health::Healthy)
        }
        async fn drain(&self, _: Option<&Any>, _: &Description) -> Result<()> {
            Ok(())
        }
        async fn quorum(&self, p: Option<&Any>, _: &[Description]) -> Result<Option<Quorum>> {
            match p.map(|p| p.to_string()) {
                Some(t) if t.contains("fail") => Err(Error::Failed("no ensemble".into())),
                p => Ok(Some(Quorum { healthy: p.is_some(), leader: None })),
            }
        }
    }

    #[async_trait]
    impl PluginLookup for OnlyVanilla {
        async fn instance(&self, n: &Name) -> Result<Arc<dyn Instance>> {
            Err(Error::NotFound(n.to_string()))
        }
        async fn flavor(&self, n: &Name) -> Result<Arc<dyn Flavor>> {
            match n.as_str() {
                "flavor-vanilla" => Ok(Arc::new(VanillaFlavor::default())),
                "flavor-ensemble" => Ok(Arc::new(Ensemble)),
                _ => Err(Error::NotFound(format!("plugin not found: {n}"))),
            }
        }
        async fn group(&self, n: &Name) -> Result<Arc<dyn Group>> {
            Err(Error::NotFound(n.to_string()))
        }
        async fn metadata(&self, n: &Name) -> Result<Arc<dyn Metadata>> {
            Err(Error::NotFound(n.to_string()))
        }
    }

    #[tokio::test]
    async fn merges_children_in_order() {
        let combo = ComboFlavor::new(Arc::new(OnlyVanilla));
        let props = Any::from_json(
            r#"{"Flavors":[
              {"Plugin":"flavor-vanilla","Properties":{"Init":["one"],"Tags":{"a":"1","k":"first"}}},
              {"Plugin":"flavor-vanilla","Properties":{"Init":["two"],"Tags":{"k":"second"},"Attachments":[{"ID":"v","Type":"vol"}]}}
            ]}"#,
        )
        .unwrap();
        let spec = Spec { init: "base".into(), ..Spec::default() };
        let out = combo.prepare(Prepare::lone(Some(&props), spec)).await.unwrap();
        assert_eq!(out.init, "base\none\ntwo");
        // A child Init that only shares a prefix with the input's (not whole lines) is kept intact.
        let mut acc = Spec { init: "#!/bin/sh".into(), ..Spec::default() };
        let input = acc.clone();
        merge(&mut acc, &input, Spec { init: "#!/bin/sh -e\necho".into(), ..Spec::default() });
        assert_eq!(acc.init, "#!/bin/sh\n#!/bin/sh -e\necho");
        assert_eq!(out.tags.get("k").map(String::as_str), Some("second"));
        assert_eq!(out.tags.get("a").map(String::as_str), Some("1"));
        assert_eq!(out.attachments.len(), 1);
        let desc = Description::default();
        assert_eq!(combo.healthy(Some(&props), &desc).await.unwrap(), Health::Healthy);
    }

    #[tokio::test]
    async fn the_first_quorum_a_child_keeps_is_the_combos() {
        let combo = ComboFlavor::new(Arc::new(OnlyVanilla));
        let quorum = |json: &str| {
            let props = Any::from_json(json).unwrap();
            let combo = &combo;
            async move { combo.quorum(Some(&props), &[]).await }
        };
        let plain = r#"{"Flavors":[{"Plugin":"flavor-vanilla","Properties":{}}]}"#;
        assert_eq!(quorum(plain).await.unwrap(), None);
        let both =
            r#"{"Flavors":[{"Plugin":"flavor-vanilla","Properties":{}},{"Plugin":"flavor-ensemble","Properties":{}}]}"#;
        assert_eq!(quorum(both).await.unwrap(), Some(Quorum { healthy: true, leader: None }));
        let failing = r#"{"Flavors":[{"Plugin":"flavor-ensemble","Properties":"fail"}]}"#;
        let err = quorum(failing).await.unwrap_err().to_string();
        assert!(err.contains("Properties.Flavors[0]") && err.contains("no ensemble"), "{err}");
    }

    #[tokio::test]
    async fn unknown_child_is_named() {
        let combo = ComboFlavor::new(Arc::new(OnlyVanilla));
        let props = Any::from_json(r#"{"Flavors":[{"Plugin":"flavor-nope","Properties":null}]}"#).unwrap();
        let err = combo.validate(Some(&props), &AllocationMethod::default()).await.unwrap_err().to_string();
        assert!(err.contains("Properties.Flavors[0].Plugin") && err.contains("flavor-nope"), "{err}");
    }
}
