//! Where template text comes from: the [`Fetcher`] trait, the default file/HTTP fetcher and an in-memory one.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::url::Url;

/// Fetches the raw text behind a URL. `str://` URLs never reach a fetcher: the engine handles them.
pub trait Fetcher: Send + Sync {
    /// Returns the text at `url`. `headers` are extra HTTP request headers given as `k=v` arguments to
    /// `include`/`source`/`fetch` (fetchers without HTTP ignore them). The error is a short reason.
    fn fetch(&self, url: &Url, headers: &[(String, String)]) -> Result<String, String>;
}

/// Reads `file://` paths and GETs `http://` URLs (following up to 10 redirects, error on any final status
/// but 200). `https://` needs the cargo feature `https`.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultFetcher;

impl Fetcher for DefaultFetcher {
    fn fetch(&self, url: &Url, headers: &[(String, String)]) -> Result<String, String> {
        match url.scheme() {
            "file" => {
                let bytes = std::fs::read(url.path()).map_err(|e| e.to_string())?;
                Ok(String::from_utf8_lossy(&bytes).into_owned())
            }
            "http" | "https" => crate::http::get(url, headers),
            _ => Err(format!("unsupported url:{url}")),
        }
    }
}

/// An in-memory fetcher: URL string to text. For tests and for embedding templates in a program.
/// Every fetched URL is recorded, in order.
#[derive(Debug, Default)]
pub struct MemoryFetcher {
    files: Mutex<BTreeMap<String, String>>,
    log: Mutex<Vec<String>>,
}

impl MemoryFetcher {
    /// An empty fetcher.
    pub fn new() -> MemoryFetcher {
        MemoryFetcher::default()
    }

    /// Adds (or replaces) the text at `url` (written exactly as the engine will ask for it, e.g.
    /// `file:///t/common.ikt`). Returns `self` for chaining.
    pub fn with(self, url: &str, text: &str) -> MemoryFetcher {
        self.insert(url, text);
        self
    }

    /// Adds (or replaces) the text at `url`.
    pub fn insert(&self, url: &str, text: &str) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(url.to_string(), text.to_string());
        }
    }

    /// The URLs fetched so far, in order.
    pub fn fetched(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Wraps the fetcher in an `Arc` for [`crate::Options::fetcher`].
    pub fn into_arc(self) -> Arc<MemoryFetcher> {
        Arc::new(self)
    }
}

impl Fetcher for MemoryFetcher {
    fn fetch(&self, url: &Url, _headers: &[(String, String)]) -> Result<String, String> {
        let key = url.to_string();
        if let Ok(mut log) = self.log.lock() {
            log.push(key.clone());
        }
        let files = self.files.lock().map_err(|_| "fetcher lock poisoned".to_string())?;
        files.get(&key).cloned().ok_or_else(|| "not found".to_string())
    }
}

/// Loaded template text and the URL relative references resolve against.
pub(crate) struct Loaded {
    pub text: String,
    pub base: Url,
}

/// Loads `url`: `str://` is the text itself (based at `file://<cwd>/`), anything else goes to the fetcher.
pub(crate) fn load(fetcher: &dyn Fetcher, url: &Url, headers: &[(String, String)]) -> Result<Loaded, String> {
    if url.scheme() == "str" {
        return Ok(Loaded { text: url.rest().to_string(), base: Url::cwd_base() });
    }
    Ok(Loaded { text: fetcher.fetch(url, headers)?, base: url.clone() })
}

/// The name used in error messages for a URL: `str://` templates are shortened to their first line.
pub(crate) fn display_name(url: &Url) -> String {
    if url.scheme() != "str" {
        return url.to_string();
    }
    let first = url.rest().lines().next().unwrap_or("");
    let short: String = first.chars().take(32).collect();
    if short.len() < url.rest().len() {
        format!("str://{short}...")
    } else {
        format!("str://{short}")
    }
}
