//! Containers: list, create, start, inspect, remove, copy a file in, run a command in.

use crate::models::{ContainerCreateBody, ContainerInspectResponse, ContainerSummary};
use crate::query::{
    CreateContainerOptionsBuilder, ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
    UploadToContainerOptionsBuilder,
};
use crate::{Docker, DockerError, Result};
use bollard::exec::{CreateExecOptions, StartExecResults};
use futures::StreamExt;
use std::collections::HashMap;

/// What a command run in a container did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    /// Its exit code (`None` when the engine did not say).
    pub exit_code: Option<i64>,
    /// Its standard output and error, interleaved, at most the last 64 KiB.
    pub output: String,
}

/// The most output kept of a command run in a container.
const OUTPUT_LIMIT: usize = 64 * 1024;

impl Docker {
    /// `GET /containers/json` with `filters` (e.g. `label` → `["k=v"]`, `status` → `["running"]`); `all` includes
    /// containers that are not running.
    pub async fn list_containers(
        &self,
        filters: &HashMap<String, Vec<String>>,
        all: bool,
    ) -> Result<Vec<ContainerSummary>> {
        let options = ListContainersOptionsBuilder::new().all(all).filters(filters).build();
        self.api().await?.list_containers(Some(options)).await.map_err(|e| self.error(e))
    }

    /// `POST /containers/create`, named `name` when given; returns the new container's full ID.
    pub async fn create_container(&self, name: Option<&str>, body: ContainerCreateBody) -> Result<String> {
        let options = name.map(|n| CreateContainerOptionsBuilder::new().name(n).build());
        let created = self.api().await?.create_container(options, body).await.map_err(|e| self.error(e))?;
        if created.id.is_empty() {
            return Err(DockerError::Protocol {
                host: self.host().to_string(),
                reason: "the engine created a container but returned no ID".into(),
            });
        }
        Ok(created.id)
    }

    /// `POST /containers/{id}/start`.
    pub async fn start_container(&self, id: &str) -> Result<()> {
        self.api().await?.start_container(id, None).await.map_err(|e| self.error(e))
    }

    /// `GET /containers/{id}/json` (`id` may be a name or an ID prefix).
    pub async fn inspect_container(&self, id: &str) -> Result<ContainerInspectResponse> {
        self.api().await?.inspect_container(id, None).await.map_err(|e| self.error(e))
    }

    /// `DELETE /containers/{id}?force=true`, with its anonymous volumes when `volumes` (named volumes stay).
    pub async fn remove_container(&self, id: &str, volumes: bool) -> Result<()> {
        let options = RemoveContainerOptionsBuilder::new().force(true).v(volumes).build();
        self.api().await?.remove_container(id, Some(options)).await.map_err(|e| self.error(e))
    }

    /// Writes one file at `path` (absolute; its directories are created) in the container `id`, created or
    /// running, with the permission bits `mode`.
    pub async fn put_file(&self, id: &str, path: &str, contents: &[u8], mode: u32) -> Result<()> {
        let relative = path.trim_start_matches('/');
        let tar = crate::objects::tar_one_file(relative, contents, mode).map_err(|reason| DockerError::Protocol {
            host: self.host().to_string(),
            reason: format!("cannot archive {path}: {reason}"),
        })?;
        let options = UploadToContainerOptionsBuilder::new().path("/").build();
        self.api()
            .await?
            .upload_to_container(id, Some(options), bollard::body_full(tar.into()))
            .await
            .map_err(|e| self.error(e))
    }

    /// Runs `cmd` in the running container `id` and waits for it to finish; returns its exit code and output.
    pub async fn exec(&self, id: &str, cmd: Vec<String>) -> Result<ExecOutput> {
        let api = self.api().await?;
        let config = CreateExecOptions::<String> {
            cmd: Some(cmd),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            ..Default::default()
        };
        let exec = api.create_exec(id, config).await.map_err(|e| self.error(e))?;
        let mut output = Vec::new();
        match api.start_exec(&exec.id, None).await.map_err(|e| self.error(e))? {
            StartExecResults::Attached { output: mut stream, .. } => {
                while let Some(chunk) = stream.next().await {
                    output.extend_from_slice(&chunk.map_err(|e| self.error(e))?.into_bytes());
                    if output.len() > 2 * OUTPUT_LIMIT {
                        output.drain(..output.len() - OUTPUT_LIMIT);
                    }
                }
            }
            StartExecResults::Detached => {}
        }
        if output.len() > OUTPUT_LIMIT {
            output.drain(..output.len() - OUTPUT_LIMIT);
        }
        // The stream ends when the command's output closes; its exit code is set a moment later.
        let mut inspected = api.inspect_exec(&exec.id).await.map_err(|e| self.error(e))?;
        for _ in 0..200 {
            if inspected.running != Some(true) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            inspected = api.inspect_exec(&exec.id).await.map_err(|e| self.error(e))?;
        }
        Ok(ExecOutput { exit_code: inspected.exit_code, output: String::from_utf8_lossy(&output).into_owned() })
    }
}
