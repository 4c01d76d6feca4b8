//! `GET /info/api.json`: what the plugin implements, for people and tools.

use crate::dispatch::Router;
use serde_json::json;

/// The body of `/info/api.json` for the services of `router`: each interface once, with its extensions' methods.
pub fn api_json(router: &Router) -> Vec<u8> {
    let implements = router.implements();
    let interfaces: Vec<_> = implements
        .iter()
        .map(|iface| {
            let methods: Vec<_> = router
                .methods_of(&iface.name)
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
