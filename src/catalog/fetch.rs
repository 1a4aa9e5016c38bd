//! Getting a feed file: over HTTP(S) with conditional GET and bounded retries, or from a
//! directory (`--from`, `file://`). The body is streamed to a temp file beside the feed
//! cache while its SHA-256 is computed, so memory stays flat whatever the size.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::StatusCode;
use reqwest::blocking::Client;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use crate::error::Failure;

/// Where a feed file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Http(String),
    File(PathBuf),
}

impl Location {
    /// `http://`, `https://`, `file://` URLs, or a plain path.
    pub fn parse(s: &str) -> Result<Location> {
        if let Some(path) = s.strip_prefix("file://") {
            return Ok(Location::File(PathBuf::from(path)));
        }
        if s.starts_with("http://") || s.starts_with("https://") {
            return Ok(Location::Http(s.to_string()));
        }
        if s.contains("://") {
            return Err(Failure::usage(format!(
                "unsupported URL {s:?}: use http://, https:// or file://"
            ))
            .into());
        }
        Ok(Location::File(PathBuf::from(s)))
    }

    /// The location of `rel` under this one taken as a base directory or URL.
    pub fn join(&self, rel: &str) -> Location {
        match self {
            Location::Http(base) => {
                Location::Http(format!("{}/{}", base.trim_end_matches('/'), rel))
            }
            Location::File(dir) => Location::File(dir.join(rel)),
        }
    }

    pub fn display(&self) -> String {
        match self {
            Location::Http(u) => u.clone(),
            Location::File(p) => p.display().to_string(),
        }
    }
}

/// The file is not there (no such file, HTTP 404 or 410): a `--from` directory or a
/// mirror that does not carry this source.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Missing(pub String);

/// Whether `e` says the file is not there ([`Missing`]) rather than unreadable.
pub fn is_missing(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.is::<Missing>())
}

/// What is known of the copy held, for conditional requests.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: Option<String>,
}

/// A downloaded file, not yet imported.
#[derive(Debug)]
pub struct Download {
    pub file: NamedTempFile,
    pub sha256: String,
    pub bytes: u64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum Fetched {
    /// The server said 304 (validators `None`: keep those held), or the file's SHA-256
    /// equals the one held (the server's new validators, to remember).
    NotModified {
        etag: Option<String>,
        last_modified: Option<String>,
    },
    New(Download),
}

/// Network settings (`[sync]` in the config).
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of a response.
    pub read_timeout: Duration,
    /// Further attempts after a connection error, a timeout or a 5xx answer.
    pub retries: u32,
    /// First back-off; doubled after each attempt.
    pub backoff: Duration,
    pub progress: bool,
}

pub struct Fetcher {
    client: Client,
    opts: FetchOptions,
}

