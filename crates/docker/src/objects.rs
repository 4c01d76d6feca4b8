//! Images, networks and volumes; and the one-file tar archive a file is copied into a container with.

use crate::models::{
    EndpointSettings, Network, NetworkConnectRequest, NetworkCreateRequest, Volume, VolumeCreateRequest,
};
use crate::query::{CreateImageOptionsBuilder, ListNetworksOptionsBuilder};
use crate::{Docker, DockerError, Result};
use futures::StreamExt;
use std::collections::HashMap;

impl Docker {
    /// True when the image `reference` is present on the engine.
    pub async fn has_image(&self, reference: &str) -> Result<bool> {
        match self.api().await?.inspect_image(reference).await {
            Ok(_) => Ok(true),
            Err(e) => match self.error(e) {
                DockerError::NotFound { .. } => Ok(false),
                other => Err(other),
            },
        }
    }

    /// Pulls the image `reference` (`name[:tag]`, `latest` when no tag) and waits for the pull to finish.
    pub async fn pull_image(&self, reference: &str) -> Result<()> {
        let (name, tag) = split_reference(reference);
        let options = CreateImageOptionsBuilder::new().from_image(name).tag(tag).build();
        let api = self.api().await?;
        let mut progress = api.create_image(Some(options), None, None);
        while let Some(step) = progress.next().await {
            step.map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    /// The networks called exactly `name` (the engine's `name` filter also matches parts of names), of `driver`
    /// when given.
    pub async fn networks_named(&self, name: &str, driver: Option<&str>) -> Result<Vec<Network>> {
        let mut filters: HashMap<String, Vec<String>> = HashMap::new();
        filters.insert("name".into(), vec![name.to_string()]);
        if let Some(d) = driver {
            filters.insert("driver".into(), vec![d.to_string()]);
        }
        let options = ListNetworksOptionsBuilder::new().filters(&filters).build();
        let all = self.api().await?.list_networks(Some(options)).await.map_err(|e| self.error(e))?;
        Ok(all.into_iter().filter(|n| n.name.as_deref() == Some(name)).collect())
    }

    /// `POST /networks/create`; returns the network's ID.
    pub async fn create_network(&self, request: NetworkCreateRequest) -> Result<String> {
        let created = self.api().await?.create_network(request).await.map_err(|e| self.error(e))?;
        Ok(created.id)
    }

    /// `POST /networks/{network}/connect` of the container `container` with `endpoint` settings.
    pub async fn connect_network(&self, network: &str, container: &str, endpoint: EndpointSettings) -> Result<()> {
        let request = NetworkConnectRequest { container: container.to_string(), endpoint_config: Some(endpoint) };
        self.api().await?.connect_network(network, request).await.map_err(|e| self.error(e))
    }

    /// `GET /volumes/{name}`, `None` when there is no such volume.
    pub async fn volume(&self, name: &str) -> Result<Option<Volume>> {
        match self.api().await?.inspect_volume(name).await {
            Ok(v) => Ok(Some(v)),
            Err(e) => match self.error(e) {
                DockerError::NotFound { .. } => Ok(None),
                other => Err(other),
            },
        }
    }

    /// `POST /volumes/create` of a local volume `name` with `labels`.
    pub async fn create_volume(&self, name: &str, labels: HashMap<String, String>) -> Result<Volume> {
        let request = VolumeCreateRequest { name: Some(name.to_string()), labels: Some(labels), ..Default::default() };
        self.api().await?.create_volume(request).await.map_err(|e| self.error(e))
    }
}

/// An image reference as the pull call wants it: (name, tag), the tag `latest` when it has none; a digest
/// reference stays whole, with no tag.
fn split_reference(reference: &str) -> (&str, &str) {
    if reference.contains('@') {
        return (reference, "");
    }
    let slash = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[slash..].rfind(':') {
        Some(i) => (&reference[..slash + i], &reference[slash + i + 1..]),
        None => (reference, "latest"),
    }
}

/// A tar archive (ustar) holding one regular file at `path` (relative) with `mode`; its directories are implied.
pub(crate) fn tar_one_file(path: &str, contents: &[u8], mode: u32) -> std::result::Result<Vec<u8>, String> {
    let name = path.as_bytes();
    let (prefix, base) = match name.len() {
        0 => return Err("an empty path".into()),
        n if n <= 100 => (&b""[..], name),
        _ => match path.rfind('/') {
            Some(i) if i <= 155 && name.len() - i - 1 <= 100 => (&name[..i], &name[i + 1..]),
            _ => return Err("a path too long for a tar header".into()),
        },
    };
    let mut header = [0u8; 512];
    header[..base.len()].copy_from_slice(base);
    let octal = |field: &mut [u8], value: u64| {
        let text = format!("{value:0width$o}", width = field.len() - 1);
        field[..text.len()].copy_from_slice(text.as_bytes());
    };
    octal(&mut header[100..108], u64::from(mode & 0o7777));
    octal(&mut header[108..116], 0);
    octal(&mut header[116..124], 0);
    octal(&mut header[124..136], contents.len() as u64);
    octal(&mut header[136..148], 0);
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[345..345 + prefix.len()].copy_from_slice(prefix);
    header[148..156].copy_from_slice(b"        ");
    let sum: u64 = header.iter().map(|b| u64::from(*b)).sum();
    let text = format!("{sum:06o}\0 ");
    header[148..156].copy_from_slice(text.as_bytes());
    let mut out = header.to_vec();
    out.extend_from_slice(contents);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out.extend_from_slice(&[0u8; 1024]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(split_reference("busybox"), ("busybox", "latest"));
        assert_eq!(split_reference("busybox:1.36"), ("busybox", "1.36"));
        assert_eq!(split_reference("127.0.0.1:5000/x"), ("127.0.0.1:5000/x", "latest"));
        assert_eq!(split_reference("127.0.0.1:5000/x:v2"), ("127.0.0.1:5000/x", "v2"));
        assert_eq!(split_reference("x@sha256:abc"), ("x@sha256:abc", ""));
    }

    #[test]
    fn a_tar_the_tar_tool_reads() {
        let dir = tempfile_dir();
        let tar = tar_one_file("var/lib/infrakit-init", b"echo hi\n", 0o755).unwrap_or_default();
        assert_eq!(tar.len() % 512, 0);
        let archive = dir.join("a.tar");
        std::fs::write(&archive, &tar).unwrap_or_default();
        let out = std::process::Command::new("tar").arg("-xf").arg(&archive).arg("-C").arg(&dir).status();
        if out.is_ok_and(|s| s.success()) {
            let text = std::fs::read_to_string(dir.join("var/lib/infrakit-init")).unwrap_or_default();
            assert_eq!(text, "echo hi\n");
        }
        let _ = std::fs::remove_dir_all(&dir);
        assert!(tar_one_file("", b"", 0o644).is_err());
        assert!(tar_one_file(&"x".repeat(300), b"", 0o644).is_err());
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("infrakit-docker-tar-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    }
}
