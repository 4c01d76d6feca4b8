//! InfraKit's service provider interface: the wire types (serde that matches the Go JSON exactly), the plugin
//! traits (`Instance`, `Flavor`, `Group`, `Metadata`), the persistence traits (`store`), the config hash and the
//! error type. No I/O lives here, except [`fsutil`]: the durable file write every file-backed crate shares.

#[macro_use]
mod string_id;

pub mod any;
pub mod builtin;
pub mod duration;
pub mod error;
pub mod flavor;
pub mod fsutil;
pub mod gojson;
pub mod group;
pub mod hash;
pub mod instance;
pub mod lookup;
pub mod metadata;
pub mod names;
pub mod nullable;
pub mod plugin;
pub mod status;
pub mod store;
pub mod unknown_fields;

pub use any::Any;
pub use error::{Error, Result};
pub mod manager;
