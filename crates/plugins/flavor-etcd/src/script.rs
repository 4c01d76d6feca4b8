//! The member's Init: a POSIX shell script that decides, at boot, how the member starts, then runs `etcd`.
//!
//! Whether the member's data survived can only be seen where its volume is: on the instance, when it boots (the
//! flavor's `Prepare` runs before the instance exists, maybe on another machine). So the script decides:
//!
//! 1. its data dir holds a member (`member/`) and the ensemble still lists it (or cannot be asked): it restarts on
//!    it, keeping its member ID, with no membership change (`--initial-*` flags are ignored on a restart);
//! 2. its data dir holds a member the ensemble no longer lists (removed, e.g. by a shrink): the data is discarded
//!    and it joins as in 3 (etcd would otherwise exit: "this member has been permanently removed");
//! 3. no data and the ensemble answers a linearizable read (it has a quorum): the member's old entry, if started, is
//!    removed (`etcdctl member remove`), it is added again (`member add`), and it starts with an empty data dir and
//!    `--initial-cluster-state existing`; an entry listed but never started (a member added and not yet joined) is
//!    joined as it is;
//! 4. no data and no ensemble answers: it bootstraps with the others (`--initial-cluster-state new`) only when
//!    `Prepare` decided it may (`BOOTSTRAP=1`: the flavor has never seen the ensemble and it did not answer, or the
//!    member is alone in it); otherwise it exits non-zero, so the provision fails and is retried with back-off,
//!    rather than bootstrap a second ensemble beside one that is merely unreachable.

use crate::properties::EtcdProperties;
use std::net::IpAddr;

/// The member at `me` of the ensemble `members`, as a shell script; `bootstrap`: whether it may bootstrap a new
/// ensemble when it has no data and no other member answers.
pub fn render(props: &EtcdProperties, members: &[IpAddr], me: IpAddr, bootstrap: bool) -> String {
    let initial: Vec<String> = members.iter().map(|m| format!("{m}={}", props.peer_url(*m))).collect();
    let others: Vec<String> = members.iter().filter(|m| **m != me).map(|m| props.client_url(*m)).collect();
    let data_dir = match &props.data_dir {
        Some(d) => quote(d),
        None => "\"${INFRAKIT_VOLUME:?flavor-etcd: the member has no volume: give it an attachment or set \
                 Properties.DataDir}/etcd\""
            .to_string(),
    };
    let mut s = String::new();
    s.push_str("#!/bin/sh\n");
    s.push_str(&format!("# flavor-etcd: member {me} of {}\n", members.len()));
    s.push_str("set -uf\n");
    s.push_str("export ETCDCTL_API=3\n");
    s.push_str(&format!("NAME={}\n", quote(&me.to_string())));
    s.push_str(&format!("PEER_URL={}\n", quote(&props.peer_url(me))));
    s.push_str(&format!("CLIENT_URL={}\n", quote(&props.client_url(me))));
    s.push_str(&format!("INITIAL_CLUSTER={}\n", quote(&initial.join(","))));
    s.push_str(&format!("OTHERS={}\n", quote(&others.join(","))));
    s.push_str(&format!("DATA_DIR={data_dir}\n"));
    s.push_str(&format!("ETCD={}\n", quote(&props.etcd)));
    s.push_str(&format!("ETCDCTL={}\n", quote(&props.etcdctl)));
    s.push_str(&format!("TOKEN={}\n", quote(&props.token)));
    s.push_str(&format!("OPTIONS={}\n", quote(&props.options.join(" "))));
    s.push_str(&format!("BOOTSTRAP={}\n", u8::from(bootstrap)));
    s.push_str(BODY);
    s
}

/// `s` in single quotes, for the shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// What every member runs, after its variables.
const BODY: &str = r#"ctl() { "$ETCDCTL" --endpoints="$OTHERS" --dial-timeout=2s --command-timeout=5s "$@"; }
say() { echo "flavor-etcd: $NAME: $*"; }
start() {
  # shellcheck disable=SC2086
  exec "$ETCD" --name "$NAME" --data-dir "$DATA_DIR" \
    --listen-peer-urls "$PEER_URL" --initial-advertise-peer-urls "$PEER_URL" \
    --listen-client-urls "$CLIENT_URL" --advertise-client-urls "$CLIENT_URL" \
    --initial-cluster "$INITIAL_CLUSTER" --initial-cluster-token "$TOKEN" \
    --initial-cluster-state "$1" $OPTIONS
}
# The ensemble has a quorum when one of the others answers a linearizable read.
live=0
members=""
if [ -n "$OTHERS" ] && ctl get --limit=1 infrakit-flavor-etcd-probe >/dev/null 2>&1; then
  members=$(ctl member list) && live=1
