//! Request and result bodies of every RPC method, field for field as InfraKit v0.5's `pkg/rpc/<kind>/types.go`, one
//! module per interface. Every field is defaulted when absent, as Go leaves missing fields at their zero value.

pub mod flavor;
pub mod group;
pub mod handshake;
pub mod instance;
pub mod manager;
pub mod metadata;
pub mod rollout;

/// Declares the params of a typed plugin's method that carries the plugin's properties: as in Go, `Type` (the
/// sub-type) then `Properties` come first, then the method's own fields.
macro_rules! properties_request {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            /// Sub-type.
            #[serde(rename = "Type", default)]
            pub kind: String,
            /// The plugin's properties.
            #[serde(rename = "Properties", default)]
            pub properties: Option<infrakit_spi::Any>,
            $($(#[$fmeta])* pub $field: $ty,)*
        }
    };
}

pub(crate) use properties_request;
