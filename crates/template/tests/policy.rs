//! The source policy on real files: a template reads its own directory tree and the allowed directories only;
//! `str://` text (a flavor's Init) has no tree; HTTP only when allowed; errors say which policy refused what.

use infrakit_template::{Error, Options, SourcePolicy, Template, Value};

fn strict() -> Options {
    Options { policy: SourcePolicy::default(), ..Options::default() }
}

fn render(url: &str, opts: &Options) -> Result<String, Error> {
    Template::from_url(url, opts)?.render(&Value::Null)
}

#[test]
fn a_file_template_reads_its_own_tree_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    std::fs::create_dir_all(root.join("lib")).unwrap();
    std::fs::write(root.join("lib/part.ikt"), "part").unwrap();
    std::fs::write(dir.path().join("secret"), "s3cret").unwrap();
    std::fs::write(root.join("ok.ikt"), r#"{{ include "lib/part.ikt" }}"#).unwrap();
    std::fs::write(root.join("up.ikt"), r#"{{ include "../secret" }}"#).unwrap();
    std::fs::write(root.join("abs.ikt"), r#"{{ include "/etc/passwd" }}"#).unwrap();
    std::fs::write(root.join("fetch.ikt"), r#"{{ fetch "file:///etc/passwd" }}"#).unwrap();
    std::fs::write(root.join("src.ikt"), r#"{{ source "/etc/passwd" }}"#).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("etc")).unwrap();
    std::fs::write(root.join("link.ikt"), r#"{{ include "etc/passwd" }}"#).unwrap();
    let at = |f: &str| root.join(f).display().to_string();

    assert_eq!(render(&at("ok.ikt"), &strict()).unwrap(), "part");
    for (file, refused) in [
        ("up.ikt", format!("file://{}/secret", dir.path().display())),
        ("abs.ikt", "file:///etc/passwd".to_string()),
        ("fetch.ikt", "file:///etc/passwd".to_string()),
        ("src.ikt", "file:///etc/passwd".to_string()),
        ("link.ikt", format!("file://{}/etc/passwd", root.display())),
    ] {
        let err = render(&at(file), &strict()).unwrap_err();
        assert!(matches!(err, Error::Policy { .. }), "{file}: {err}");
        let msg = err.to_string();
        assert!(msg.contains(&format!("source policy refused {refused}")), "{file}: {msg}");
        assert!(msg.contains("--template-allow-dir") && msg.contains(&root.display().to_string()), "{msg}");
    }
    // The operator allows a directory: then it is readable.
    let etc =
        Options { policy: SourcePolicy { allow_dirs: vec!["/etc".into()], ..SourcePolicy::default() }, ..strict() };
    assert!(render(&at("abs.ikt"), &etc).unwrap().contains("root:"));
}

#[test]
fn text_templates_have_no_tree_and_http_needs_permission() {
    let init = Template::from_text("str://flavor-vanilla/Init", r#"{{ include "/etc/passwd" }}"#, &strict()).unwrap();
    let msg = init.render(&Value::Null).unwrap_err().to_string();
    assert!(msg.contains("source policy refused file:///etc/passwd"), "{msg}");
    assert!(msg.contains("str:// template (it has no directory of its own)"), "{msg}");
    let relative = Template::from_text("str://", r#"{{ include "Cargo.toml" }}"#, &strict()).unwrap();
    assert!(matches!(relative.render(&Value::Null), Err(Error::Policy { .. })));

    // Refused before any connection is made (nothing listens on port 9 here anyway).
    let web = Template::from_text("str://", r#"{{ fetch "http://127.0.0.1:9/x" }}"#, &strict()).unwrap();
    let msg = web.render(&Value::Null).unwrap_err().to_string();
    assert!(msg.contains("refused http://127.0.0.1:9/x") && msg.contains("--template-allow-http"), "{msg}");
    let allowed = Options { policy: SourcePolicy { allow_http: true, ..SourcePolicy::default() }, ..strict() };
    let web = Template::from_text("str://", r#"{{ fetch "http://127.0.0.1:9/x" }}"#, &allowed).unwrap();
    let err = web.render(&Value::Null).unwrap_err();
    assert!(matches!(err, Error::Fetch { .. }), "allowed, so it was tried: {err}");
}

#[test]
fn the_process_default_is_strict_until_a_program_installs_another() {
    assert_eq!(SourcePolicy::process_default(), SourcePolicy::default());
    assert!(!SourcePolicy::process_default().unrestricted);
}
