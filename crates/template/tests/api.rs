//! The public API end to end: real files, a real HTTP server, `str://` bases, metadata, caller functions,
//! error positions and depth limits.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use infrakit_template::{
    Error, Fetcher, MemoryFetcher, MetadataResolver, Options, SourcePolicy, Template, Url, Value, MAX_DEPTH,
};
use serde_json::json;

fn render(text: &str, dot: Value) -> Result<String, Error> {
    Template::from_text("str://", text, &Options::default())?.render(&dot)
}

fn mem(files: &[(&str, &str)]) -> Options {
    let f = MemoryFetcher::new();
    for (u, t) in files {
        f.insert(u, t);
    }
    Options { fetcher: Arc::new(f), ..Options::default() }
}

#[test]
fn template_is_send_sync_and_renders_repeatably() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Template>();
    let t = Template::from_text("str://", "{{var \"n\"}}{{var \"n\" 1}}", &Options::default()).unwrap();
    assert_eq!(t.render(&Value::Null).unwrap(), "<no value>");
    assert_eq!(t.render(&Value::Null).unwrap(), "<no value>", "globals do not outlive a render");
}

#[test]
fn files_on_disk_with_relative_includes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    std::fs::write(dir.path().join("lib/common.ikt"), "{{var \"region\" \"eu\"}}").unwrap();
    std::fs::write(dir.path().join("lib/install.sh"), "install {{.}}").unwrap();
    std::fs::write(
        dir.path().join("boot.sh"),
        "#!/bin/sh\n{{ source \"lib/common.ikt\" }}region={{ var \"region\" }}\n{{ include \"lib/install.sh\" \"docker\" }}\n",
    )
    .unwrap();
    let path = dir.path().join("boot.sh");
    let plain = Template::from_url(path.to_str().unwrap(), &Options::default()).unwrap();
    assert_eq!(plain.url().to_string(), format!("file://{}", path.display()));
    assert_eq!(plain.render(&Value::Null).unwrap(), "#!/bin/sh\nregion=eu\ninstall docker\n");
    let url = Template::from_url(&format!("file://{}", path.display()), &Options::default()).unwrap();
    assert_eq!(url.render(&Value::Null).unwrap(), "#!/bin/sh\nregion=eu\ninstall docker\n");

    std::fs::write(dir.path().join("broken.sh"), "ok\n\n  {{ nope }}").unwrap();
    let broken = Template::from_url(dir.path().join("broken.sh").to_str().unwrap(), &Options::default()).unwrap();
    let err = broken.render(&Value::Null).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("file://{}/broken.sh:3:6: function \"nope\" not defined", dir.path().display())
    );
    let pos = err.pos().unwrap();
    assert_eq!((pos.line, pos.col), (3, 6));

    let missing = Template::from_url(dir.path().join("nope.sh").to_str().unwrap(), &Options::default()).unwrap_err();
    assert!(matches!(missing, Error::Load { .. }), "{missing}");
    assert!(missing.to_string().contains("nope.sh: No such file"), "{missing}");
}

#[test]
fn str_templates_resolve_relative_to_the_current_directory() {
    // `cargo test` runs in the crate's directory. `str://` text has no directory of its own: the source policy
    // lets it read only the directories allowed.
    let cwd = std::env::current_dir().unwrap();
    let opts =
        Options { policy: SourcePolicy { allow_dirs: vec![cwd], ..SourcePolicy::default() }, ..Options::default() };
    let out = Template::from_text("str://", "{{ include \"tests/fixtures/outer.ikt\" }}", &opts)
        .unwrap()
        .render(&Value::Null);
    assert_eq!(out.unwrap(), "hello fixture!");
    let refused = render("{{ include \"tests/fixtures/outer.ikt\" }}", Value::Null).unwrap_err();
    assert!(matches!(refused, Error::Policy { .. }), "{refused}");
    let t = Template::from_url("str://{{ include \"tests/fixtures/hello.ikt\" 1 }}", &opts).unwrap();
    assert_eq!(t.render(&Value::Null).unwrap(), "hello 1");
    let err = render("\n {{ nope }}", Value::Null).unwrap_err().to_string();
    assert!(err.starts_with("str://...:2:5: function \"nope\""), "{err}");
}

