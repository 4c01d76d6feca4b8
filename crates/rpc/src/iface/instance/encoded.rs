//! The Go JSON of the descriptions an instance plugin keeps, reused from one `DescribeInstances` answer to the next.
//!
//! A plugin that keeps its instances' descriptions (the file plugin's index, an in-memory plugin) lists the same
//! `Arc<Description>` until the instance changes, and controllers poll the same listing every few seconds: the
//! JSON of an unchanged description is the same bytes every time. Each is encoded once and kept, keyed by the
//! description's address, beside a `Weak` to it. While the entry lives, the allocation cannot be reused for another
//! description, and a description behind an `Arc` is never changed in place while a `Weak` to it exists
//! (`Arc::get_mut` refuses, `Arc::make_mut` moves it to a new allocation), so a hit always has the same content.
//!
//! Only descriptions the plugin holds too (more than one strong reference) are kept: a listing made afresh for
//! every call (a plugin without shared listings, or one asked for properties) would never hit. Entries of
//! descriptions the plugin dropped are swept once the cache has doubled since its last sweep (and not before it
//! holds 4,096), so it holds at most twice as many entries as there are live descriptions, or 4,096: some 200 bytes
//! of JSON each, and a dead one also keeps its description's `Arc` block (about 100 bytes) until the sweep.
//!
//! The `Weak` it holds means a plugin's `Arc::get_mut` on a description it listed over RPC fails, and
//! `Arc::make_mut` moves the description to a new allocation (see `Instance::describe_shared`).

use crate::messages::instance::DescribeAnswer;
use infrakit_spi::gojson;
use infrakit_spi::instance::Description;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

/// Sweeps start once the cache holds this many entries.
const FIRST_SWEEP: usize = 4096;

struct Entry {
    /// Keeps the allocation, so the address is not reused while the entry lives.
    description: Weak<Description>,
    json: Arc<[u8]>,
}

struct Cache {
    entries: HashMap<usize, Entry>,
    /// The size at which dead entries are swept next.
    sweep_at: usize,
}

fn cache() -> MutexGuard<'static, Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Cache { entries: HashMap::new(), sweep_at: FIRST_SWEEP }));
    // A panic under the lock leaves at worst a missing entry: the cache stays usable.
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

fn key(d: &Arc<Description>) -> usize {
    Arc::as_ptr(d) as usize
}

impl Cache {
    fn get(&self, d: &Arc<Description>) -> Option<Arc<[u8]>> {
        let e = self.entries.get(&key(d))?;
        std::ptr::eq(e.description.as_ptr(), Arc::as_ptr(d)).then(|| e.json.clone())
    }

    fn sweep(&mut self) {
        self.entries.retain(|_, e| e.description.strong_count() > 0);
        self.sweep_at = (self.entries.len() * 2).max(FIRST_SWEEP);
    }
}

/// Appends `{"Type":kind,"Descriptions":[...]}` as Go JSON: byte for byte what encoding [`DescribeAnswer`] writes,
/// with the kept encodings of the descriptions seen before.
pub(crate) fn append_answer(
    out: &mut Vec<u8>,
    kind: &str,
    descriptions: &[Arc<Description>],
) -> Result<(), serde_json::Error> {
    if descriptions.is_empty() {
        return gojson::append(out, &DescribeAnswer { kind, descriptions });
    }
    let kept: Vec<Option<Arc<[u8]>>> = {
        let cache = cache();
        descriptions.iter().map(|d| cache.get(d)).collect()
    };
    out.reserve(kept.iter().map(|k| k.as_ref().map_or(200, |j| j.len() + 1)).sum::<usize>() + kind.len() + 40);
    out.extend_from_slice(br#"{"Type":"#);
    gojson::append(out, kind)?;
    out.extend_from_slice(br#","Descriptions":["#);
    let mut fresh = Vec::new();
    for (i, (d, kept)) in descriptions.iter().zip(kept).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match kept {
            Some(json) => out.extend_from_slice(&json),
            None => {
                let start = out.len();
                gojson::append(out, &**d)?;
                if Arc::strong_count(d) > 1 {
                    fresh.push((d, start..out.len()));
                }
            }
        }
    }
    out.extend_from_slice(b"]}");
    if !fresh.is_empty() {
        let mut cache = cache();
        for (d, range) in fresh {
            let json: Arc<[u8]> = out[range].into();
            cache.entries.insert(key(d), Entry { description: Arc::downgrade(d), json });
        }
        if cache.entries.len() > cache.sweep_at {
            cache.sweep();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::instance::{Id, LogicalId};

    fn description(i: usize) -> Description {
        Description {
            id: Id(format!("i-{i}")),
            logical_id: i.is_multiple_of(2).then(|| LogicalId(format!("10.0.0.{i}"))),
            tags: [("a".to_string(), "<b>&\u{2028}".to_string()), ("n".to_string(), i.to_string())].into(),
            properties: None,
        }
    }

    fn answer(descriptions: &[Arc<Description>]) -> Vec<u8> {
        let mut out = b"prefix".to_vec();
        append_answer(&mut out, "t<1>", descriptions).unwrap();
        out
    }

    fn expected(descriptions: &[Arc<Description>]) -> Vec<u8> {
        let mut out = b"prefix".to_vec();
        gojson::append(&mut out, &DescribeAnswer { kind: "t<1>", descriptions }).unwrap();
        out
    }

    fn is_kept(d: &Arc<Description>) -> bool {
        cache().get(d).is_some()
    }

    #[test]
    fn answers_are_the_same_json_whether_encoded_or_kept() {
        assert_eq!(answer(&[]), expected(&[]));
        let held: Vec<Arc<Description>> = (0..5).map(|i| Arc::new(description(i))).collect();
        let listing = held.clone();
        let first = answer(&listing);
        assert_eq!(first, expected(&listing));
        assert!(listing.iter().all(is_kept), "descriptions the plugin holds are kept");
        assert_eq!(answer(&listing), first, "an answer from kept encodings is the same bytes");
        // Some kept, one changed (a new allocation), one never seen.
        let mut changed = listing.clone();
        Arc::make_mut(&mut changed[1]).tags.insert("z".into(), "new".into());
        changed.push(Arc::new(description(9)));
        assert_eq!(answer(&changed), expected(&changed));
        assert!(!is_kept(&changed[5]), "a description only the listing holds is not kept");
    }

    #[test]
    fn a_description_changed_in_place_is_never_answered_from_its_old_encoding() {
        let mut only = Arc::new(description(1));
        let other = only.clone();
        answer(std::slice::from_ref(&only));
        drop(other);
        // The plugin now holds the only strong reference and changes it: the kept Weak makes it move.
        Arc::make_mut(&mut only).tags.insert("z".into(), "changed".into());
        let listing = [only.clone()];
        assert_eq!(answer(&listing), expected(&listing));
    }

    #[test]
    fn encodings_of_dropped_descriptions_are_swept() {
        let dropped = Arc::new(description(3));
        let weak = Arc::downgrade(&dropped);
        answer(&[dropped.clone(), dropped.clone()]);
        let addr = Arc::as_ptr(&dropped) as usize;
        drop(dropped);
        assert!(weak.strong_count() == 0 && cache().entries.contains_key(&addr));
        cache().sweep();
        assert!(!cache().entries.contains_key(&addr), "the entry of a dropped description is swept");
    }
}