fi
# This member's entry: "ID, status, name, peer URLs, client URLs, learner".
entry=$(printf '%s\n' "$members" | grep -F ", $PEER_URL," || true)
id=$(printf '%s' "$entry" | cut -d, -f1)
status=$(printf '%s' "$entry" | cut -d, -f2 | tr -d ' ')
if [ -d "$DATA_DIR/member" ]; then
  if [ "$live" = 1 ] && [ -z "$id" ]; then
    say "the ensemble no longer lists this member: its data is discarded and it joins again"
    rm -rf "$DATA_DIR"
  else
    say "restarting on its data in $DATA_DIR (same member, no membership change)"
    start existing
  fi
fi
mkdir -p "$DATA_DIR"
if [ "$live" = 0 ]; then
  if [ "$BOOTSTRAP" = 1 ]; then
    say "no ensemble answers: bootstrapping a new one"
    start new
  fi
  say "its data is lost and no other member answers: not bootstrapping a new ensemble beside one that exists"
  exit 1
fi
if [ "$status" = started ]; then
  say "its data is lost: removing member $id from the ensemble, then adding it again"
  ctl member remove "$id" || exit 1
  id=""
fi
if [ -z "$id" ]; then
  ctl member add "$NAME" --peer-urls="$PEER_URL" || exit 1
fi
say "joining the ensemble with an empty data dir"
start existing
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_names_the_member_and_its_ensemble() {
        let members: Vec<IpAddr> =
            ["127.0.0.21", "127.0.0.22", "127.0.0.23"].iter().filter_map(|a| a.parse().ok()).collect();
        let s = render(&EtcdProperties::default(), &members, members[1], false);
        assert!(s.contains("NAME='127.0.0.22'\n"), "{s}");
        assert!(s.contains("PEER_URL='http://127.0.0.22:2380'\n"));
        assert!(s.contains("CLIENT_URL='http://127.0.0.22:2379'\n"));
        assert!(s.contains(
            "INITIAL_CLUSTER='127.0.0.21=http://127.0.0.21:2380,127.0.0.22=http://127.0.0.22:2380,\
             127.0.0.23=http://127.0.0.23:2380'\n"
        ));
        assert!(s.contains("OTHERS='http://127.0.0.21:2379,http://127.0.0.23:2379'\n"));
        assert!(s.contains("DATA_DIR=\"${INFRAKIT_VOLUME:?"));
        assert!(s.contains("BOOTSTRAP=0\n"));
        let custom = EtcdProperties { data_dir: Some("/var/lib/it's".into()), ..EtcdProperties::default() };
        assert!(render(&custom, &members, members[0], true).contains(r"DATA_DIR='/var/lib/it'\''s'"));
    }
}

#[cfg(all(test, unix))]
mod runs {
    use super::*;

    /// Runs the script with fake `etcd`/`etcdctl` (no member answers) and an empty data dir: the exit status and
    /// what `etcd` was started with.
    fn boot(bootstrap: bool) -> (bool, String) {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fake = |name: &str, body: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            p.to_string_lossy().into_owned()
        };
        let log = dir.path().join("etcd.log");
        let props = EtcdProperties {
            etcd: fake("etcd", &format!("echo \"$@\" > {}", log.display())),
            etcdctl: fake("etcdctl", "exit 1"),
            data_dir: Some(dir.path().join("data").to_string_lossy().into_owned()),
            ..EtcdProperties::default()
        };
        let members: Vec<IpAddr> =
            ["127.0.0.21", "127.0.0.22", "127.0.0.23"].iter().map(|a| a.parse().unwrap()).collect();
        let script = dir.path().join("init.sh");
        std::fs::write(&script, render(&props, &members, members[0], bootstrap)).unwrap();
        let status = std::process::Command::new("sh").arg(&script).output().unwrap().status;
        (status.success(), std::fs::read_to_string(&log).unwrap_or_default())
    }

    #[test]
    fn with_its_data_lost_and_no_member_answering_it_bootstraps_only_when_allowed() {
        let (ok, args) = boot(true);
        assert!(ok && args.contains("--initial-cluster-state new"), "{args}");
        let (ok, args) = boot(false);
        assert!(!ok && args.is_empty(), "{args}");
    }
}
