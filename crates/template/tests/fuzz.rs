//! Random input never panics: random strings and random soups of template tokens are parsed and rendered,
//! and each returns Ok or Err.

use std::sync::Arc;

use infrakit_template::{MemoryFetcher, Options, Template};
use proptest::prelude::*;
use serde_json::json;

const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{- ",
    " -}}",
    "{{/*",
    "*/}}",
    "if ",
    "else ",
    "end",
    "range ",
    "with ",
    "define ",
    "template ",
    "block ",
    "break",
    "continue",
    "\"s\"",
    "\"inc.ikt\"",
    "`raw`",
    "'c'",
    "$x",
    "$",
    "$y",
    ":=",
    "=",
    "|",
    "(",
    ")",
    ".",
    ".a",
    ".b",
    ".a.b",
    "1",
    "-1",
    "0x1f",
    "1.5e3",
    "nil",
    "true",
    "false",
    "len",
    "index",
    "printf",
    "\"%d %s %v %q %5.2f %x %*d\"",
    "print",
    "and",
    "or",
    "not",
    "eq",
    "lt",
    "include",
    "source",
    "var",
    "def",
    "ref",
    "default",
    "list",
    "dict",
    "keys",
    "split",
    "join",
    "add",
    "div",
    "mod",
    "until",
    "repeat",
    "seq",
    "jsonEncode",
    "jsonDecode",
    "yamlDecode",
    "yamlEncode",
    "fetch",
    "slice",
    "loop",
    "q",
    "\"a[0].b\"",
    "\"@\"",
    "set",
    "unset",
    "sha256sum",
    "now",
    "date",
    "dateInZone",
    "dateModify",
    "\"-1.5h\"",
    "\"2006 Jan _2 MST .999\"",
    "htmlDate",
    "iniDecode",
    "title",
    "substr",
    " ",
    "\n",
    ",",
    "x",
    "\\",
    "\"",
    "-",
    "0",
    "9",
];

fn options() -> Options {
    let f = MemoryFetcher::new()
        .with("file:///f/inc.ikt", "{{ include \"inc.ikt\" }}")
        .with("file:///f/s", "{{ var \"v\" 1 }}{{ .a }}");
    Options { fetcher: Arc::new(f), ..Options::default() }
}

fn run(text: &str) {
    let data = json!({"a": [1, {"b": 2}], "b": "x", "s": {"k": null}});
    if let Ok(t) = Template::from_text("file:///f/main.ikt", text, &options()) {
        let _ = t.render(&data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_never_panic(text in "\\PC{0,120}") {
        run(&text);
        run(&format!("{{{{{text}}}}}"));
    }

    #[test]
    fn token_soups_never_panic(picks in proptest::collection::vec(0..TOKENS.len(), 0..40)) {
        let text: String = picks.iter().map(|&i| TOKENS[i]).collect();
        run(&text);
        run(&format!("{{{{ {text} }}}}"));
    }
}
