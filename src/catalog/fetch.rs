//! Getting a feed file: over HTTP(S) with conditional GET and bounded retries, or from a
//! directory (`--from`, `file://`). The body is streamed to a temp file beside the feed
//! cache while its SHA-256 is computed, so memory stays flat whatever the size.
//!
//! Every download is bounded: a size cap per source (checked while streaming, so an
//! endless body stops one byte past it), a stall timeout (no byte for `sync.timeout`
//! seconds) and an overall deadline (`sync.deadline`, retries included).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::StatusCode;
use reqwest::blocking::Client;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use sha2::{Digest, Sha256};

use super::scratch::{Scratch, TempDownload};
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
                "unsupported URL {:?}: use http://, https:// or file://",
                redact_url(s)
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

    /// The location as it may be shown and stored: a password in the URL is masked.
    pub fn display(&self) -> String {
        match self {
            Location::Http(u) => redact_url(u),
            Location::File(p) => p.display().to_string(),
        }
    }
}

/// `url` with the secret of its userinfo masked: `http://user:secret@host/` →
/// `http://user:***@host/`, and a user name alone (often a token) → `http://***@host/`.
/// Only the request sees the credentials; nothing stored, printed or audited does.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    let masked = match userinfo.split_once(':') {
        Some((user, _)) => format!("{user}:***"),
        None => "***".to_string(),
    };
    format!("{scheme}://{masked}@{host}{path}")
}

/// The size cap of one source's downloads (`[sync.max_mib]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cap {
    /// The source, as named in messages (`kev`, `osv:Debian`).
    pub source: String,
    pub mib: u32,
    /// The config key that raises it (`sync.max_mib.kev`).
    pub key: &'static str,
}

impl Cap {
    pub fn bytes(&self) -> u64 {
        u64::from(self.mib) * 1024 * 1024
    }

