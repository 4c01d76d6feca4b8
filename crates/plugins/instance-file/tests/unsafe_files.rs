//! Issue 17 (4): instance-file reads regular files only. A FIFO planted in its directory used to hang
//! `DescribeInstances`; a symlink made it read (and list) any file; a huge file was read whole.

use infrakit_instance_file::{FileInstance, MAX_FILE_BYTES};
use infrakit_spi::instance::{Id, Instance, Spec, Tags};
use std::time::Duration;

fn record(id: &str) -> String {
    format!(r#"{{"ID": "{id}", "LogicalID": null, "Tags": {{"t": "x"}}, "Spec": {{}}}}"#)
}

#[tokio::test]
async fn fifos_symlinks_and_huge_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let p = FileInstance::new(dir.path()).unwrap();
    let good = p.provision(Spec::default()).await.unwrap();
    let fifo = dir.path().join("instance-fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::fs::write(outside.path().join("elsewhere"), record("instance-elsewhere")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("elsewhere"), dir.path().join("instance-link")).unwrap();
    let mut huge = record("instance-huge").into_bytes();
    huge.resize(MAX_FILE_BYTES as usize + 10, b' ');
    std::fs::write(dir.path().join("instance-huge"), huge).unwrap();

    let listed = tokio::time::timeout(Duration::from_secs(20), p.describe_instances(&Tags::new(), false))
        .await
        .expect("DescribeInstances hung on a FIFO")
        .unwrap();
    assert_eq!(listed.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), vec![good]);
    // Asked for by ID, they are errors, not hangs.
    for id in ["instance-fifo", "instance-link", "instance-huge"] {
        let labelled = tokio::time::timeout(Duration::from_secs(20), p.label(&Id(id.into()), &Tags::new()))
            .await
            .expect("Label hung");
        assert!(labelled.is_err(), "{id} was read");
    }
    assert_eq!(std::fs::read_to_string(outside.path().join("elsewhere")).unwrap(), record("instance-elsewhere"));
}

#[tokio::test]
async fn leftover_temporary_files_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let leftover = dir.path().join(format!(".instance-1.{}.0-0.ik-tmp", i32::MAX));
    std::fs::write(&leftover, "half").unwrap();
    let _p = FileInstance::new(dir.path()).unwrap();
    assert!(!leftover.exists(), "a dead writer's temporary file was kept");
}
