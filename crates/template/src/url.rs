//! Template URLs: `file://`, `http://`, `https://`, `str://` and plain paths, with relative resolution.

use std::fmt;

/// A template URL: a scheme and the text after `://`.
///
/// This is deliberately small: it only knows what the template engine needs (the authority, the path,
/// resolving a relative reference against the URL's directory).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Url {
    scheme: String,
    rest: String,
}

impl Url {
    /// Parses an absolute URL `scheme://rest`. For `str://` the rest is the template text itself.
    pub fn parse(s: &str) -> Result<Url, String> {
        let Some(i) = s.find("://") else {
            return Err(format!("unsupported url:{s}"));
        };
        let scheme = &s[..i];
        if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.') {
            return Err(format!("unsupported url:{s}"));
        }
        Ok(Url { scheme: scheme.to_ascii_lowercase(), rest: s[i + 3..].to_string() })
    }

    /// Parses what a user typed: a URL if it contains `://`, else a file path relative to the current directory.
    pub fn from_input(s: &str) -> Result<Url, String> {
        if s.contains("://") {
            return Url::parse(s);
        }
        let path = if s.starts_with('/') {
            s.to_string()
        } else {
            let cwd = std::env::current_dir().map_err(|e| format!("cannot resolve {s}: {e}"))?;
            let mut dir = cwd.to_string_lossy().into_owned();
            if !dir.ends_with('/') {
                dir.push('/');
            }
            dir + s
        };
        Ok(Url { scheme: "file".into(), rest: normalize(&path) })
    }

    /// `file://<current directory>/`: the base of `str://` templates.
    pub fn cwd_base() -> Url {
        let mut dir = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
        if !dir.ends_with('/') {
            dir.push('/');
        }
        Url { scheme: "file".into(), rest: dir }
    }

    /// The scheme, lower case (`file`, `http`, `https`, `str`...).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Everything after `scheme://`.
    pub fn rest(&self) -> &str {
        &self.rest
    }

    /// The authority (`host:port`, or `localhost`/empty for files).
    pub fn authority(&self) -> &str {
        let end = self.rest.find(['/', '?', '#']).unwrap_or(self.rest.len());
        &self.rest[..end]
    }

    /// The path, without query or fragment (starts with `/` unless empty).
    pub fn path(&self) -> &str {
        let after = &self.rest[self.authority().len()..];
        let end = after.find(['?', '#']).unwrap_or(after.len());
        &after[..end]
    }

    /// The path and query, as sent in an HTTP request line (`/` if empty).
    pub fn request_target(&self) -> &str {
        let after = &self.rest[self.authority().len()..];
        let end = after.find('#').unwrap_or(after.len());
        if end == 0 {
            "/"
        } else {
            &after[..end]
        }
    }

    /// Resolves `reference` against this URL's directory. References containing `://` are absolute; a
    /// reference starting with `/` replaces the path; anything else is joined to the directory and
    /// `.`/`..` segments are removed.
    pub fn resolve(&self, reference: &str) -> Result<Url, String> {
        if reference.contains("://") {
            return Url::parse(reference);
        }
        let (ref_path, query) = match reference.find('?') {
            Some(i) => (&reference[..i], &reference[i..]),
            None => (reference, ""),
        };
        let joined = if ref_path.starts_with('/') {
            ref_path.to_string()
        } else {
            let path = self.path();
            let dir = match path.rfind('/') {
                Some(i) => &path[..=i],
                None => "/",
            };
            format!("{dir}{ref_path}")
        };
        Ok(Url { scheme: self.scheme.clone(), rest: format!("{}{}{}", self.authority(), normalize(&joined), query) })
    }
}

/// Removes `.` and `..` segments and doubled slashes from an absolute path, keeping a trailing slash.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').collect();
    let last = segs.len().saturating_sub(1);
    let mut trailing = false;
    for (i, seg) in segs.iter().enumerate() {
        match *seg {
            "" | "." => trailing = i == last && i > 0,
            ".." => {
                out.pop();
                trailing = i == last;
            }
            s => {
                out.push(s);
                trailing = false;
            }
        }
    }
    let mut s = String::from("/");
    s.push_str(&out.join("/"));
    if trailing && !s.ends_with('/') {
        s.push('/');
    }
    s
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_references() {
        let base = Url::parse("file:///a/b/c.tpl").unwrap();
        assert_eq!(base.resolve("d.tpl").unwrap().to_string(), "file:///a/b/d.tpl");
        assert_eq!(base.resolve("../d.tpl").unwrap().to_string(), "file:///a/d.tpl");
        assert_eq!(base.resolve("./x/../e.tpl").unwrap().to_string(), "file:///a/b/e.tpl");
        assert_eq!(base.resolve("/etc/f").unwrap().to_string(), "file:///etc/f");
        assert_eq!(base.resolve("http://h/x").unwrap().to_string(), "http://h/x");
        let web = Url::parse("http://host:8080/t/main.ikt?x=1").unwrap();
        assert_eq!(web.authority(), "host:8080");
        assert_eq!(web.path(), "/t/main.ikt");
        assert_eq!(web.request_target(), "/t/main.ikt?x=1");
        assert_eq!(web.resolve("../common.ikt?y=2").unwrap().to_string(), "http://host:8080/common.ikt?y=2");
        let local = Url::parse("file://localhost/x/y.sh").unwrap();
        assert_eq!(local.path(), "/x/y.sh");
        assert_eq!(local.resolve("z.sh").unwrap().to_string(), "file://localhost/x/z.sh");
    }

    #[test]
    fn plain_paths_become_file_urls() {
        assert_eq!(Url::from_input("/tmp/../etc/x").unwrap().to_string(), "file:///etc/x");
        let u = Url::from_input("rel/t.ikt").unwrap();
        assert!(u.to_string().starts_with("file:///") && u.to_string().ends_with("/rel/t.ikt"), "{u}");
        assert!(Url::parse("nope").is_err());
        assert!(Url::cwd_base().to_string().ends_with('/'));
    }
}
