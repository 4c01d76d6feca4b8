//! Issue 20 item 14 through the binary: `infrakit template` renders what InfraKit v0.5 renders for `loop`, `q`,
//! `sha256sum`, Sprig's `set`, and numbers decoded from JSON (Go's float64). The expected outputs are derived from
//! the Go sources in `crates/template/tests/conformance/v05.txt`, which names them case by case.

mod common;

use common::*;
use std::process::Command;

/// Renders `template` with `infrakit template str://... --final`; (exit success, stdout, stderr).
fn render(template: &str) -> (bool, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(infrakit_bin())
        .args(["template", &format!("str://{template}"), "--final"])
        .env("INFRAKIT_HOME", home.path())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn renders(template: &str, expected: &str) {
    let (ok, stdout, stderr) = render(template);
    assert!(ok, "{template}: {stderr}");
    assert_eq!(stdout, expected, "{template}");
}

#[test]
fn loop_yields_empty_structs_and_two_variables_give_indexes() {
    renders("{{range $i := loop 3}}{{$i}}{{end}}|{{len (loop 4)}}", "{}{}{}|4");
    renders("{{range $i, $_ := loop 3}}{{add $i 1}}{{end}}", "123");
}

#[test]
fn q_sha256sum_and_set_render_as_v05() {
    renders(r#"{{q "a.b" (jsonDecode "{\"a\": {\"b\": [1, 2]}}")}}"#, "[1 2]");
    renders(r#"{{sha256sum "hello"}}"#, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    renders(r#"{{$d := dict "a" 1}}{{$_ := set $d "b" 2}}{{$d}}"#, "map[a:1 b:2]");
}

#[test]
fn numbers_decoded_from_json_print_as_go_float64() {
    renders(
        r#"{{$d := jsonDecode "{\"a\": 3, \"b\": 3.5, \"c\": 1000000, \"f\": 0.00001}"}}{{$d.a}} {{$d.b}} {{$d.c}} {{$d.f}}"#,
        "3 3.5 1e+06 1e-05",
    );
}

#[test]
fn a_bad_argument_fails_with_the_functions_name() {
    let (ok, _, stderr) = render("{{loop -1}}");
    assert!(!ok, "a negative loop count must fail");
    assert!(stderr.contains("loop"), "{stderr}");
}
