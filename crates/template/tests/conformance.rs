//! Conformance suite: every `tests/conformance/*.txt` file holds cases in this format:
//!
//! ```text
//! === name
//! --- data                      (optional JSON dot; default null)
//! --- options                   (optional: `multi_pass`, `var k=v`, `global k=v`, `delims L R`,
//!                                `go_decoded`: the data's numbers become float64, as Go decodes JSON)
//! --- file file:///t/other.ikt  (optional, repeatable: more templates for the in-memory fetcher)
//! --- template                  (loaded as file:///t/main.ikt)
//! --- output                    (the exact rendering) or
//! --- error                     (a substring of the error's Display)
//! ```
//!
//! A section's text is the lines up to the next marker; the newline before a marker is not part of it,
//! and one blank line separating a case from the next (or ending the file) is dropped too.
//! Expected outputs follow Go's documented `text/template`, `fmt`, Sprig and InfraKit behaviour.

use std::path::Path;
use std::sync::Arc;

use infrakit_template::{MemoryFetcher, Options, Template, Value};

#[derive(Default, Debug)]
struct Case {
    file: String,
    name: String,
    data: Option<String>,
    options: Vec<String>,
    files: Vec<(String, String)>,
    template: String,
    output: Option<String>,
    error: Option<String>,
}

fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut cur: Option<Case> = None;
    let mut section: Option<String> = None;
    let mut body: Vec<&str> = Vec::new();
    let flush = |cur: &mut Option<Case>, section: &mut Option<String>, body: &mut Vec<&str>, boundary: bool| {
        if boundary && body.last() == Some(&"") {
            body.pop();
        }
        if let (Some(c), Some(s)) = (cur.as_mut(), section.take()) {
            let text = body.join("\n");
            match s.as_str() {
                "data" => c.data = Some(text),
                "options" => c.options = body.iter().map(|l| l.to_string()).filter(|l| !l.is_empty()).collect(),
                "template" => c.template = text,
                "output" => c.output = Some(text),
                "error" => c.error = Some(text),
                f if f.starts_with("file ") => c.files.push((f[5..].trim().to_string(), text)),
                other => panic!("{}: unknown section {other:?} in {:?}", file, c.name),
            }
        }
        body.clear();
    };
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix("=== ") {
            flush(&mut cur, &mut section, &mut body, true);
            cases.extend(cur.take());
            cur = Some(Case { file: file.to_string(), name: name.trim().to_string(), ..Case::default() });
        } else if let Some(s) = line.strip_prefix("--- ") {
            flush(&mut cur, &mut section, &mut body, false);
            section = Some(s.trim().to_string());
        } else if section.is_some() {
            body.push(line);
        }
    }
    flush(&mut cur, &mut section, &mut body, true);
    cases.extend(cur);
    cases
}

fn run(case: &Case) -> Result<String, String> {
    let mut opts = Options::default();
    let mut decoded = false;
    for o in &case.options {
        let mut words = o.splitn(2, ' ');
        match (words.next().unwrap_or(""), words.next().unwrap_or("")) {
            ("multi_pass", _) => opts.multi_pass = true,
            ("go_decoded", _) => decoded = true,
            ("var", kv) => opts = opts.var(kv).map_err(|e| format!("bad option: {e}"))?,
            ("global", kv) => {
                let (k, v) = Options::parse_global(kv).ok_or("bad global")?;
                opts.globals.insert(k, v);
            }
            ("delims", lr) => {
                let (l, r) = lr.split_once(' ').ok_or("bad delims")?;
                opts.delims = (l.to_string(), r.to_string());
            }
            (other, _) => return Err(format!("unknown option {other}")),
        }
    }
    let fetcher = MemoryFetcher::new().with("file:///t/main.ikt", &case.template);
    for (url, text) in &case.files {
        fetcher.insert(url, text);
    }
    opts.fetcher = Arc::new(fetcher);
    let data: Value = match &case.data {
        Some(d) => serde_json::from_str(d).map_err(|e| format!("bad data: {e}"))?,
        None => Value::Null,
    };
    let data = if decoded { infrakit_template::go_decoded(&data) } else { data };
    let t = Template::from_url("file:///t/main.ikt", &opts).map_err(|e| e.to_string())?;
    t.render(&data).map_err(|e| e.to_string())
}

#[test]
fn conformance() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
        let text = std::fs::read_to_string(path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for case in parse_cases(&file, &text) {
            count += 1;
            let got = run(&case);
            let ok = match (&case.output, &case.error, &got) {
                (Some(want), None, Ok(out)) => out == want,
                (None, Some(want), Err(e)) => e.contains(want.as_str()),
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{} / {}:\n  want output {:?} error {:?}\n  got {:?}",
                    case.file, case.name, case.output, case.error, got
                ));
            }
        }
    }
    println!("{count} conformance cases");
    assert!(count >= 100, "only {count} cases found");
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n"));
}
