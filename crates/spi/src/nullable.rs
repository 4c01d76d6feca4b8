//! Serde helpers for Go's nil slices and maps: `null` decodes as empty, and empty encodes as `null`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decodes `null` (or an absent field, with `#[serde(default)]`) as the type's default.
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Collections that know whether they are empty.
pub trait IsEmpty {
    /// True when the collection holds nothing.
    fn is_empty_collection(&self) -> bool;
}

impl<T> IsEmpty for Vec<T> {
    fn is_empty_collection(&self) -> bool {
        self.is_empty()
    }
}

impl<K, V> IsEmpty for std::collections::BTreeMap<K, V> {
    fn is_empty_collection(&self) -> bool {
        self.is_empty()
    }
}

/// Encodes an empty collection as `null`, as Go does for a nil slice or map.
pub fn empty_as_null<S, T>(value: &T, s: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Serialize + IsEmpty,
{
    if value.is_empty_collection() {
        s.serialize_none()
    } else {
        value.serialize(s)
    }
}
