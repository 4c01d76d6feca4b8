//! The CLI as an operator meets it (issue 20): waiting for a rollout, one output flag everywhere, errors that point
//! into the user's file, hints for what is missing, confirmation before destroying, colour only on a terminal,
//! completions, small terminals, `--pretend`'s diff. Each test runs the binary against real plugins and checks
//! what it prints and how it exits.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The group controller, instance-file, instance-process and flavor-vanilla in one process, under a fresh home.
struct Stack {
    home: tempfile::TempDir,
    _daemon: Daemon,
}

impl Stack {
    fn start() -> Stack {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("instances");
        let child = Command::new(infrakit_bin())
            .args(["plugin", "start", "group", "instance-file", "instance-process", "flavor-vanilla", "--dir"])
            .arg(&dir)
            .env("INFRAKIT_HOME", home.path())
            .env_remove("INFRAKIT_PLUGINS_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let daemon = Daemon(child);
        wait_for_sockets(
            &home.path().join("plugins"),
            &["group", "instance-file", "instance-process", "flavor-vanilla"],
        );
        Stack { home, _daemon: daemon }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }

    /// Runs `infrakit args` with standard input not a terminal.
    fn run(&self, args: &[&str]) -> Output {
        ik(self.home.path(), args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "infrakit {args:?} failed: {}", text(&out.stderr));
        text(&out.stdout)
    }

    /// Runs `infrakit args` and expects it to fail; its stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "infrakit {args:?} should fail: {}", text(&out.stdout));
        text(&out.stderr)
    }

    fn instances(&self) -> usize {
        files(&self.path("instances")).len()
    }
}

fn ik(home: &Path, args: &[&str]) -> Output {
    Command::new(infrakit_bin())
        .args(args)
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `shell` in a pseudo-terminal (`script`), feeding `input`; its exit status and what the terminal showed.
fn in_terminal(home: &Path, shell: &str, input: &str, env: &[(&str, &str)]) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new("script")
        .args(["-qec", shell, "/dev/null"])
        .env("INFRAKIT_HOME", home)
        .env("IK", infrakit_bin())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux) must be installed");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), text(&out.stdout))
}

const CANARY: &str = r#"{"ID":"cattle","Properties":{"Allocation":{"Size":3},
  "Updating":{"Canary":1},
  "Instance":{"Plugin":"instance-file","Properties":{"Note":"NOTE"}},
  "Flavor":{"Plugin":"flavor-vanilla","Properties":{"Tags":{"tier":"web"}}}}}"#;

