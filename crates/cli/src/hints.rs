//! What to do next when a plugin or a group is not there: the name meant, and how to start it.

use crate::explain::did_you_mean;
use crate::Context;
use infrakit_node::catalog;

/// The plugins answering in the plugins directory, by name.
fn running(ctx: &Context) -> Vec<String> {
    ctx.discovery.list().map(|l| l.into_iter().map(|e| e.name).collect()).unwrap_or_default()
}

/// A hint for a plugin `name` that is not running: the running one meant, and how to start it.
pub fn missing_plugin(ctx: &Context, name: &str) -> String {
    let base = name.split('/').next().unwrap_or(name);
    let names = running(ctx);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut hint = String::new();
    let meant = did_you_mean(base, &refs);
    if let Some(m) = meant {
        hint.push_str(&format!("; did you mean {m}? (running: {})", refs.join(", ")));
    }
    let builtins: Vec<&str> = catalog::catalog().iter().map(|b| b.name).collect();
    if builtins.contains(&base) {
        hint.push_str(&format!(
            "; start it with `infrakit plugin start {base}`, or run the spec with `infrakit up FILE`, which starts \
             every plugin it names"
        ));
    } else if let Some(m) = did_you_mean(base, &builtins).filter(|_| meant.is_none()) {
        hint.push_str(&format!("; no built-in is called {base}: did you mean {m}?"));
    } else if refs.is_empty() {
        hint.push_str(&format!("; no plugin runs in {}", ctx.discovery.dir().display()));
    }
    hint
}

/// `error` with a hint appended when it says a plugin was not found (the text every layer uses).
pub fn with_plugin_hint(ctx: &Context, error: String) -> String {
    let Some(i) = error.find("plugin not found: ") else { return error };
    let name = error[i + "plugin not found: ".len()..].split([' ', ',', ')']).next().unwrap_or("").to_string();
    if name.is_empty() || error.contains("; start it with") {
        return error;
    }
    format!("{error}{}", missing_plugin(ctx, &name))
}

/// A hint for a group `id` that is not managed: the one meant, and how to list and commit groups.
pub fn missing_group(id: &str, known: &[String]) -> String {
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let meant = did_you_mean(id, &refs).map(|m| format!("did you mean {m}? ")).unwrap_or_default();
    format!("{meant}`infrakit group ls` lists the groups; `infrakit group commit FILE` starts managing one")
}
