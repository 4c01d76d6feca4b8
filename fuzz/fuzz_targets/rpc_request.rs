//! The JSON-RPC request path: any body a client sends, through `Router::handle` (parse, envelope checks, method
//! lookup, parameter decoding for every interface, the call, the answer). Every answer must be JSON.

#![no_main]

#[path = "../../crates/rpc/tests/fakes/mod.rs"]
#[allow(dead_code)]
mod fakes;

use infrakit_rpc::dispatch::Router;
use infrakit_rpc::services::{
    FlavorService, GroupControlService, GroupService, InstanceService, ManagerService, MetadataService, Service,
};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

fn router() -> &'static (Router, tokio::runtime::Runtime) {
    static ROUTER: OnceLock<(Router, tokio::runtime::Runtime)> = OnceLock::new();
    ROUTER.get_or_init(|| {
        let plugin = Arc::new(fakes::Recorder::default());
        let services: Vec<Arc<dyn Service>> = vec![
            Arc::new(InstanceService::new([(String::new(), plugin.clone() as _)].into())),
            Arc::new(FlavorService::new([(String::new(), plugin.clone() as _)].into())),
            Arc::new(GroupService(plugin.clone())),
            Arc::new(GroupControlService(plugin.clone())),
            Arc::new(ManagerService(plugin.clone())),
            Arc::new(MetadataService::new([(String::new(), plugin.clone() as _)].into())),
        ];
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        (Router::new(services), rt)
    })
}

fuzz_target!(|body: &[u8]| {
    let (router, rt) = router();
    if let Some(answer) = rt.block_on(router.handle(body)) {
        let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&answer);
        assert!(parsed.is_ok(), "the answer is not JSON: {}", String::from_utf8_lossy(&answer));
        // Error data stays small whatever the request's size.
        assert!(answer.len() < body.len().min(64 << 10) + (64 << 10), "answer of {} bytes", answer.len());
    }
});
