//! InfraKit's service provider interface: the wire types (serde that matches the Go JSON exactly), the plugin
//! traits (`Instance`, `Flavor`, `Group`, `Metadata`), the config hash and the error type. No I/O lives here.

pub mod any;
pub mod duration;
pub mod error;
pub mod flavor;
pub mod gojson;
pub mod group;
pub mod hash;
pub mod instance;
pub mod lookup;
pub mod metadata;
pub mod names;
pub mod nullable;
pub mod plugin;

pub use any::Any;
pub use error::{Error, Result};
pub mod manager;
