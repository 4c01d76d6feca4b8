//! The template parser and evaluator: any text (as a flavor's Init would send it) parsed and rendered with a small
//! step budget and time limit, includes served from memory (the source policy still applies), with a dot that
//! has a bit of everything.

#![no_main]

use infrakit_template::{MemoryFetcher, Options, SourcePolicy, Template};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

fn options() -> &'static Options {
    static OPTIONS: OnceLock<Options> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let fetcher = MemoryFetcher::new()
            .with("file:///t/inc.ikt", "{{ . }}{{ var \"x\" 1 }}")
            .with("file:///t/loop.ikt", "{{ include \"loop.ikt\" }}");
        Options {
            fetcher: Arc::new(fetcher),
            max_steps: 20_000,
            time_limit: Some(Duration::from_millis(500)),
            policy: SourcePolicy::default(),
            ..Options::default()
        }
        .func("INSTANCE_LOGICAL_ID", |_| Ok(serde_json::Value::String("10.0.0.1".into())))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let dot = serde_json::json!({"a": [1, 2.5, "x", null, true], "m": {"k": "v"}, "n": -3});
    for url in ["file:///t/main.ikt", "str://"] {
        if let Ok(t) = Template::from_text(url, text, options()) {
            let _ = t.render(&dot);
        }
    }
});
