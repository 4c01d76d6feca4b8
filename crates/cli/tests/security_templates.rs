//! Issue 17 (2): templates read only their own tree and the directories the operator allows. A flavor's Init is
//! part of the spec anyone who reaches the plugin sends, so `{{ include "/etc/passwd" }}` in it is refused unless
//! the operator allowed `/etc` (`--template-allow-dir`); `infrakit template` files read only their tree.

mod common;

use common::*;

/// Prepares an instance with the vanilla flavor whose Init includes `/etc/passwd`; returns the CLI's output.
fn prepare_passwd(plugins: &std::path::Path, dir: &std::path::Path) -> std::process::Output {
    let flavor = dir.join("flavor.json");
    std::fs::write(&flavor, r#"{"Init": ["{{ include \"/etc/passwd\" }}"]}"#).unwrap();
    let instance = dir.join("instance.json");
    std::fs::write(&instance, r#"{"Properties": {}, "Tags": {}, "Init": ""}"#).unwrap();
    cli(plugins, &["flavor", "prepare", flavor.to_str().unwrap(), instance.to_str().unwrap(), "--size", "1"], None)
}

#[test]
fn a_flavor_init_cannot_include_files_unless_allowed() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    {
        let _daemon = start_plugins(&plugins, &["flavor-vanilla"]);
        wait_for_sockets(&plugins, &["flavor-vanilla"]);
        let out = prepare_passwd(&plugins, home.path());
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!out.status.success(), "the Init read /etc/passwd: {stdout}");
        assert!(!stdout.contains("root:"), "{stdout}");
        assert!(stderr.contains("source policy refused file:///etc/passwd"), "{stderr}");
        assert!(stderr.contains("--template-allow-dir"), "the error says how to allow it: {stderr}");
    }
    let plugins = home.path().join("plugins2");
    let _daemon = start_plugins(&plugins, &["flavor-vanilla", "--template-allow-dir", "/etc"]);
    wait_for_sockets(&plugins, &["flavor-vanilla"]);
    let out = prepare_passwd(&plugins, home.path());
    assert!(out.status.success(), "allowed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("root:"));
}

#[test]
fn a_template_file_reads_its_tree_and_the_allowed_directories() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let tree = home.path().join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(home.path().join("secret"), "s3cret").unwrap();
    std::fs::write(tree.join("part.ikt"), "part").unwrap();
    std::fs::write(tree.join("main.ikt"), r#"{{ include "part.ikt" }} {{ include "../secret" }}"#).unwrap();
    let main = tree.join("main.ikt");
    let out = cli(&plugins, &["template", main.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("source policy refused"), "{stderr}");
    let allow = home.path().to_str().unwrap();
    assert_eq!(
        cli_ok(&plugins, &["template", main.to_str().unwrap(), "--template-allow-dir", allow], None),
        "part s3cret"
    );
    let mut env = std::process::Command::new(infrakit_bin());
    let out = env
        .args(["template", main.to_str().unwrap()])
        .env("INFRAKIT_PLUGINS_DIR", &plugins)
        .env("INFRAKIT_TEMPLATE_ALLOW_DIR", format!("/nonexistent:{allow}"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "part s3cret", "{}", String::from_utf8_lossy(&out.stderr));
}
