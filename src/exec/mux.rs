//! A session through a running OpenSSH ControlMaster, opened by patchcycle itself: the
//! client side of OpenSSH's multiplexing protocol (`PROTOCOL.mux`, version 4), which is
//! what `ssh` does when it finds a master on its ControlPath.
//!
//! Why: with a warm master, an `ssh` process per host costs the controller more than
//! everything else it does for an unchanged host (starting the client, reading its
//! configuration: about 6 ms of CPU on the lab machine against ~1.3 ms for collecting,
//! parsing and storing). Talking to the master's socket directly costs a few syscalls.
//! Nothing else changes: the master authenticated the host (host-key checking on) when
//! `ssh` made it, as it did for every session `ssh` sent through it; when there is no
//! master, or it does not answer, the caller starts `ssh` as before (which makes one).
//!
//! The protocol: length-prefixed packets (`uint32` length, then the body) on the
//! master's unix socket; each side sends `MUX_MSG_HELLO` with its version; the client
//! asks for a session (`MUX_C_NEW_SESSION`: no tty, no forwarding, no escape character,
//! the command) and passes its stdin, stdout and stderr as file descriptors (one
//! `SCM_RIGHTS` message each, in that order); the master answers
//! `MUX_S_SESSION_OPENED`, and `MUX_S_EXIT_MESSAGE` with the command's exit status when
//! it ends. Closing the socket before that ends the session (what killing `ssh` does).

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

const MUX_MSG_HELLO: u32 = 0x0000_0001;
const MUX_C_NEW_SESSION: u32 = 0x1000_0002;
const MUX_S_PERMISSION_DENIED: u32 = 0x8000_0002;
const MUX_S_FAILURE: u32 = 0x8000_0003;
const MUX_S_EXIT_MESSAGE: u32 = 0x8000_0004;
const MUX_S_SESSION_OPENED: u32 = 0x8000_0006;
const MUX_S_TTY_ALLOC_FAIL: u32 = 0x8000_0008;
/// The protocol version this client speaks (OpenSSH's since 5.x).
const VERSION: u32 = 4;
/// No escape character (`-e none`).
const NO_ESCAPE: u32 = 0xffff_ffff;
/// The largest packet read from a master: its replies are a few words.
const MAX_PACKET: usize = 64 * 1024;
/// The request id of the one session each connection asks for.
const REQUEST_ID: u32 = 1;

/// How a session through a master went.
pub(crate) enum Outcome {
    /// No master answered on the socket (none there, a stale socket, one going away
    /// before the session was asked for): nothing was run, start `ssh`.
    NoMaster,
    /// The master refused the session or failed before it was open; nothing was run.
    Refused(String),
    /// The session ran: its output, and its exit status (None: the master closed the
    /// connection without one, as when the connection to the host is lost), or the
    /// deadline passed (`timed_out`; the session was ended by closing the socket).
    Ran(Session),
}

pub(crate) struct Session {
    pub stdout: Vec<u8>,
    pub too_large: bool,
    pub stderr: String,
    pub status: Option<i32>,
    pub timed_out: bool,
    pub first_output: Option<Duration>,
}