/// Serves `/main.ikt`, `/part.ikt`, `/hdr.ikt` (echoes the X-Token header) and 404 for anything else.
fn http_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut token = String::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                    break;
                }
                // Header names are case-insensitive (HTTP/1.1 clients may send them lower-case).
                if let Some((_, v)) = h.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case("x-token")) {
                    token = v.trim().to_string();
                }
            }
            seen.lock().unwrap().push(path.clone());
            let (status, body) = match path.as_str() {
                "/t/main.ikt" => ("200 OK", "main[{{ include \"part.ikt\" }}]".to_string()),
                "/t/part.ikt" => ("200 OK", "part".to_string()),
                "/t/hdr.ikt" => ("200 OK", format!("token={token}")),
                "/t/moved.ikt" => ("302 Found", String::new()),
                _ => ("404 Not Found", "nope".to_string()),
            };
            let extra = if status.starts_with("302") { "Location: /t/part.ikt\r\n" } else { "" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{extra}\r\n{body}", body.len());
        }
    });
    (format!("http://{addr}"), log)
}

#[test]
fn http_sources() {
    let (base, log) = http_server();
    let t = Template::from_url(&format!("{base}/t/main.ikt"), &Options::default()).unwrap();
    assert_eq!(t.render(&Value::Null).unwrap(), "main[part]");
    assert_eq!(log.lock().unwrap().as_slice(), ["/t/main.ikt", "/t/part.ikt"]);

    let t = Template::from_text(
        &format!("{base}/t/x.ikt"),
        "{{ include \"hdr.ikt\" \"X-Token=s3cret\" }} {{ fetch \"moved.ikt\" }}",
        &Options::default(),
    )
    .unwrap();
    assert_eq!(t.render(&Value::Null).unwrap(), "token=s3cret part");

    let t = Template::from_text(&format!("{base}/t/x.ikt"), "{{ include \"gone.ikt\" }}", &Options::default()).unwrap();
    let err = t.render(&Value::Null).unwrap_err().to_string();
    assert_eq!(err, format!("{base}/t/x.ikt:1:4: cannot fetch {base}/t/gone.ikt: HTTP status 404 Not Found"));

    let err = Template::from_url(&format!("{base}/t/none.ikt"), &Options::default()).unwrap_err().to_string();
    assert_eq!(err, format!("cannot fetch {base}/t/none.ikt: HTTP status 404 Not Found"));
    if !cfg!(feature = "https") {
        // Without the feature, https is refused before any connection (with it, see the CLI's https test).
        let err = Template::from_url("https://example.invalid/x", &Options::default()).unwrap_err().to_string();
        assert!(err.contains("https is not supported in this build"), "{err}");
    }
    let err = Template::from_url("ftp://host/x", &Options::default()).unwrap_err().to_string();
    assert!(err.contains("unsupported url"), "{err}");
}

struct Plugins;

impl MetadataResolver for Plugins {
    fn resolve(&self, path: &str) -> Result<Option<Value>, String> {
        match path {
            "vars" => Ok(Some(json!(true))),
            "vars/cluster/size" => Ok(Some(json!(3))),
            "vars/cluster/memory" => Ok(Some(json!(2000000))),
            "vars/cluster/ips" => Ok(Some(json!(["10.0.0.1", "10.0.0.2"]))),
            "vars/broken" => Err("rpc failed".into()),
            p if p.starts_with("vars/") => Ok(Some(Value::Null)),
            _ => Ok(None),
        }
    }
}

