//! Names made safe for the file system, for stores and plugins that keep one file or directory per ID.

/// `id` with every character but `A-Z a-z 0-9 . _ -` replaced by `_` (so never a `/`, a space or a `+`).
pub fn file_safe(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_safe_characters_are_kept() {
        assert_eq!(super::file_safe("web/tier 1+x"), "web_tier_1_x");
        assert_eq!(super::file_safe("vol-1.data_a"), "vol-1.data_a");
    }
}