/// Runs `command` on the host of the master at `socket`, `script` on its stdin, until
/// `deadline`; stdout is read up to `max_output` bytes (more is drained and flagged).
pub(crate) fn run(
    socket: &Path,
    command: &str,
    script: &str,
    deadline: Instant,
    max_output: usize,
) -> Outcome {
    let started = Instant::now();
    if std::fs::symlink_metadata(socket).is_err() {
        return Outcome::NoMaster;
    }
    let Ok(mut control) = UnixStream::connect(socket) else {
        return Outcome::NoMaster;
    };
    // Every exchange with the master is local and short; the deadline bounds them all.
    let bounded = |control: &UnixStream| {
        let left = deadline.saturating_duration_since(Instant::now());
        let left = left.max(Duration::from_millis(1));
        control.set_read_timeout(Some(left)).is_ok()
            && control.set_write_timeout(Some(left)).is_ok()
    };
    if !bounded(&control) {
        return Outcome::NoMaster;
    }
    let mut hello = Vec::with_capacity(8);
    put_u32(&mut hello, MUX_MSG_HELLO);
    put_u32(&mut hello, VERSION);
    if send_packet(&mut control, &hello).is_err() {
        return Outcome::NoMaster;
    }
    match read_packet(&mut control) {
        Ok(p) if word(&p, 0) == Some(MUX_MSG_HELLO) && word(&p, 4) == Some(VERSION) => {}
        _ => return Outcome::NoMaster,
    }
    let Ok(pipes) = Pipes::new() else {
        return Outcome::NoMaster;
    };
    let mut request = Vec::with_capacity(64 + command.len());
    put_u32(&mut request, MUX_C_NEW_SESSION);
    put_u32(&mut request, REQUEST_ID);
    put_string(&mut request, b""); // reserved
    put_u32(&mut request, 0); // tty
    put_u32(&mut request, 0); // X11 forwarding
    put_u32(&mut request, 0); // agent forwarding
    put_u32(&mut request, 0); // subsystem
    put_u32(&mut request, NO_ESCAPE);
    put_string(&mut request, b""); // terminal type
    put_string(&mut request, command.as_bytes());
    if send_packet(&mut control, &request).is_err() {
        return Outcome::NoMaster;
    }
    let Pipes {
        stdin_read,
        stdin_write,
        stdout_read,
        stdout_write,
        stderr_read,
        stderr_write,
    } = pipes;
    for fd in [&stdin_read, &stdout_write, &stderr_write] {
        if let Err(e) = send_fd(&control, fd.as_raw_fd()) {
            return Outcome::Refused(format!(
                "passing a file descriptor to the ControlMaster: {e}"
            ));
        }
    }
    // The master holds its copies now: ours would keep the pipes open past the session.
    drop((stdin_read, stdout_write, stderr_write));
    match read_packet(&mut control) {
        Ok(p) => match word(&p, 0) {
            Some(MUX_S_SESSION_OPENED) if word(&p, 4) == Some(REQUEST_ID) => {}
            Some(MUX_S_PERMISSION_DENIED | MUX_S_FAILURE) => {
                let why = string_at(&p, 8).unwrap_or_default();
                return Outcome::Refused(format!("the ControlMaster refused the session: {why}"));
            }
            _ => return Outcome::Refused("the ControlMaster answered out of protocol".into()),
        },
        Err(e) => {
            return Outcome::Refused(format!("the ControlMaster did not open the session: {e}"));
        }
    }

    // Not waited for: it ends when the script is written or the master closes the
    // session's stdin (a host that stops reading, as an unchanged one does).
    let script = script.to_string();
    std::thread::spawn(move || {
        let mut w = std::fs::File::from(stdin_write);
        let _ = w.write_all(script.as_bytes());
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let out_tx = tx.clone();
    std::thread::spawn(move || {
        let (buf, too_large, first) =
            super::read_output(std::fs::File::from(stdout_read), started, max_output);
        let _ = out_tx.send(Stream::Out(buf, too_large, first));
    });
    std::thread::spawn(move || {
        let text = super::read_stderr(std::fs::File::from(stderr_read));
        let _ = tx.send(Stream::Err(text));
    });

    // The exit status, or the end of the connection, or the deadline.
    let mut status = None;
    let mut timed_out = false;
    loop {
        if !bounded(&control) {
            break;
        }
        match read_packet(&mut control) {
            Ok(p) => match word(&p, 0) {
                Some(MUX_S_EXIT_MESSAGE) => {
                    status = word(&p, 8).map(|v| v as i32);
                    break;
                }
                Some(MUX_S_TTY_ALLOC_FAIL) => {}
                _ => break,
            },
            // A read timeout is the deadline, or the clock's rounding a little before
            // it: then the wait goes on.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if Instant::now() >= deadline {
                    timed_out = true;
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let mut session = Session {
        stdout: Vec::new(),
        too_large: false,
        stderr: String::new(),
        status,
        timed_out,
        first_output: None,
    };
    // The exit status can come before the master has written all the output it holds
    // to the pipes (it writes as this process reads). Closing the connection now would
    // make it drop the rest (the session's output fails with its control client): the
    // connection stays open until both pipes end, or the deadline passes.
    let mut pending = 2;
    let mut collect = |until: Instant, session: &mut Session| {
        while pending > 0 {
            match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(Stream::Out(buf, too_large, first)) => {
                    session.stdout = buf;
                    session.too_large = too_large;
                    session.first_output = first;
                }
                Ok(Stream::Err(text)) => session.stderr = text,
                Err(_) => return,
            }
            pending -= 1;
        }
    };
    if !session.timed_out {
        collect(deadline, &mut session);
    }
    // Closing the connection ends the session if it still runs (the deadline passed),
    // and the master then closes the pipes: a little past the deadline at most, so that
    // a master that never does cannot hold the run.
    drop(control);
    collect(Instant::now() + Duration::from_secs(5), &mut session);
    if pending > 0 {
        session.timed_out = true;
    }
    Outcome::Ran(session)
}

enum Stream {
    Out(Vec<u8>, bool, Option<Duration>),
    Err(String),
}

/// The three pipes of a session: the master gets stdin's read end and the write ends of
/// stdout and stderr; this process keeps the others.
struct Pipes {
    stdin_read: OwnedFd,
    stdin_write: OwnedFd,
    stdout_read: OwnedFd,
    stdout_write: OwnedFd,
    stderr_read: OwnedFd,
    stderr_write: OwnedFd,
}

impl Pipes {
    fn new() -> std::io::Result<Pipes> {
        let (stdin_read, stdin_write) = std::io::pipe()?;
        let (stdout_read, stdout_write) = std::io::pipe()?;
        let (stderr_read, stderr_write) = std::io::pipe()?;
        Ok(Pipes {
            stdin_read: stdin_read.into(),
            stdin_write: stdin_write.into(),
            stdout_read: stdout_read.into(),
            stdout_write: stdout_write.into(),
            stderr_read: stderr_read.into(),
            stderr_write: stderr_write.into(),
        })
    }
}

fn put_u32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_be_bytes());
}

fn put_string(buf: &mut Vec<u8>, s: &[u8]) {
    // Every string sent is a few words or the interpreter's command line.
    put_u32(buf, u32::try_from(s.len()).unwrap_or(u32::MAX));
    buf.extend_from_slice(s);
}

fn send_packet(stream: &mut UnixStream, body: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(body.len()).map_err(|_| std::io::Error::other("packet too large"))?;
    let mut packet = Vec::with_capacity(4 + body.len());
    put_u32(&mut packet, len);
    packet.extend_from_slice(body);
    stream.write_all(&packet)
}

fn read_packet(stream: &mut UnixStream) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    stream.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_PACKET {
        return Err(std::io::Error::other(format!("a packet of {len} bytes")));
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body)?;
    Ok(body)
}

