//! Sprig 2.10's hash function (`crypto.go` of the version InfraKit v0.5 vendors): `sha256sum`.

use data_encoding::HEXLOWER;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{plain, str_arg, want, FuncMap};

pub(super) fn register(m: &mut FuncMap) {
    // sprig/crypto.go: `sha256.Sum256([]byte(input))` as lower-case hex.
    plain(m, &["sha256sum"], |a| {
        want(a, 1)?;
        Ok(Value::String(HEXLOWER.encode(&Sha256::digest(str_arg(a, 0)?.as_bytes()))))
    });
}
