//! InfraKit's link (v0.5 `types.Link`): a random value tagged on the instance and set as a label on its Docker
//! engine, so the swarm node of an instance is found by its engine label.

use infrakit_spi::instance::Tags;
use rand::Rng;
use std::time::{SystemTime, UNIX_EPOCH};

/// The tag (and engine label) holding the link's value.
pub const LINK_LABEL: &str = "infrakit-link";
/// The tag holding the link's context, `swarm::<swarm id>::<role>`.
pub const LINK_CONTEXT_LABEL: &str = "infrakit-link-context";
/// The tag holding when the link was made (RFC 3339).
pub const LINK_CREATED_LABEL: &str = "infrakit-link-created";
/// The tag holding the swarm's ID (`?` when it could not be read).
pub const SWARM_ID_TAG: &str = "swarm-id";

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A new link between an instance and its engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// 16 random lowercase letters and digits.
    pub value: String,
    /// `swarm::<swarm id>::<role>`.
    pub context: String,
    /// When it was made, RFC 3339 in UTC.
    pub created: String,
}

impl Link {
    /// A fresh link with `context`, made now.
    pub fn new(context: String) -> Link {
        let mut rng = rand::thread_rng();
        let value = (0..16).map(|_| char::from(LETTERS[rng.gen_range(0..LETTERS.len())])).collect();
        Link { value, context, created: rfc3339(SystemTime::now()) }
    }

    /// The link value an instance's tags carry, if any (v0.5: a link without a value is not valid).
    pub fn value_in(tags: &Tags) -> Option<&str> {
        tags.get(LINK_LABEL).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The three link tags.
    pub fn tags(&self) -> [(&'static str, &str); 3] {
        [(LINK_LABEL, &self.value), (LINK_CONTEXT_LABEL, &self.context), (LINK_CREATED_LABEL, &self.created)]
    }

    /// Writes the link tags into `tags` (replacing earlier ones).
    pub fn write(&self, tags: &mut Tags) {
        for (k, v) in self.tags() {
            tags.insert(k.to_string(), v.to_string());
        }
    }
}

/// `t` as RFC 3339 in UTC, to the second (`2017-05-02T15:04:05Z`).
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn links_and_dates() {
        let l = Link::new("swarm::x::worker".into());
        assert_eq!(l.value.len(), 16);
        assert!(l.value.bytes().all(|b| LETTERS.contains(&b)));
        let mut tags = Tags::new();
        l.write(&mut tags);
        assert_eq!(Link::value_in(&tags), Some(l.value.as_str()));
        assert_eq!(Link::value_in(&Tags::new()), None);
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(1_493_737_445)), "2017-05-02T15:04:05Z");
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29T00:00:00Z");
    }
}