#[test]
fn metadata_goes_through_the_resolver() {
    let opts = Options { metadata: Some(Arc::new(Plugins)), ..Options::default() };
    let t = Template::from_text(
        "str://",
        "{{metadata \"vars\"}} {{metadata \"vars/cluster/size\"}} {{index (metadata \"vars/cluster/ips\") 1}} {{metadata \"swarm/x\"}} {{if not (metadata \"swarm\")}}down{{end}}",
        &opts,
    )
    .unwrap();
    assert_eq!(t.render(&Value::Null).unwrap(), "true 3 10.0.0.2 false down");
    // Go decodes a metadata value from JSON into an interface{}: numbers are float64 and print like one.
    let t = Template::from_text(
        "str://",
        "{{metadata \"vars/cluster/memory\"}} {{typeOf (metadata \"vars/cluster/size\")}}",
        &opts,
    )
    .unwrap();
    assert_eq!(t.render(&Value::Null).unwrap(), "2e+06 float64");
    let t = Template::from_text("str://", "{{metadata \"vars/broken\"}}", &opts).unwrap();
    assert_eq!(
        t.render(&Value::Null).unwrap_err().to_string(),
        "str://{{metadata \"vars/broken\"}}:1:3: error calling metadata: rpc failed"
    );
}

#[test]
fn caller_functions_win_and_are_inherited_by_includes() {
    let opts = mem(&[("file:///t/inc.ikt", "inc={{INSTANCE_LOGICAL_ID}}")])
        .func("INSTANCE_LOGICAL_ID", |_| Ok(json!("10.0.0.7")))
        .func("upper", |a| Ok(json!(format!("custom:{}", a.len()))));
    let mut t = Template::from_text(
        "file:///t/main.ikt",
        "{{INSTANCE_LOGICAL_ID}} {{upper \"x\" \"y\"}} {{include \"inc.ikt\"}} {{SPEC}}",
        &opts,
    )
    .unwrap();
    assert!(matches!(t.render(&Value::Null), Err(Error::FunctionNotDefined { ref name, .. }) if name == "SPEC"));
    t.add_func("SPEC", |a| if a.is_empty() { Ok(json!({"Size": 3})) } else { Err("SPEC takes no arguments".into()) });
    assert!(t.has_func("SPEC"));
    assert_eq!(t.render(&Value::Null).unwrap(), "10.0.0.7 custom:2 inc=10.0.0.7 map[Size:3]");
    let mut t2 = Template::from_text("str://", "{{SPEC 1}}", &Options::default()).unwrap();
    t2.add_func("SPEC", |a| if a.is_empty() { Ok(Value::Null) } else { Err("SPEC takes no arguments".into()) });
    assert_eq!(
        t2.render(&Value::Null).unwrap_err().to_string(),
        "str://{{SPEC 1}}:1:3: error calling SPEC: SPEC takes no arguments"
    );
}

#[test]
fn options_vars_globals_and_delims() {
    let mut vars = BTreeMap::new();
    vars.insert("size".to_string(), json!(5));
    let mut globals = BTreeMap::new();
    globals.insert("name".to_string(), "web".to_string());
    let opts = Options { vars, globals, delims: ("<%".into(), "%>".into()), multi_pass: true, ..Options::default() };
    let t = Template::from_text("str://", "<% var \"size\" %> <% ref \"name\" %> <% var \"later\" %> {{ . }}", &opts)
        .unwrap();
    assert_eq!(t.render(&json!("d")).unwrap(), "5 web <% var `later` %> {{ . }}");
    assert!(format!("{opts:?}").contains("multi_pass: true"));
}

#[test]
fn multi_pass_output_renders_again() {
    let first = Options { multi_pass: true, ..Options::default() };
    let pass1 = Template::from_text("str://", "a={{ var `a` }} b={{ var \"b\" 2 }}{{ var \"b\" }}", &first).unwrap();
    let text = pass1.render(&Value::Null).unwrap();
    assert_eq!(text, "a={{ var `a` }} b=2");
    let second = Options::default().var("a=1").unwrap();
    let pass2 = Template::from_text("str://", &text, &second).unwrap();
    assert_eq!(pass2.render(&Value::Null).unwrap(), "a=1 b=2");
}

