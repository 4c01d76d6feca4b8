//! Request and result bodies of every RPC method, field for field as InfraKit v0.5's `pkg/rpc/<kind>/types.go`.
//! Every field is defaulted when absent, as Go leaves missing fields at their zero value.

pub mod flavor;
pub mod group;
pub mod handshake;
pub mod instance;
pub mod metadata;
