//! Inputs the fuzzer (`fuzz/`, target `rpc_request`) found, kept as tests: every answer is JSON that serde_json
//! reads back.

use infrakit_rpc::dispatch::Router;

#[tokio::test]
async fn a_bad_jsonrpc_echo_with_a_number_beyond_f64_is_still_readable() {
    let router = Router::new(Vec::new());
    let body = b"{\"pasoPlui%ncpc\":\t\t\t\t{\"jwor*methodc\": 2E848}}\n";
    let answer = router.handle(body).await.expect("answered");
    let parsed: serde_json::Value = serde_json::from_slice(&answer).expect("the answer is JSON serde_json reads");
    assert_eq!(parsed["error"]["message"], "jsonrpc must be 2.0");
}
