//! `GET /info/api.json`: what the plugin implements, for people and tools.

use crate::dispatch::Router;
use serde_json::json;

/// The body of `/info/api.json` for the services of `router`.
pub fn api_json(router: &Router) -> Vec<u8> {
    let implements: Vec<_> = router.services().iter().map(|s| s.interface()).collect();
    let interfaces: Vec<_> = router
        .services()
        .iter()
        .map(|s| {
            let iface = s.interface();
            let methods: Vec<_> = s
                .methods()
                .iter()
                .map(|m| json!({"Request": {"jsonrpc": "2.0", "method": format!("{}.{m}", iface.name), "params": {}}}))
                .collect();
            json!({"Name": iface.name, "Version": iface.version, "Methods": methods})
        })
        .collect();
    let body = json!({
        "Vendor": {"Name": "infrakit-rs", "Version": env!("CARGO_PKG_VERSION"), "URL": ""},
        "Implements": implements,
        "Interfaces": interfaces,
    });
    infrakit_spi::gojson::to_vec(&body).unwrap_or_default()
}