    /// `what` went over the cap (`the file is larger than`, `the server announces …`),
    /// and what became of the download.
    fn exceeded(&self, what: &str, then: &str) -> anyhow::Error {
        Failure::runtime(format!(
            "{}: {what} the {} MiB size cap of {}, {then}; raise {} in the config if the file is really that large",
            self.source, self.mib, self.key, self.key
        ))
        .into()
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
    pub file: TempDownload,
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
    /// Longest wait for the next bytes of a response (the stall timeout).
    pub read_timeout: Duration,
    /// Longest one file's download may take, retries and back-off included.
    pub deadline: Duration,
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

    /// Fetches `loc` into a temp file of `scratch` unless the copy held is current; a
    /// file over `cap`, or a download past the deadline, is stopped and refused.
    pub fn fetch(
        &self,
        loc: &Location,
        held: &Validators,
        scratch: &Scratch,
        cap: &Cap,
    ) -> Result<Fetched> {
        let limits = Limits {
            cap,
            deadline: Instant::now() + self.opts.deadline,
            deadline_secs: self.opts.deadline.as_secs(),
        };
        match loc {
            Location::File(path) => self.fetch_file(path, held, scratch, &limits),
            Location::Http(url) => self.fetch_http(url, held, scratch, &limits),
        }
    }

    fn fetch_file(
        &self,
        path: &Path,
        held: &Validators,
        scratch: &Scratch,
        limits: &Limits<'_>,
    ) -> Result<Fetched> {
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
        let download = self.copy_to_temp(src, len, scratch, limits, None, None)?;
        Ok(unchanged_or_new(download, held))
    }

    fn fetch_http(
        &self,
        url: &str,
        held: &Validators,
        scratch: &Scratch,
        limits: &Limits<'_>,
    ) -> Result<Fetched> {
        let mut attempt = 0;
        let mut backoff = self.opts.backoff;
        let shown = redact_url(url);
        loop {
            match self.try_http(url, held, scratch, limits) {
                Ok(f) => return Ok(f),
                // No attempt that the deadline would cut short.
                Err(e)
                    if attempt < self.opts.retries
                        && e.retryable
                        && Instant::now() + backoff < limits.deadline =>
                {
                    attempt += 1;
                    std::thread::sleep(backoff);
                    backoff = backoff.saturating_mul(2).min(Duration::from_secs(30));
                }
                Err(e) => {
                    let attempts = attempt + 1;
                    let what = if attempts > 1 {
                        format!("downloading {shown} failed after {attempts} attempts")
                    } else {
                        format!("downloading {shown} failed")
                    };
                    return Err(Failure::runtime(what).source(e.error).into());
                }
            }
        }
    }

    fn try_http(
        &self,
        url: &str,
        held: &Validators,
        scratch: &Scratch,
        limits: &Limits<'_>,
    ) -> Result<Fetched, Attempt> {
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
        if let Some(l) = len
            && l > limits.cap.bytes()
        {
            return Err(Attempt {
                retryable: false,
                error: limits.cap.exceeded(
                    &format!("the server announces {l} bytes, more than"),
                    "so nothing was downloaded",
                ),
            });
        }
        let download = self
            .copy_to_temp(resp, len, scratch, limits, etag, last_modified)
            .map_err(|e| Attempt {
                // A cap or the deadline: another attempt would meet it again.
                retryable: !e.chain().any(|c| c.is::<Failure>())
                    && e.chain()
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
    /// Reads at most the cap plus one byte, and nothing after the deadline; the temp file
    /// is removed on any error (it is dropped).
    fn copy_to_temp(
        &self,
        body: impl Read,
        len: Option<u64>,
        scratch: &Scratch,
        limits: &Limits<'_>,
        etag: Option<String>,
        last_modified: Option<String>,
    ) -> Result<Download> {
        let file = scratch.file()?;
        let bar = self.progress_bar(len);
        let mut out = BufWriter::with_capacity(1 << 16, file.as_file());
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut total: u64 = 0;
        let cap = limits.cap.bytes();
        // One byte past the cap tells "over" from "exactly at".
        let mut body = body.take(cap.saturating_add(1));
        loop {
            if Instant::now() >= limits.deadline {
                return Err(Failure::runtime(format!(
                    "{}: the download took longer than the {} s deadline of sync.deadline and was stopped after {total} bytes",
                    limits.cap.source, limits.deadline_secs
                ))
                .into());
            }
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if is_timeout(&e) => {
                    return Err(anyhow::Error::new(e).context(format!(
                        "the download stalled: no byte for {} s (sync.timeout) after {total} bytes",
                        self.opts.read_timeout.as_secs()
                    )));
                }
                Err(e) => return Err(anyhow::Error::new(e).context("reading the response body")),
            };
            total += n as u64;
            if total > cap {
                return Err(limits.cap.exceeded(
                    "the file is larger than",
                    "so the download was stopped there",
                ));
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).context("writing the download")?;
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

/// What bounds one file's download.
struct Limits<'a> {
    cap: &'a Cap,
    deadline: Instant,
    deadline_secs: u64,
}

/// Whether a read failed because no byte came within the stall timeout.
fn is_timeout(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::TimedOut {
        return true;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|r| r as _);
    while let Some(c) = cause {
        if c.downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_timeout)
            || c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cause = c.source();
    }
    false
}

/// One HTTP attempt's failure, and whether another attempt may help.
struct Attempt {
    retryable: bool,
    error: anyhow::Error,
}

fn describe_reqwest(e: reqwest::Error) -> anyhow::Error {
    // Its URL may carry credentials; the caller names the URL, masked.
    let e = e.without_url();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_secret() {
        for (url, shown) in [
            (
                "http://user:secret@host:8080/a/b?x=1",
                "http://user:***@host:8080/a/b?x=1",
            ),
            ("https://token@host/", "https://***@host/"),
            ("https://user:p%40ss@host", "https://user:***@host"),
            ("https://host/a@b", "https://host/a@b"),
            ("https://host/", "https://host/"),
            ("/srv/mirror", "/srv/mirror"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
        assert_eq!(
            Location::parse("http://u:pw@h/x").unwrap().display(),
            "http://u:***@h/x"
        );
        let err = Location::parse("ftp://u:pw@h/x").unwrap_err().to_string();
        assert!(!err.contains("pw"), "{err}");
    }
}
