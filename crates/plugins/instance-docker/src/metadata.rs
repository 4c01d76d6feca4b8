//! Metadata as v0.5 exported it: `containers/<container ID>` is the engine's inspection of each running container
//! this plugin manages (labelled `infrakit.group`, and with the namespace tags), read when asked.

use crate::DockerInstance;
use async_trait::async_trait;
use infrakit_spi::metadata::{children_at, value_at, Metadata, Path};
use infrakit_spi::{Any, Error, Result};
use std::collections::HashMap;

impl DockerInstance {
    /// The full IDs of the running containers the plugin manages.
    async fn managed(&self) -> Result<Vec<String>> {
        let mut labels = vec![infrakit_spi::hash::GROUP_TAG.to_string()];
        labels.extend(self.inner.options.namespace.iter().map(|(k, v)| format!("{k}={v}")));
        let mut filters = HashMap::new();
        filters.insert("label".to_string(), labels);
        let listed = self
            .inner
            .docker
            .list_containers(&filters, false)
            .await
            .map_err(|e| crate::errors::on("list containers", e))?;
        let mut ids: Vec<String> = listed.into_iter().filter_map(|c| c.id).collect();
        ids.sort();
        Ok(ids)
    }

    /// One container's inspection as JSON; `None` when it is gone.
    async fn inspection(&self, id: &str) -> Result<Option<serde_json::Value>> {
        let inspected = match self.inner.docker.inspect_container(id).await {
            Ok(c) => c,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(crate::errors::on(&format!("inspect container {id}"), e)),
        };
        serde_json::to_value(&inspected).map(Some).map_err(|e| Error::failed(format!("container {id}: {e}")))
    }

    /// The node at `path`: the root, `containers`, or inside one container's inspection. Only a `deep` read
    /// (a get, not a list) of the root or of `containers` inspects every container.
    async fn node(&self, path: &Path, deep: bool) -> Result<Option<serde_json::Value>> {
        let segments: Vec<&str> = path.segments().collect();
        match segments.as_slice() {
            [] | ["containers"] => {
                let mut all = serde_json::Map::new();
                for id in self.managed().await? {
                    let value = if deep { self.inspection(&id).await? } else { Some(serde_json::json!({})) };
                    if let Some(v) = value {
                        all.insert(id, v);
                    }
                }
                let containers = serde_json::Value::Object(all);
                Ok(Some(if segments.is_empty() { serde_json::json!({ "containers": containers }) } else { containers }))
            }
            ["containers", id, rest @ ..] => {
                if !self.managed().await?.iter().any(|m| m == id) {
                    return Ok(None);
                }
                let rest = Path(rest.iter().map(|s| s.to_string()).collect());
                Ok(self.inspection(id).await?.and_then(|v| value_at(&v, &rest).cloned()))
            }
            _ => Ok(None),
        }
    }
}

#[async_trait]
impl Metadata for DockerInstance {
    async fn list(&self, path: &Path) -> Result<Option<Vec<String>>> {
        Ok(self.node(path, false).await?.and_then(|v| children_at(&v, &Path(Vec::new()))))
    }

    async fn get(&self, path: &Path) -> Result<Option<Any>> {
        match self.node(path, true).await? {
            Some(v) => Ok(Some(Any::from_value(&v)?)),
            None => Ok(None),
        }
    }
}
