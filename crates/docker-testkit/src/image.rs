//! The test image: `docker import` of a tree holding the host's static busybox and a link per applet.

use crate::{Engine, IMAGE};
use std::process::{Command, Stdio};

/// Builds the tree and imports it as [`IMAGE`].
pub(crate) fn import(engine: &Engine) -> Result<(), String> {
    let busybox = ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .ok_or("no busybox: install busybox-static")?;
    let binary = std::fs::read(busybox).map_err(|e| format!("{busybox}: {e}"))?;
    if has_interpreter(&binary) {
        return Err(format!("{busybox} is dynamically linked: install busybox-static"));
    }
    let tree = engine.dir().join("image");
    for d in ["bin", "tmp", "var/lib", "data", "etc", "proc", "sys", "dev"] {
        std::fs::create_dir_all(tree.join(d)).map_err(|e| format!("{}: {e}", tree.display()))?;
    }
    std::fs::write(tree.join("bin/busybox"), &binary).map_err(|e| format!("image tree: {e}"))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(tree.join("bin/busybox"), std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("image tree: {e}"))?;
    let list = Command::new(busybox).arg("--list").output().map_err(|e| format!("busybox --list: {e}"))?;
    for applet in String::from_utf8_lossy(&list.stdout).split_whitespace() {
        if applet != "busybox" && !applet.contains('/') {
            let _ = std::os::unix::fs::symlink("busybox", tree.join("bin").join(applet));
        }
    }
    let mut tar = Command::new("tar")
        .arg("-C")
        .arg(&tree)
        .args(["-c", "."])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("tar: {e}"))?;
    let stdout = tar.stdout.take().ok_or("tar: no output")?;
    let out = Command::new("docker")
        .arg("-H")
        .arg(engine.host())
        .args(["import", "-", IMAGE])
        .stdin(stdout)
        .output()
        .map_err(|e| format!("docker import: {e}"))?;
    let _ = tar.wait();
    if !out.status.success() {
        return Err(format!("docker import: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(())
}

/// True when an ELF64 binary names a program interpreter (it is dynamically linked).
fn has_interpreter(elf: &[u8]) -> bool {
    let u16_at = |o: usize| elf.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let u64_at = |o: usize| elf.get(o..o + 8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
    if elf.get(..4) != Some(b"\x7fELF") {
        return false;
    }
    let (Some(phoff), Some(size), Some(count)) = (u64_at(0x20), u16_at(0x36), u16_at(0x38)) else { return false };
    (0..count).any(|i| {
        let at = phoff as usize + i * size;
        elf.get(at..at + 4) == Some(&3u32.to_le_bytes()[..]) // PT_INTERP
    })
}