/// Item 3 (and 6): `commit --wait` returns once converged, fails when the rollout pauses, `rollout status` waits
/// for a resumed one; the paused rollout and the canary count read as words.
#[test]
fn commit_wait_and_rollout_status_block_until_converged_or_failed() {
    let s = Stack::start();
    let v1 = s.write("v1.json", &CANARY.replace("NOTE", "v1"));
    let out = s.ok(&["group", "commit", &v1, "--wait"]);
    assert!(out.contains("Committed cattle: Managing 3 instances"), "{out}");
    assert!(out.contains("cattle converged: 3/3 on the new config, 3 healthy"), "{out}");
    assert_eq!(s.instances(), 3, "--wait returned once the instances exist");
    assert!(s.ok(&["group", "rollout", "status", "cattle"]).contains("cattle converged"));
    s.ok(&["group", "rollout", "status", "cattle", "--no-wait"]);

    // A canary: the rollout pauses after one instance, and --wait says so and fails.
    let v2 = s.write("v2.json", &CANARY.replace("NOTE", "v2"));
    let err = s.fails(&["group", "commit", &v2, "--wait", "--timeout", "60s"]);
    assert!(err.contains("the rollout of cattle is paused") && err.contains("infrakit group resume cattle"), "{err}");
    let err = s.fails(&["group", "rollout", "status", "cattle", "--no-wait"]);
    assert!(err.contains("paused"), "{err}");

    // Item 6: the paused rollout in words, no raw enum or JSON; the canary count is the instances on the new config.
    let status = s.ok(&["group", "status", "cattle", "-o", "table"]);
    assert!(status.contains(": paused (canary: "), "{status}");
    assert!(!status.contains("{\"") && !status.contains("\"Running\"") && !status.contains("\"Paused\""), "{status}");
    let json: serde_json::Value = serde_json::from_str(&s.ok(&["group", "status", "cattle", "-o", "json"])).unwrap();
    let current = json["Status"]["current"].as_u64().unwrap();
    let reason = json["Status"]["rollout"]["reason"].as_str().unwrap_or_default().to_string();
    assert!(current >= 1 && reason.contains(&format!("canary: {current} instance(s) run the new config")), "{json}");

    s.ok(&["group", "resume", "cattle"]);
    let out = s.ok(&["group", "rollout", "status", "cattle", "--timeout", "60s"]);
    assert!(out.contains("cattle converged: 3/3"), "{out}");
    let notes: Vec<String> = files(&s.path("instances"))
        .iter()
        .map(|f| f["Spec"]["Properties"]["Note"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(notes, vec!["v2"; 3], "every instance on the new config once rollout status returned");

    // A group that cannot converge (every instance exits at once): --wait gives up after --timeout, exit 1.
    let crashy = s.write(
        "crashy.yaml",
        "ID: crashy\nProperties:\n  Allocation: {Size: 1}\n  Instance: {Plugin: instance-process}\n  \
         Flavor:\n    Plugin: flavor-vanilla\n    Properties: {Init: ['exit 3']}\n",
    );
    let err = s.fails(&["group", "commit", &crashy, "--wait", "--timeout", "2s"]);
    assert!(err.contains("crashy did not converge within 2s"), "{err}");
    s.ok(&["group", "destroy", "crashy", "--yes"]);
}

/// Item 7: `-o table|wide|json|yaml` on the verbs that print data, JSON by default off a terminal, pretty
/// `inspect`; `-n` is `--pretend`; item 13: `--pretend` shows the fields that change and the instances replaced.
#[test]
fn one_output_flag_everywhere_and_pretend_diffs() {
    let s = Stack::start();
    let cattle = workspace().join("examples/cattle.json");
    let cattle2 = workspace().join("examples/cattle2.json");
    s.ok(&["group", "commit", cattle.to_str().unwrap(), "--wait"]);

    let json: serde_json::Value = serde_json::from_str(&s.ok(&["group", "inspect", "cattle"])).unwrap();
    let yaml: serde_json::Value =
        serde_yaml_ng::from_str(&s.ok(&["group", "inspect", "cattle", "-o", "yaml"])).unwrap();
    assert_eq!(json, yaml, "yaml and json say the same");
    let pretty = s.ok(&["group", "inspect", "cattle"]);
    assert!(pretty.contains("\n    \"Allocation\": {\n      \"Size\": 5\n"), "Properties indented: {pretty}");

    for verb in [
        &["group", "ls"][..],
        &["group", "status", "cattle"],
        &["group", "describe", "cattle"],
        &["plugin", "ls"],
        &["version"],
        &["instance", "describe"],
    ] {
        let out = s.ok(verb);
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "{verb:?} prints JSON by default off a terminal: {out}"
        );
        let mut with = verb.to_vec();
        with.extend(["-o", "yaml"]);
        let y = s.ok(&with);
        assert!(!y.trim_start().starts_with('{') && !y.trim_start().starts_with('['), "{with:?}: {y}");
        with.pop();
        with.push("table");
        s.ok(&with);
    }
    let ls = s.ok(&["group", "ls", "-o", "wide"]);
    assert!(ls.starts_with("ID") && ls.contains("HEALTHY") && ls.contains("5/5"), "{ls}");
    let d = s.ok(&["group", "describe", "cattle", "-o", "wide"]);
    assert!(d.contains("TAGS") && d.contains("x4nrsdai"), "{d}");

    // --pretend (-n): the plan, the fields that change and the instances it replaces.
    let plan = s.ok(&["group", "commit", cattle2.to_str().unwrap(), "-n"]);
    assert!(plan.contains("~ Properties.Allocation.Size: 5 -> 10"), "{plan}");
    assert!(
        plan.contains(r#"~ Properties.Instance.Properties.Note: "Instance properties version 1.0" -> "Instance properties version 2.0""#),
        "{plan}"
    );
    assert_eq!(plan.matches("  replace instance-").count(), 5, "{plan}");
    assert!(plan.contains("config x4nrsdaibscmj7awpkxzx5vvpt6pilw2"), "{plan}");
    let plan: serde_json::Value =
        serde_json::from_str(&s.ok(&["group", "commit", cattle2.to_str().unwrap(), "--pretend", "-o", "json"]))
            .unwrap();
    assert_eq!(plan["Changes"].as_array().map(Vec::len), Some(2), "{plan}");
    assert_eq!(plan["Changes"][0]["New"], 10, "{plan}");
    assert_eq!(plan["Replaced"].as_array().map(Vec::len), Some(5), "{plan}");
    assert_eq!(s.instances(), 5, "nothing changed");
    let help = s.ok(&["group", "commit", "--help"]);
    assert!(help.contains("yaml") && help.contains("--wait") && help.contains("-n, --pretend"), "{help}");
}

/// Item 4: errors name the file, line, column and field, and say what is expected in words.
#[test]
fn spec_errors_point_into_the_users_file() {
    let s = Stack::start();
    let typo =
        "# line 1\nID: typo\nProperties:\n  Allocation:\n    Size: 3\n  Instance:\n    Plugin: instance-file\n  \
                Flavor:\n    Plugin: flavor-vanilla\n    Properties:\n      Init: [ \"sleep 100\" ]\n  Updating:\n    \
                Monitor: MONITOR\n    MaxSurg: 1\n";
    let f = s.write("typo.yaml", &typo.replace("MONITOR", "5s"));
    let err = s.fails(&["group", "commit", &f]);
    assert!(
        err.contains("typo.yaml:14:5: Properties.Updating.MaxSurg: unknown field MaxSurg; did you mean MaxSurge?"),
        "{err}"
    );
    let f = s.write("typo.yaml", &typo.replace("MONITOR", "5").replace("    MaxSurg: 1\n", ""));
    let err = s.fails(&["group", "commit", &f]);
    assert!(err.contains("typo.yaml:13:5: Properties.Updating.Monitor: expected a duration such as \"5s\""), "{err}");
    let f = s.write("empty.yaml", "");
    let err = s.fails(&["group", "commit", &f]);
    assert!(err.contains("empty.yaml is empty: a group spec is a mapping with ID and Properties"), "{err}");
    let f = s.write("p.yaml", "ID: x\nPropertis:\n  Allocation: {Size: 1}\n");
    let err = s.fails(&["group", "commit", &f]);
    assert!(err.contains("p.yaml:2:1: Propertis: unknown field; did you mean Properties?"), "{err}");
    let f = s.write("s.json", "{\"ID\": \"x\",\n \"Properties\": {\"Allocation\": {\"Size\": \"3\"},\n \"Instance\": {\"Plugin\": \"instance-file\"}, \"Flavor\": {\"Plugin\": \"flavor-vanilla\"}}}");
    let err = s.fails(&["group", "commit", &f]);
    assert!(
        err.contains(
            "s.json:2:32: Properties.Allocation.Size: expected a whole number, 0 or more, found the text \"3\""
        ),
        "{err}"
    );
    // A plugin's own error, inside the controller's, points at the plugin's field.
    let f = s.write("init.yaml", "ID: x\nProperties:\n  Allocation: {Size: 1}\n  Instance: {Plugin: instance-file}\n  Flavor:\n    Plugin: flavor-vanilla\n    Properties:\n      Init: 3\n");
    let err = s.fails(&["group", "commit", &f]);
    assert!(
        err.contains("init.yaml:8:7: Properties.Flavor.Properties.Init: expected a list, found the number 3"),
        "{err}"
    );
    // A list in InfraKit's manager format: the entry's own path.
    let f = s.write("list.yaml", "- Plugin: group\n  Properties:\n    ID: x\n    Properties:\n      Allocation: {Size: -1}\n      Instance: {Plugin: instance-file}\n      Flavor: {Plugin: flavor-vanilla}\n");
    let err = s.fails(&["group", "commit", &f]);
    assert!(err.contains("list.yaml:5:20: [0].Properties.Properties.Allocation.Size: expected a whole number, 0 or more, found the number -1"), "{err}");
    for word in ["u64", "struct ", "at line 1 column", "invalid type", "sequence"] {
        assert!(!err.contains(word), "no decoder words: {err}");
    }
    assert_eq!(s.run(&["group", "ls", "-q"]).stdout, b"", "nothing was committed");
}

/// Item 5: every plugin's Properties are validated at commit: a process instance with neither Init nor Cmd is
/// refused there, not at every provision.
#[test]
fn a_process_instance_with_nothing_to_run_is_refused_at_commit() {
    let s = Stack::start();
    let f = s.write("nothing.yaml", "ID: idle\nProperties:\n  Allocation: {Size: 2}\n  Instance:\n    Plugin: instance-process\n    Properties: {StopGrace: 1s}\n  Flavor:\n    Plugin: flavor-vanilla\n    Properties: {Tags: {a: b}}\n");
    let err = s.fails(&["group", "commit", &f]);
    assert!(
        err.contains("nothing.yaml:")
            && err.contains("Properties.Instance.Properties.Cmd")
            && err.contains("nothing to run"),
        "{err}"
    );
    assert_eq!(s.run(&["group", "ls", "-q"]).stdout, b"", "refused, not stored");
    let ok = s.write("ok.yaml", "ID: idle\nProperties:\n  Allocation: {Size: 1}\n  Instance:\n    Plugin: instance-process\n    Properties: {Cmd: 'sleep 600'}\n  Flavor: {Plugin: flavor-vanilla}\n");
    s.ok(&["group", "commit", &ok, "--wait", "--timeout", "60s"]);
    s.ok(&["group", "destroy", "idle", "-y"]);
}

/// Item 8: what is not there fails, with the name meant and how to start it.
#[test]
fn missing_plugins_and_groups_fail_with_a_hint() {
    let s = Stack::start();
    let err = s.fails(&["plugin", "stop", "nosuch"]);
    assert!(err.contains("plugin nosuch is not running"), "{err}");
    let err = s.fails(&["plugin", "stop", "instance-proces"]);
    assert!(err.contains("did you mean instance-process?"), "{err}");
    let cattle = workspace().join("examples/cattle.json");
    s.ok(&["group", "commit", cattle.to_str().unwrap()]);
    let err = s.fails(&["group", "describe", "catle"]);
    assert!(err.contains("did you mean cattle?") && err.contains("infrakit group ls"), "{err}");
    let err = s.fails(&["group", "status", "catle"]);
    assert!(err.contains("did you mean cattle?"), "{err}");
    let typo = std::fs::read_to_string(&cattle).unwrap().replace("\"flavor-vanilla\"", "\"flavor-vanila\"");
    let f = s.write("typo.json", &typo);
    let err = s.fails(&["group", "commit", &f]);
    assert!(err.contains("typo.json:7:") && err.contains("did you mean flavor-vanilla?"), "{err}");
    let err = s.fails(&["group", "ls", "--name", "grop"]);
    assert!(err.contains("did you mean group?"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let err = text(&ik(empty.path(), &["group", "ls"]).stderr);
    assert!(err.contains("start it with `infrakit plugin start group`"), "{err}");
}

/// Item 12: destroying asks on a terminal, refuses without --yes elsewhere; completions for bash, zsh and fish.
#[test]
fn destroy_confirms_and_completions_are_generated() {
    let s = Stack::start();
    let cattle = workspace().join("examples/cattle.json");
    s.ok(&["group", "commit", cattle.to_str().unwrap(), "--wait"]);
    let err = s.fails(&["group", "destroy", "cattle"]);
    assert!(
        err.contains("refusing to destroy group cattle and its 5 instance(s) without confirmation")
            && err.contains("--yes"),
        "{err}"
    );
    let (ok, screen) = in_terminal(s.home.path(), "$IK group destroy cattle", "n\n", &[]);
    assert!(
        !ok && screen.contains("destroy group cattle and its 5 instance(s)? [y/N]") && screen.contains("not confirmed"),
        "{screen}"
    );
    assert_eq!(s.instances(), 5, "nothing destroyed");
    let (ok, screen) = in_terminal(s.home.path(), "$IK group destroy cattle", "y\n", &[]);
    assert!(ok && screen.contains("Destroyed cattle"), "{screen}");
    wait_until("the instances gone", Duration::from_secs(60), || s.instances() == 0);

    for shell in ["bash", "zsh", "fish"] {
        let script = s.ok(&["completion", shell]);
        assert!(script.contains("infrakit") && script.contains("rollout") && script.contains("--wait"), "{shell}");
    }
    let bash = s.path("infrakit.bash");
    std::fs::write(&bash, s.ok(&["completion", "bash"])).unwrap();
    let check = Command::new("bash").arg("-n").arg(&bash).output().unwrap();
    assert!(check.status.success(), "the bash completion parses: {}", text(&check.stderr));
}

/// Item 11: colour only on a terminal, never with NO_COLOR; item 10: the live view fits a small terminal.
#[test]
fn colour_only_on_a_terminal_and_views_fit_small_terminals() {
    let home = tempfile::tempdir().unwrap();
    // A plugin that logs a line at INFO, then is stopped once its socket is there.
    let run = |redirect: &str| {
        format!(
            "$IK --log-level info plugin start flavor-vanilla {redirect} & p=$!; \
             while [ ! -S \"$INFRAKIT_HOME/plugins/flavor-vanilla\" ]; do sleep 0.05; done; kill -INT $p; wait $p"
        )
    };
    let (_, screen) = in_terminal(home.path(), &run(""), "", &[]);
    assert!(screen.contains("plugin listening") && screen.contains("\x1b["), "colour on a terminal: {screen:?}");
    let (_, screen) = in_terminal(home.path(), &run(""), "", &[("NO_COLOR", "1")]);
    assert!(screen.contains("plugin listening") && !screen.contains("\x1b["), "NO_COLOR: {screen:?}");
    let (_, screen) = in_terminal(home.path(), &run("2>\"$INFRAKIT_HOME/log\""), "", &[]);
    let log = std::fs::read_to_string(home.path().join("log")).unwrap();
    assert!(log.contains("plugin listening") && !log.contains('\x1b'), "a file gets no colour: {log:?} {screen:?}");

    // A group of 20 in an 8-line terminal: the summary stays, the rows that do not fit are counted.
    let s = Stack::start();
    let spec = s.write(
        "twenty.json",
        &std::fs::read_to_string(workspace().join("examples/cattle.json"))
            .unwrap()
            .replace("\"Size\": 5", "\"Size\": 20"),
    );
    s.ok(&["group", "commit", &spec, "--wait"]);
    let (ok, screen) = in_terminal(s.home.path(), "stty rows 8 cols 60; $IK group watch cattle --count 2", "", &[]);
    assert!(ok, "{screen}");
    assert!(screen.contains("group cattle  target 20") && screen.contains("more instance(s)"), "{screen}");
    assert!(!screen.contains("\x1b[2J"), "frames are drawn over, not cleared into the scrollback");
    let widest = screen
        .split(['\n', '\r'])
        .map(|l| l.replace("\x1b[K", "").replace("\x1b[J", "").replace("\x1b[H", "").chars().count())
        .max();
    assert!(widest.unwrap_or(0) <= 60, "lines fit 60 columns: {screen}");
    s.ok(&["group", "destroy", "cattle", "--yes"]);
}
