//! The source policy: which URLs `include`, `source` and `fetch` may read.
//!
//! Templates are code that reads files and URLs, and some are written by whoever can reach a plugin (a flavor's
//! `Init` is part of the spec it is sent). So a template may read only:
//!
//! - files inside its own directory tree (the directory of the root template's `file://` URL and below; a
//!   `str://` template has no directory, so it has no tree), and inside the directories the operator allows
//!   ([`SourcePolicy::allow_dirs`], the CLI's `--template-allow-dir`);
//! - `http://`/`https://` URLs under its own URL's directory (same scheme, host and port) when it was loaded
//!   from one, and any other only when the operator allows it ([`SourcePolicy::allow_http`],
//!   `--template-allow-http`);
//! - other schemes only through a caller-supplied [`Fetcher`](crate::Fetcher) (the default one refuses them).
//!
//! Paths are compared after resolving symlinks, so a link inside the tree pointing outside it is refused. The
//! root template itself is whatever the caller loads: a caller that takes the root URL from untrusted input checks
//! it with [`SourcePolicy::check`] (with no tree) first.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::url::Url;

/// Which sources nested templates may read (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourcePolicy {
    /// Directories (and everything below them) any template may read with `file://`.
    pub allow_dirs: Vec<PathBuf>,
    /// Whether `http://` and `https://` URLs outside the template's own tree may be fetched.
    pub allow_http: bool,
    /// No checks at all (for programs whose templates are all trusted, e.g. tests); never the default.
    pub unrestricted: bool,
}

/// Why the policy refused a URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A file outside the template's tree and the allowed directories.
    #[error(
        "the template source policy refused {url}: it is outside {tree} and the allowed directories ({allowed}); \
         allow its directory with --template-allow-dir (INFRAKIT_TEMPLATE_ALLOW_DIR)"
    )]
    File {
        /// The refused URL.
        url: String,
        /// The template's own tree, described.
        tree: String,
        /// The allowed directories, described.
        allowed: String,
    },
    /// An HTTP(S) URL outside the template's own tree while HTTP is not allowed.
    #[error(
        "the template source policy refused {url}: http(s) sources are not allowed outside the template's own \
         URL tree; allow them with --template-allow-http (INFRAKIT_TEMPLATE_ALLOW_HTTP=true)"
    )]
    Http {
        /// The refused URL.
        url: String,
    },
}

static PROCESS_DEFAULT: RwLock<Option<SourcePolicy>> = RwLock::new(None);

impl SourcePolicy {
    /// A policy that checks nothing.
    pub fn unrestricted() -> SourcePolicy {
        SourcePolicy { unrestricted: true, ..SourcePolicy::default() }
    }

    /// The policy [`Options::default`](crate::Options) starts from: the one installed with
    /// [`SourcePolicy::install`] (the CLI installs its `--template-allow-*` flags), else the strict default.
    pub fn process_default() -> SourcePolicy {
        PROCESS_DEFAULT.read().ok().and_then(|p| p.clone()).unwrap_or_default()
    }

    /// Makes `policy` the process-wide default (every `Options::default()` made afterwards starts from it).
    pub fn install(policy: SourcePolicy) {
        if let Ok(mut p) = PROCESS_DEFAULT.write() {
            *p = Some(policy);
        }
    }

    /// Whether a template whose own tree is `tree` (the root template's base URL, `None` for `str://` text) may
    /// read `url`.
    pub fn check(&self, tree: Option<&Url>, url: &Url) -> Result<(), PolicyError> {
        if self.unrestricted {
            return Ok(());
        }
        match url.scheme() {
            "file" => self.check_file(tree, url),
            "http" | "https" => {
                if self.allow_http || tree.is_some_and(|t| same_web_tree(t, url)) {
                    Ok(())
                } else {
                    Err(PolicyError::Http { url: url.to_string() })
                }
            }
            _ => Ok(()),
        }
    }

    fn check_file(&self, tree: Option<&Url>, url: &Url) -> Result<(), PolicyError> {
        let target = real(Path::new(url.path()));
        let own = tree.filter(|t| t.scheme() == "file").map(|t| real(Path::new(dir_of(t.path()))));
        let allowed: Vec<PathBuf> = self.allow_dirs.iter().map(|d| real(d)).collect();
        if own.iter().chain(allowed.iter()).any(|d| target.starts_with(d)) {
            return Ok(());
        }
        let tree = match &own {
            Some(d) => format!("the template's directory {}", d.display()),
            None => "a str:// template (it has no directory of its own)".to_string(),
        };
        let allowed = if self.allow_dirs.is_empty() {
            "none".to_string()
        } else {
            self.allow_dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
        };
        Err(PolicyError::File { url: url.to_string(), tree, allowed })
    }
}

/// The directory part of a path (up to and including its last `/`).
fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    }
}

/// The path with symlinks resolved, as far as it exists (a missing file is judged by the real path of its
/// directory, then lexically).
fn real(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if parent != path => real(parent).join(name),
        _ => path.to_path_buf(),
    }
}

/// True when `url` is under the directory of `tree` on the same web origin.
fn same_web_tree(tree: &Url, url: &Url) -> bool {
    tree.scheme() == url.scheme()
        && tree.authority().eq_ignore_ascii_case(url.authority())
        && url.path().starts_with(dir_of(tree.path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn own_tree_allowed_dirs_and_http() {
        let strict = SourcePolicy::default();
        let tree = u("file:///nonexistent-ik/t/main.ikt");
        assert!(strict.check(Some(&tree), &u("file:///nonexistent-ik/t/lib/x.ikt")).is_ok());
        let err = strict.check(Some(&tree), &u("file:///etc/passwd")).unwrap_err().to_string();
        assert!(err.contains("refused file:///etc/passwd") && err.contains("--template-allow-dir"), "{err}");
        assert!(strict.check(None, &u("file:///nonexistent-ik/t/lib/x.ikt")).is_err(), "str:// has no tree");
        let allowed = SourcePolicy { allow_dirs: vec!["/etc".into()], ..SourcePolicy::default() };
        assert!(allowed.check(None, &u("file:///etc/passwd")).is_ok());
        assert!(allowed.check(None, &u("file:///etcetera/x")).is_err(), "a prefix is not a directory");

        let web = u("http://h:1/t/main.ikt");
        assert!(strict.check(Some(&web), &u("http://h:1/t/part.ikt")).is_ok());
        assert!(strict.check(Some(&web), &u("http://h:1/other.ikt")).is_err());
        assert!(strict.check(Some(&web), &u("http://evil/t/part.ikt")).is_err());
        assert!(strict.check(None, &u("http://h:1/t/part.ikt")).is_err());
        let http = SourcePolicy { allow_http: true, ..SourcePolicy::default() };
        assert!(http.check(None, &u("https://h/x")).is_ok());
        assert!(SourcePolicy::unrestricted().check(None, &u("file:///etc/passwd")).is_ok());
    }

    #[test]
    fn symlinks_out_of_the_tree_are_refused() {
        let dir = std::env::temp_dir().join(format!("ik-policy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink("/etc", dir.join("etc")).unwrap();
        let tree = Url::parse(&format!("file://{}/main.ikt", dir.display())).unwrap();
        let via_link = Url::parse(&format!("file://{}/etc/passwd", dir.display())).unwrap();
        assert!(SourcePolicy::default().check(Some(&tree), &via_link).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
