//! Docker clients by engine address, shared by every call (a client keeps the API version it negotiated).

use crate::error::SwarmFlavorError;
use crate::properties::SwarmProperties;
use infrakit_docker::Docker;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// How long a call to the engine may take.
pub const DOCKER_TIMEOUT: Duration = Duration::from_secs(10);

/// The clients made so far.
#[derive(Default)]
pub struct Clients(Mutex<HashMap<String, Docker>>);

impl Clients {
    /// The client of the engine `props` names (checked first: no connect info, TLS or a bad address is an error
    /// naming the field).
    pub fn get(&self, props: &SwarmProperties) -> Result<Docker, SwarmFlavorError> {
        props.check_docker()?;
        let host = props.host();
        if let Some(d) = self.0.lock().ok().and_then(|m| m.get(host).cloned()) {
            return Ok(d);
        }
        let docker =
            Docker::new(host, DOCKER_TIMEOUT).map_err(|e| SwarmFlavorError::invalid("Properties.Docker.Host", e))?;
        if let Ok(mut m) = self.0.lock() {
            m.insert(host.to_string(), docker.clone());
        }
        Ok(docker)
    }
}
