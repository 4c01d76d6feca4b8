//! Where a node keeps its state by default.

use std::path::PathBuf;

/// `$INFRAKIT_HOME`, else `~/.infrakit`.
pub fn default_home() -> PathBuf {
    match std::env::var_os("INFRAKIT_HOME").filter(|v| !v.is_empty()) {
        Some(h) => PathBuf::from(h),
        None => std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".")).join(".infrakit"),
    }
}