impl Fetcher {
    pub fn new(opts: FetchOptions) -> Result<Fetcher> {
        let client = Client::builder()
            .user_agent(concat!(
                "patchcycle/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/patchcycle/patchcycle)"
            ))
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.read_timeout)
            .gzip(true)
            .build()
            .context("building the HTTP client")?;
        Ok(Fetcher { client, opts })
    }

    /// Fetches `loc` into a temp file in `tmp_dir` unless the copy held is current.
    pub fn fetch(&self, loc: &Location, held: &Validators, tmp_dir: &Path) -> Result<Fetched> {
        match loc {
            Location::File(path) => self.fetch_file(path, held, tmp_dir),
            Location::Http(url) => self.fetch_http(url, held, tmp_dir),
        }
    }

    fn fetch_file(&self, path: &Path, held: &Validators, tmp_dir: &Path) -> Result<Fetched> {
        let src = File::open(path).map_err(|e| {
            let failure = Failure::usage(format!("cannot read {}", path.display()))
                .hint("--from DIR must hold the layout described in README.md (osv-mirror/<Ecosystem>/all.zip, kev/…, epss/…)");
            if e.kind() == std::io::ErrorKind::NotFound {
                failure.source(Missing(e.to_string()))
            } else {
                failure.source(e)
            }
        })?;
        let len = src.metadata().map(|m| m.len()).ok();
        let download = self.copy_to_temp(src, len, tmp_dir, None, None)?;
        Ok(unchanged_or_new(download, held))
    }

    fn fetch_http(&self, url: &str, held: &Validators, tmp_dir: &Path) -> Result<Fetched> {
        let mut attempt = 0;
        let mut backoff = self.opts.backoff;
        loop {
            match self.try_http(url, held, tmp_dir) {
                Ok(f) => return Ok(f),
                Err(e) if attempt < self.opts.retries && e.retryable => {
                    attempt += 1;
                    std::thread::sleep(backoff);
                    backoff = backoff.saturating_mul(2).min(Duration::from_secs(30));
                }
                Err(e) => {
                    let attempts = attempt + 1;
                    let what = if attempts > 1 {
                        format!("downloading {url} failed after {attempts} attempts")
                    } else {
                        format!("downloading {url} failed")
                    };
                    return Err(Failure::runtime(what).source(e.error).into());
                }
            }
        }
    }

    fn try_http(&self, url: &str, held: &Validators, tmp_dir: &Path) -> Result<Fetched, Attempt> {
        let mut req = self.client.get(url);
        if let Some(etag) = &held.etag {
            req = req.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &held.last_modified {
            req = req.header(IF_MODIFIED_SINCE, lm);
        }
        let resp = req.send().map_err(|e| Attempt {
            retryable: e.is_connect() || e.is_timeout() || e.is_request(),
            error: describe_reqwest(e),
        })?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified {
                etag: None,
                last_modified: None,
            });
        }
        if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
            return Err(Attempt {
                retryable: false,
                error: Missing(format!("HTTP {status}")).into(),
            });
        }
        if !status.is_success() {
            return Err(Attempt {
                retryable: status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS,
                error: anyhow::anyhow!("HTTP {status}"),
            });
        }
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .filter(|v| v.len() <= 512)
                .map(str::to_string)
        };
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let len = resp.content_length();
        let download = self
            .copy_to_temp(resp, len, tmp_dir, etag, last_modified)
            .map_err(|e| Attempt {
                retryable: e
                    .chain()
                    .filter_map(|c| c.downcast_ref::<std::io::Error>())
                    .any(|io| {
                        matches!(
                            io.kind(),
                            std::io::ErrorKind::TimedOut
                                | std::io::ErrorKind::ConnectionReset
                                | std::io::ErrorKind::UnexpectedEof
                                | std::io::ErrorKind::Other
                        )
                    }),
                error: e,
            })?;
        if let Some(expected) = len
            && download.bytes != expected
        {
            {
                return Err(Attempt {
                    retryable: true,
                    error: anyhow::anyhow!(
                        "connection closed after {} of {expected} bytes",
                        download.bytes
                    ),
                });
            }
        }
        Ok(unchanged_or_new(download, held))
    }

    /// Streams a body into a temp file, hashing it, with a progress bar on a terminal.
    fn copy_to_temp(
        &self,
        mut body: impl Read,
        len: Option<u64>,
        tmp_dir: &Path,
        etag: Option<String>,
        last_modified: Option<String>,
    ) -> Result<Download> {
        std::fs::create_dir_all(tmp_dir)
            .with_context(|| format!("creating {}", tmp_dir.display()))?;
        let file = NamedTempFile::new_in(tmp_dir)
            .with_context(|| format!("creating a temp file in {}", tmp_dir.display()))?;
        let bar = self.progress_bar(len);
        let mut out = BufWriter::with_capacity(1 << 16, file.as_file());
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut total: u64 = 0;
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(anyhow::Error::new(e).context("reading the response body")),
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).context("writing the download")?;
            total += n as u64;
            if let Some(b) = &bar {
                b.set_position(total);
            }
        }
        out.flush().context("writing the download")?;
        drop(out);
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        Ok(Download {
            file,
            sha256: crate::digest::hex(&hasher.finalize()),
            bytes: total,
            etag,
            last_modified,
        })
    }

    fn progress_bar(&self, len: Option<u64>) -> Option<ProgressBar> {
        if !self.opts.progress {
            return None;
        }
        let bar = match len {
            Some(l) => ProgressBar::new(l),
            None => ProgressBar::new_spinner(),
        };
        let style = if len.is_some() {
            "{bytes:>10}/{total_bytes:10} {bytes_per_sec:>12} [{wide_bar}] {eta}"
        } else {
            "{spinner} {bytes:>10} {bytes_per_sec:>12}"
        };
        if let Ok(s) = ProgressStyle::with_template(style) {
            bar.set_style(s);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Some(bar)
    }
}

/// One HTTP attempt's failure, and whether another attempt may help.
struct Attempt {
    retryable: bool,
    error: anyhow::Error,
}

fn describe_reqwest(e: reqwest::Error) -> anyhow::Error {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    // reqwest's own message names the URL; keep the innermost cause, it says why.
    let mut cause: &dyn std::error::Error = &e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    anyhow::anyhow!("{kind}: {cause}")
}

fn unchanged_or_new(d: Download, held: &Validators) -> Fetched {
    if held.sha256.as_deref() == Some(d.sha256.as_str()) {
        Fetched::NotModified {
            etag: d.etag,
            last_modified: d.last_modified,
        }
    } else {
        Fetched::New(d)
    }
}
