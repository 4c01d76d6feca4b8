//! Built-in InfraKit plugins: `instance-file` (one JSON file per instance), `flavor-vanilla` (Init lines, tags and
//! attachments) and `flavor-combo` (several flavors merged).

pub mod flavor_combo;
pub mod flavor_vanilla;
pub mod instance_file;
pub mod instance_process;
