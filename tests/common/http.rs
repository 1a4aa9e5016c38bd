//! A small real HTTP/1.1 file server on 127.0.0.1 (ephemeral port) for sync tests:
//! ETag / If-None-Match, Last-Modified, and scripted faults (status codes, stalls,
//! truncated bodies, endless and trickling bodies). Every connection has a read timeout,
//! every body a bound in bytes and time; the server stops when dropped.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A fault served instead of (or in the middle of) the file.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status and an empty body.
    Status(u16),
    /// Send the headers, then wait this long before sending the body.
    Stall(Duration),
    /// Send only this many bytes of the body (the Content-Length promises all of it).
    Truncate(usize),
    /// Send this many bytes of the body, then wait this long before the rest.
    StallAfter(usize, Duration),
    /// A chunked body that never ends (bounded here: at most [`ENDLESS_MAX`] bytes or
    /// [`FAULT_MAX_TIME`], whichever comes first, or until the client goes away).
    Endless,
    /// The file one byte at a time, one byte per interval (bounded by
    /// [`FAULT_MAX_TIME`], or until the client goes away).
    Trickle(Duration),
}

/// Most bytes an endless body sends before the server gives up.
pub const ENDLESS_MAX: u64 = 64 * 1024 * 1024;
/// Longest an endless or trickling body runs.
pub const FAULT_MAX_TIME: Duration = Duration::from_secs(60);

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub if_none_match: Option<String>,
    /// The Authorization header sent, if any.
    pub authorization: Option<String>,
    pub status: u16,
}

#[derive(Default)]
struct State {
    faults: HashMap<String, VecDeque<Fault>>,
    log: Vec<Request>,
}

pub struct Server {
    pub root: PathBuf,
    pub port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves the files under `root`.
    pub fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp, rt) = (state.clone(), stop.clone(), root.to_path_buf());
        let thread = std::thread::spawn(move || {
            // Bounded: at most 10,000 connections over the server's life.
            for conn in listener.incoming().take(10_000) {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (st, rt) = (st.clone(), rt.clone());
                std::thread::spawn(move || {
                    let _ = handle(conn, &rt, &st);
                });
            }
        });
        Server {
            root: root.to_path_buf(),
            port,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Queues faults for the next requests of `path` (e.g. `/kev/known_….json`).
    pub fn fault(&self, path: &str, faults: &[Fault]) {
        let mut s = self.state.lock().expect("lock");
        s.faults
            .entry(path.to_string())
            .or_default()
            .extend(faults.iter().cloned());
    }

    /// Requests seen so far.
    pub fn log(&self) -> Vec<Request> {
        self.state.lock().expect("lock").log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().expect("lock").log.clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn etag_of(bytes: &[u8]) -> String {
    // FNV-1a: stable and cheap; only equality matters.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("\"{h:016x}-{}\"", bytes.len())
}

fn handle(mut conn: TcpStream, root: &Path, state: &Mutex<State>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    let mut authorization = None;
    for _ in 0..100 {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(v.trim().to_string());
            } else if k.eq_ignore_ascii_case("authorization") {
                authorization = Some(v.trim().to_string());
            }
        }
    }
    let fault = state
        .lock()
        .expect("lock")
        .faults
        .get_mut(&path)
        .and_then(VecDeque::pop_front);
    let decoded = path.replace("%20", " ");
    let file = root.join(decoded.trim_start_matches('/'));
    let body = if decoded.contains("..") {
        None
    } else {
        std::fs::read(&file).ok()
    };
    let mut status = match (&fault, &body) {
        (Some(Fault::Status(s)), _) => *s,
        (_, None) => 404,
        _ => 200,
    };
    let etag = body.as_deref().map(etag_of);
    if status == 200 && if_none_match.is_some() && if_none_match == etag {
        status = 304;
    }
    state.lock().expect("lock").log.push(Request {
        path: path.clone(),
        if_none_match,
        authorization,
        status,
    });
    let reason = match status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Other",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
    if status == 200 && matches!(fault, Some(Fault::Endless)) {
        head.push_str("Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n");
        conn.write_all(head.as_bytes())?;
        let chunk = vec![b' '; 64 * 1024];
        let started = Instant::now();
        let mut sent: u64 = 0;
        while sent < ENDLESS_MAX && started.elapsed() < FAULT_MAX_TIME {
            conn.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
            conn.write_all(&chunk)?;
            conn.write_all(b"\r\n")?;
            sent += chunk.len() as u64;
        }
        conn.write_all(b"0\r\n\r\n")?;
    } else if status == 200 {
        let body = body.unwrap_or_default();
        head.push_str(&format!(
            "Content-Length: {}\r\nETag: {}\r\nLast-Modified: Tue, 24 Nov 2026 00:00:00 GMT\r\nContent-Type: application/octet-stream\r\n\r\n",
            body.len(),
            etag.unwrap_or_default()
        ));
        conn.write_all(head.as_bytes())?;
        match fault {
            Some(Fault::Stall(d)) => {
                conn.flush()?;
                std::thread::sleep(d);
                conn.write_all(&body)?;
            }
            Some(Fault::Truncate(n)) => conn.write_all(&body[..n.min(body.len())])?,
            Some(Fault::StallAfter(n, d)) => {
                let (first, rest) = body.split_at(n.min(body.len()));
                conn.write_all(first)?;
                conn.flush()?;
                std::thread::sleep(d);
                conn.write_all(rest)?;
            }
            Some(Fault::Trickle(every)) => {
                let started = Instant::now();
                for b in &body {
                    if started.elapsed() >= FAULT_MAX_TIME {
                        break;
                    }
                    conn.write_all(&[*b])?;
                    conn.flush()?;
                    std::thread::sleep(every);
                }
            }
            _ => conn.write_all(&body)?,
        }
    } else {
        head.push_str("Content-Length: 0\r\n\r\n");
        conn.write_all(head.as_bytes())?;
    }
    conn.flush()?;
    let _ = conn.shutdown(Shutdown::Both);
    // Drain nothing more; the client closes.
    let _ = reader.read(&mut [0u8; 1]);
    Ok(())
}