/// Every URL `file:///deep/N` includes `file:///deep/N+1`: no loop, just depth.
struct Deep;

impl Fetcher for Deep {
    fn fetch(&self, url: &Url, _: &[(String, String)]) -> Result<String, String> {
        let n: u32 = url.path().trim_start_matches("/deep/").parse().map_err(|_| "bad".to_string())?;
        Ok(format!("{{{{ if true }}}}{{{{ include \"{}\" }}}}{{{{ end }}}}", n + 1))
    }
}

#[test]
fn depth_limits_are_errors_not_stack_overflows() {
    // Run on a thread with a deliberately small stack: the limits must hold well within it.
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let opts = Options { fetcher: Arc::new(Deep), ..Options::default() };
            let t = Template::from_url("file:///deep/0", &opts).unwrap();
            let err = t.render(&Value::Null).unwrap_err();
            assert!(matches!(err, Error::TooDeep { limit, .. } if limit == MAX_DEPTH), "{err}");

            let nested_ifs = "{{if 1}}".repeat(150) + &"{{end}}".repeat(150);
            let err = Template::from_text("str://", &nested_ifs, &Options::default()).unwrap_err();
            assert!(err.to_string().contains("nesting deeper than 100 levels"), "{err}");

            let parens = format!("{{{{ {}1{} }}}}", "(".repeat(500), ")".repeat(500));
            let err = Template::from_text("str://", &parens, &Options::default()).unwrap_err();
            assert!(matches!(err, Error::TooDeep { .. }), "{err}");

            let ok_parens = format!("{{{{ {}1{} }}}}", "(".repeat(90), ")".repeat(90));
            assert_eq!(render(&ok_parens, Value::Null).unwrap(), "1");

            let recursion = "{{define \"r\"}}{{if .}}{{template \"r\" .}}{{end}}{{end}}{{template \"r\" 1}}";
            assert!(matches!(render(recursion, Value::Null), Err(Error::TooDeep { .. })));

            let nest_values = "{{$x := list}}{{range loop 200}}{{$x = list $x}}{{end}}";
            let err = render(nest_values, Value::Null).unwrap_err().to_string();
            assert!(err.contains("value nests deeper than 100 levels"), "{err}");
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn memory_fetcher_records_fetches_and_loops_name_the_chain() {
    let f = Arc::new(
        MemoryFetcher::new()
            .with("file:///x/a.ikt", "{{ include \"b.ikt\" }}")
            .with("file:///x/b.ikt", "{{ source \"c.ikt\" }}")
            .with("file:///x/c.ikt", "\n{{ include \"a.ikt\" }}"),
    );
    let opts = Options { fetcher: f.clone(), ..Options::default() };
    let err = Template::from_url("file:///x/a.ikt", &opts).unwrap().render(&Value::Null).unwrap_err();
    assert_eq!(
        err.to_string(),
        "file:///x/c.ikt:2:4: include loop: file:///x/a.ikt -> file:///x/b.ikt -> file:///x/c.ikt -> file:///x/a.ikt"
    );
    match err {
        Error::IncludeLoop { chain, .. } => assert_eq!(chain.len(), 4),
        other => panic!("{other}"),
    }
    assert_eq!(f.fetched(), ["file:///x/a.ikt", "file:///x/b.ikt", "file:///x/c.ikt"]);
}

#[test]
fn the_same_include_twice_is_not_a_loop() {
    let opts = mem(&[("file:///t/p.ikt", "p{{.}}")]);
    let t = Template::from_text(
        "file:///t/m.ikt",
        "{{include \"p.ikt\" 1}}{{include \"p.ikt\" 2}}{{range loop 2}}{{include \"p.ikt\" .}}{{end}}",
        &opts,
    )
    .unwrap();
    // v0.5's `loop` yields empty structs, which print as `{}`.
    assert_eq!(t.render(&Value::Null).unwrap(), "p1p2p{}p{}");
}