/// The big-endian word at `at` of a packet, if it has one there.
fn word(p: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = p.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

/// The string (length-prefixed) at `at` of a packet, printable characters only.
fn string_at(p: &[u8], at: usize) -> Option<String> {
    let len = word(p, at)? as usize;
    let start = at.checked_add(4)?;
    let bytes = p.get(start..start.checked_add(len)?)?;
    let text: String = String::from_utf8_lossy(bytes)
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    Some(text)
}

/// Passes `fd` over the socket: one byte of data with an `SCM_RIGHTS` message, as
/// OpenSSH's `mm_send_fd` does (the master reads each descriptor that way).
fn send_fd(stream: &UnixStream, fd: RawFd) -> std::io::Result<()> {
    let fd_size = std::mem::size_of::<RawFd>() as u32;
    // SAFETY: CMSG_SPACE and CMSG_LEN only compute sizes.
    let (space, len) = unsafe { (libc::CMSG_SPACE(fd_size), libc::CMSG_LEN(fd_size)) };
    // u64 words: the control buffer must be aligned for a cmsghdr.
    let mut control = vec![0u64; (space as usize).div_ceil(8)];
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    // SAFETY: a zeroed msghdr is a valid empty one; the fields set below point into
    // buffers that live until sendmsg returns.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = space as _;
    // SAFETY: the control buffer holds CMSG_SPACE(sizeof fd) bytes, so the first header
    // and its data fit; CMSG_DATA may be unaligned for an int, hence write_unaligned.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        if cmsg.is_null() {
            return Err(std::io::Error::other("no room for a control message"));
        }
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = len as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>(), fd);
    }
    loop {
        // SAFETY: msg and everything it points to are valid for the call.
        let n = unsafe { libc::sendmsg(stream.as_raw_fd(), &msg, libc::MSG_NOSIGNAL) };
        match n {
            1 => return Ok(()),
            n if n < 0 => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
            _ => return Err(std::io::Error::other("short write passing a descriptor")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_are_read_by_their_words() {
        let mut p = Vec::new();
        put_u32(&mut p, MUX_S_FAILURE);
        put_u32(&mut p, REQUEST_ID);
        put_string(&mut p, b"session open refused\n by peer");
        assert_eq!(word(&p, 0), Some(MUX_S_FAILURE));
        assert_eq!(word(&p, 4), Some(REQUEST_ID));
        assert_eq!(
            string_at(&p, 8).as_deref(),
            Some("session open refused by peer")
        );
        // Short or lying packets read as nothing, never past their end.
        assert_eq!(word(&p[..6], 4), None);
        let mut lying = Vec::new();
        put_u32(&mut lying, 1000);
        assert_eq!(string_at(&lying, 0), None);
        assert_eq!(word(&p, usize::MAX - 2), None);
    }

    /// No socket, or a socket nobody listens on (a master that was killed): nothing
    /// runs, and the caller starts ssh.
    #[test]
    fn without_a_master_nothing_runs() {
        let dir = tempfile::tempdir().expect("tmp");
        let deadline = Instant::now() + Duration::from_secs(5);
        let missing = dir.path().join("none");
        assert!(matches!(
            run(&missing, "sh -s", "", deadline, 10),
            Outcome::NoMaster
        ));
        let stale = dir.path().join("stale");
        drop(std::os::unix::net::UnixListener::bind(&stale).expect("bind"));
        assert!(stale.exists());
        assert!(matches!(
            run(&stale, "sh -s", "", deadline, 10),
            Outcome::NoMaster
        ));
    }
}
