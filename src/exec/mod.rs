//! Running the collector on a host: over the system OpenSSH, or locally. The script goes
//! to `sh -s` on stdin, so no user data is ever quoted into a command line; output is
//! bounded in size and the run in time.

mod mux;
pub mod pool;
pub mod protocol;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::{HostKeyChecking, Persist, SshConfig};

/// Most output read from one host: as much as `scan --import` reads from a file.
pub const MAX_OUTPUT: usize = crate::input::MAX_COLLECTOR_OUTPUT;

/// Where to run.
#[derive(Debug, Clone)]
pub enum Target {
    Ssh {
        /// Address or ~/.ssh/config alias (validated by the inventory grammar).
        address: String,
        user: Option<String>,
        port: Option<u16>,
    },
    Local,
}

/// What a run produced.
#[derive(Debug)]
pub struct RunOutput {
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub status: Option<i32>,
    /// From the start to the first byte on stdout: over ssh, the time to connect,
    /// authenticate and start the shell (the collector writes its header first). None
    /// when nothing came.
    pub first_output: Option<Duration>,
    /// From the start to the end of the run.
    pub elapsed: Duration,
}

/// `-vv`: every command run on a host is printed on stderr first (see [`trace_commands`]).
static TRACE_COMMANDS: AtomicBool = AtomicBool::new(false);

/// Prints every ssh (or local `sh`) command line on stderr before it runs, shell-quoted
/// so that it can be pasted; set once by the command line for `-vv`. Process-wide
/// because every path that reaches a host (scan, deploy, health checks, rollback,
/// closing a ControlMaster) must show it, not only those that remember to.
pub fn trace_commands(on: bool) {
    TRACE_COMMANDS.store(on, Ordering::Relaxed);
}

/// `-vv` for a session opened through a master ([`mux`]): what ran, and where.
fn trace_mux(socket: &Path, command: &str) {
    if TRACE_COMMANDS.load(Ordering::Relaxed) {
        eprintln!(
            "+ # through the ControlMaster at {}: {command}  # the script on stdin",
            socket.display()
        );
    }
}

fn trace(cmd: &Command, note: &str) {
    if TRACE_COMMANDS.load(Ordering::Relaxed) {
        eprintln!("+ {}{note}", command_line(cmd));
    }
}

/// A command as one would type it: each word shell-quoted where it needs to be.
pub fn command_line(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|w| shell_word(&w.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `s` as is when the shell reads it as one literal word, else [`shell_quote`]d.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b));
    if plain { s.to_string() } else { shell_quote(s) }
}

/// How a run failed before producing usable output.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("{0}")]
    Ssh(String),
    #[error("output larger than {MAX_OUTPUT} bytes")]
    TooLarge,
    #[error("cannot start {0}: {1}")]
    Spawn(String, std::io::Error),
    #[error("a time limit of {} is beyond what this system's clock can count to", crate::inventory::policy::format_duration(*.0))]
    TimeLimit(Duration),
    /// sshd dropped the connection before authentication every time it was tried (see
    /// [`refused_before_authentication`]).
    #[error("{0}")]
    Refused(String),
    /// A script for another system than this one, asked to run here.
    #[error("a PowerShell script is run on a Windows host over ssh, never on this machine")]
    NotHere,
}

/// One shell word for `s`: single-quoted, with each `'` written as `'\''`. Safe for any
/// string without NUL (which no shell word can carry).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// What reads the script on the host's stdin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interpreter {
    /// `sh -s`: every POSIX host.
    Sh,
    /// A Windows host's PowerShell, reached through its OpenSSH server: the remote
    /// command is fixed words, whatever the account's default shell (cmd.exe or
    /// PowerShell) makes of them.
    PowerShell(&'static [&'static str]),
}

impl Interpreter {
    fn words(self) -> &'static [&'static str] {
        match self {
            Interpreter::Sh => &["sh", "-s"],
            Interpreter::PowerShell(words) => words,
        }
    }
}

/// The ssh command line for a target; the destination comes after `--`, so nothing in
/// it can be read as an option (it is validated as well).
pub fn ssh_command(
    cfg: &SshConfig,
    control_dir: &Path,
    target: &Target,
    interpreter: Interpreter,
) -> Command {
    let mut cmd = ssh_base(cfg, control_dir, target, &[]);
    cmd.args(interpreter.words());
    cmd
}

/// Asks the ControlMaster of a target to exit (after a reboot its socket is stale).
/// Errors are ignored: there may be no master at all.
pub fn close_master(cfg: &SshConfig, control_dir: &Path, target: &Target) {
    if let Target::Ssh { .. } = target {
        let mut cmd = ssh_base(cfg, control_dir, target, &["-O", "exit"]);
        trace(&cmd, "");
        let _ = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn ssh_base(cfg: &SshConfig, control_dir: &Path, target: &Target, extra: &[&str]) -> Command {
    let mut cmd = Command::new(&cfg.program);
    if let Some(f) = &cfg.config_file {
        cmd.arg("-F").arg(f);
    }
    cmd.args(["-T", "-o", "BatchMode=yes"])
        .arg("-o")
        .arg(format!("ConnectTimeout={}", cfg.connect_timeout))
        .arg("-o")
        .arg(match cfg.strict_host_key_checking {
            HostKeyChecking::Yes => "StrictHostKeyChecking=yes",
            HostKeyChecking::AcceptNew => "StrictHostKeyChecking=accept-new",
        })
        .args(["-o", "ControlMaster=auto", "-o"])
        .arg(match cfg.persist {
            Persist::For(d) => format!("ControlPersist={}", d.as_secs()),
            // The master is the first client itself and goes with it.
            Persist::Off => "ControlPersist=no".to_string(),
        })
        .arg("-o")
        .arg(format!(
            "ControlPath={}",
            control_socket(cfg, control_dir, target).display()
        ))
        .args(extra);
    if let Target::Ssh {
        address,
        user,
        port,
    } = target
    {
        if let Some(p) = port {
            cmd.arg("-p").arg(p.to_string());
        }
        if let Some(u) = user {
            cmd.arg("-l").arg(u);
        }
        cmd.arg("--").arg(address);
    }
    cmd
}

/// The ControlMaster socket of a target: named by a digest of what reaches it (the ssh
/// configuration file, the address, the user and the port as the inventory gives them),
/// not by OpenSSH's `%C`, which hashes what ssh resolves from its configuration. Named
/// here, patchcycle knows the socket without asking ssh, and opens sessions through a
/// master itself ([`mux`]); 40 hex digits, as long as `%C`, so that the path fits a
/// socket's. Two aliases of one host get a master each (`%C` would share one).
pub fn control_socket(cfg: &SshConfig, control_dir: &Path, target: &Target) -> PathBuf {
    let key = match target {
        Target::Ssh {
            address,
            user,
            port,
        } => format!(
            "{}\0{address}\0{}\0{}",
            cfg.config_file
                .as_deref()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default(),
            user.as_deref().unwrap_or(""),
            port.map(|p| p.to_string()).unwrap_or_default()
        ),
        Target::Local => String::new(),
    };
    let digest = crate::digest::sha256_hex(key.as_bytes());
    control_dir.join(&digest[..40])
}

/// A private directory for ControlMaster sockets (short path: sockets are limited to
/// about 100 bytes): `$XDG_RUNTIME_DIR/patchcycle`, else `/tmp/patchcycle-UID`. The same
/// for every run of this user, so a run reuses the masters the last one left
/// (`[ssh] persist`).
pub fn control_dir() -> Result<PathBuf> {
    let dir = match std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && p.is_dir())
    {
        Some(run) => run.join("patchcycle"),
        // SAFETY: getuid has no preconditions and cannot fail.
        None => PathBuf::from(format!("/tmp/patchcycle-{}", unsafe { libc::getuid() })),
    };
    private_dir(&dir)?;
    Ok(dir)
}

/// Makes `dir` (mode 0700) when it is missing, and refuses it unless it is a directory
/// (not a symlink to one) that this user owns and nobody else can enter: anyone who can
/// write there could plant a socket that this user's ssh would talk through, or read
/// the sockets of live connections.
fn private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    if std::fs::symlink_metadata(dir).is_err() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    let meta =
        std::fs::symlink_metadata(dir).with_context(|| format!("reading {}", dir.display()))?;
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    if !meta.file_type().is_dir() || meta.uid() != uid || meta.mode() & 0o077 != 0 {
        let what = if meta.file_type().is_symlink() {
            "a symlink".to_string()
        } else if !meta.file_type().is_dir() {
            "not a directory".to_string()
        } else {
            format!(
                "owner uid {}, mode {:04o}",
                meta.uid(),
                meta.mode() & 0o7777
            )
        };
        return Err(crate::error::Failure::runtime(format!(
            "{} is not a private directory of this user ({what}; wanted: a directory owned by uid {uid}, mode 0700)",
            dir.display()
        ))
        .hint("it holds only ssh connection sockets: remove it and run again, or set XDG_RUNTIME_DIR to a private directory")
        .into());
    }
    Ok(())
}

/// A ControlMaster socket of the control directory and what its master says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Master {
    pub socket: PathBuf,
    /// The master's process, from `ssh -O check`; None when no master answers (a socket
    /// left by one that was killed).
    pub pid: Option<u32>,
    /// Since the socket was made, i.e. since the master authenticated the host.
    pub age: Duration,
}

/// The most sockets looked at in one sweep (`doctor`, the age check before a scan): one
/// per host, so far more than any fleet this tool is meant for, and a bound on a
/// directory someone filled.
pub const MAX_MASTERS: usize = 100_000;

/// How long one `ssh -O` request may take: it is a local socket round trip.
const MASTER_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// The sockets in `dir` with their age, oldest first (at most [`MAX_MASTERS`]). Their
/// masters are not asked anything.
pub fn master_sockets(dir: &Path) -> Vec<(PathBuf, Duration)> {
    use std::os::unix::fs::FileTypeExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let now = std::time::SystemTime::now();
    let mut found: Vec<(PathBuf, Duration)> = entries
        .flatten()
        .take(MAX_MASTERS)
        .filter_map(|e| {
            let meta = e.path().symlink_metadata().ok()?;
            meta.file_type().is_socket().then(|| {
                let made = meta.modified().unwrap_or(now);
                (e.path(), now.duration_since(made).unwrap_or_default())
            })
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.1));
    found
}

/// `ssh -O request` to the master on `socket`, whatever host it serves (the destination
/// word is not used when ControlPath names the socket); its stderr when it answered.
fn master_request(cfg: &SshConfig, socket: &Path, request: &str) -> Option<String> {
    let mut cmd = Command::new(&cfg.program);
    if let Some(f) = &cfg.config_file {
        cmd.arg("-F").arg(f);
    }
    cmd.args(["-o", "BatchMode=yes", "-S"])
        .arg(socket)
        .args(["-O", request, "--", "patchcycle-master"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    trace(&cmd, "");
    let deadline = Instant::now() + MASTER_REQUEST_TIMEOUT;
    let mut child = cmd.spawn().ok()?;
    let mut err = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut buf = String::new();
        if let Some(e) = err.as_mut() {
            let _ = e.take(4096).read_to_string(&mut buf);
        }
        buf
    });
    let status = wait_or_kill(&mut child, deadline);
    let text = reader.join().unwrap_or_default();
    status.filter(|s| s.success()).map(|_| text)
}

/// The masters of the control directory, oldest first, each asked whether it runs
/// (`ssh -O check`, each bounded in time); at most `limit` of them are asked, so that a
/// directory with a fleet's worth of sockets is listed in bounded time.
pub fn live_masters(cfg: &SshConfig, dir: &Path, limit: usize) -> Vec<Master> {
    master_sockets(dir)
        .into_iter()
        .take(limit)
        .map(|(socket, age)| {
            let pid = master_request(cfg, &socket, "check").and_then(|t| master_pid(&t));
            Master { socket, pid, age }
        })
        .collect()
}

/// The pid in what `ssh -O check` prints: `Master running (pid=1234)`.
fn master_pid(check: &str) -> Option<u32> {
    let rest = check.split("(pid=").nth(1)?;
    rest.split(')').next()?.trim().parse().ok()
}

/// Asks the master on `socket` to stop taking new sessions and to exit once the ones it
/// has end (`ssh -O stop`: a session another run has open on it is not cut).
fn stop_master_socket(cfg: &SshConfig, socket: &Path) {
    let _ = master_request(cfg, socket, "stop");
}

/// Stops every master of `dir` at least `max_age` old, before a run would reuse it: a
/// master authenticated its host once, when it was made, and OpenSSH sends every later
/// session through it without looking at the host key again. Bounding its age bounds
/// how long a changed host key can go unnoticed. Returns how many were stopped.
pub fn retire_old_masters(cfg: &SshConfig, dir: &Path, max_age: Duration) -> usize {
    let old: Vec<PathBuf> = master_sockets(dir)
        .into_iter()
        .filter(|(_, age)| *age >= max_age)
        .map(|(s, _)| s)
        .collect();
    for s in &old {
        stop_master_socket(cfg, s);
    }
    old.len()
}

/// The control directory, with its masters that are at least `[ssh] persist` old stopped
/// first ([`retire_old_masters`]; every one when persist is off): what every command that
/// reaches hosts uses, so that no run reuses a master authenticated longer ago than that.
pub fn reusable_control_dir(cfg: &SshConfig) -> Result<PathBuf> {
    let dir = control_dir()?;
    let max_age = match cfg.persist {
        Persist::For(d) => d,
        Persist::Off => Duration::ZERO,
    };
    retire_old_masters(cfg, &dir, max_age);
    Ok(dir)
}

/// Stops the master of `target`, if there is one, the graceful way (see
/// [`stop_master_socket`]): for `scan --no-persist` and `persist = "off"`.
pub fn stop_master(cfg: &SshConfig, control_dir: &Path, target: &Target) {
    if let Target::Ssh { .. } = target {
        let mut cmd = ssh_base(cfg, control_dir, target, &["-O", "stop"]);
        trace(&cmd, "");
        let deadline = Instant::now() + MASTER_REQUEST_TIMEOUT;
        if let Ok(mut child) = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            let _ = wait_or_kill(&mut child, deadline);
        }
    }
}

/// The instant `timeout` from now; an error, not a panic, when the clock cannot count
/// that far (a policy value from before its bounds were checked). Called before a child
/// is started, so nothing runs without a deadline.
pub fn deadline(timeout: Duration) -> Result<Instant, RunError> {
    Instant::now()
        .checked_add(timeout)
        .ok_or(RunError::TimeLimit(timeout))
}

/// Waits for a child up to `deadline`, then kills it; None when it was killed (or could
/// not be waited for).
pub fn wait_or_kill(
    child: &mut std::process::Child,
    deadline: Instant,
) -> Option<std::process::ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(s),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => return None,
        }
    }
}

/// Runs `script` on the target through `sh -s`, within `timeout`.
pub fn run_script(
    ssh: &SshConfig,
    control_dir: &Path,
    target: &Target,
    script: &str,
    timeout: Duration,
) -> Result<RunOutput, RunError> {
    run(
        ssh,
        control_dir,
        target,
        script,
        timeout,
        false,
        Interpreter::Sh,
    )
}

/// Runs `script` on a Windows host over ssh: sent on stdin to the PowerShell command
/// line `interpreter` gives, within `timeout`. The ssh options (host-key checking
/// included) are the ones every other run uses.
pub fn run_powershell(
    ssh: &SshConfig,
    control_dir: &Path,
    target: &Target,
    script: &str,
    timeout: Duration,
    command: &'static [&'static str],
) -> Result<RunOutput, RunError> {
    run(
        ssh,
        control_dir,
        target,
        script,
        timeout,
        false,
        Interpreter::PowerShell(command),
    )
}

/// Like [`run_script`], but the ssh client runs in a process group of its own, so a
/// Ctrl-C on the terminal does not cut a package installation short on the host: the
/// step finishes there, and `--resume` picks the host up.
pub fn run_script_detached(
    ssh: &SshConfig,
    control_dir: &Path,
    target: &Target,
    script: &str,
    timeout: Duration,
) -> Result<RunOutput, RunError> {
    run(
        ssh,
        control_dir,
        target,
        script,
        timeout,
        true,
        Interpreter::Sh,
    )
}

/// At most this many attempts for a connection sshd refused before authentication
/// (MaxStartups, a full accept queue): a fleet-wide scan opening more connections than a
/// bastion or a host accepts at once waits its turn instead of failing.
pub const REFUSED_ATTEMPTS: u32 = 6;

/// The first wait after a refusal; doubled at each attempt up to [`REFUSED_MAX_WAIT`],
/// each wait drawn between half and all of it so that refused clients do not come back
/// all at once.
const REFUSED_FIRST_WAIT: Duration = Duration::from_millis(200);
const REFUSED_MAX_WAIT: Duration = Duration::from_secs(3);

/// Whether ssh's stderr says the server dropped the connection before the key exchange:
/// what sshd does beyond `MaxStartups` (or when its listen queue is full). Nothing ran
/// on the host, so trying again is safe. An authentication failure, a host key mismatch
/// or a timeout says something else and is never taken for this.
pub fn refused_before_authentication(stderr: &str) -> bool {
    stderr.lines().map(str::trim).any(|l| {
        l.strip_prefix("kex_exchange_identification: ")
            .is_some_and(|why| {
                why == "Connection closed by remote host" || why == "read: Connection reset by peer"
            })
    })
}

/// A wait before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with
/// jitter from the OS random source (none when it cannot be read: the wait is then the
/// full step).
fn refused_wait(attempt: u32) -> Duration {
    let step = REFUSED_FIRST_WAIT
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(10))
        .min(REFUSED_MAX_WAIT);
    let mut b = [0u8; 2];
    let frac = match getrandom::fill(&mut b) {
        Ok(()) => f64::from(u16::from_le_bytes(b)) / f64::from(u16::MAX),
        Err(_) => 1.0,
    };
    step.mul_f64(0.5 + frac / 2.0)
}

fn run(
    ssh: &SshConfig,
    control_dir: &Path,
    target: &Target,
    script: &str,
    timeout: Duration,
    detach: bool,
    interpreter: Interpreter,
) -> Result<RunOutput, RunError> {
    let deadline = deadline(timeout)?;
    let started = Instant::now();
    let mut attempt = 1;
    loop {
        match run_once(
            ssh,
            control_dir,
            target,
            script,
            TimeLimit { timeout, deadline },
            detach,
            interpreter,
        ) {
            Err(RunError::Refused(why)) => {
                let wait = refused_wait(attempt);
                // Bounded in count and in time: the run's own time limit holds.
                if attempt >= REFUSED_ATTEMPTS || Instant::now() + wait >= deadline {
                    return Err(RunError::Refused(format!(
                        "{why} (refused {attempt} times in {})",
                        crate::output::seconds(started.elapsed())
                    )));
                }
                if TRACE_COMMANDS.load(Ordering::Relaxed) {
                    eprintln!("+ # refused before authentication ({why}); again in {wait:?}");
                }
                std::thread::sleep(wait);
                attempt += 1;
            }
            Ok(mut out) => {
                out.elapsed = started.elapsed();
                return Ok(out);
            }
            other => return other,
        }
    }
}

/// A run's time limit: as given (for the error that names it) and as the instant it ends
/// (shared by every attempt of the run).
#[derive(Debug, Clone, Copy)]
struct TimeLimit {
    timeout: Duration,
    deadline: Instant,
}

/// One attempt at a run: one ssh (or local `sh`) process.
fn run_once(
    ssh: &SshConfig,
    control_dir: &Path,
    target: &Target,
    script: &str,
    limit: TimeLimit,
    detach: bool,
    interpreter: Interpreter,
) -> Result<RunOutput, RunError> {
    let TimeLimit { timeout, deadline } = limit;
    // A warm master (`[ssh] persist`) takes the session without an ssh process. Not for
    // a detached run: its session must outlive this process, which an ssh client of
    // its own process group does.
    if let (Target::Ssh { .. }, false, Persist::For(_)) = (target, detach, ssh.persist) {
        let socket = control_socket(ssh, control_dir, target);
        let command = interpreter.words().join(" ");
        let started = Instant::now();
        match mux::run(&socket, &command, script, deadline, MAX_OUTPUT) {
            mux::Outcome::NoMaster => {}
            mux::Outcome::Refused(why) => {
                trace_mux(&socket, &command);
                return Err(RunError::Ssh(why));
            }
            mux::Outcome::Ran(session) => {
                trace_mux(&socket, &command);
                if session.timed_out {
                    return Err(RunError::Timeout(timeout));
                }
                if session.too_large {
                    return Err(RunError::TooLarge);
                }
                let Some(status) = session.status else {
                    return Err(RunError::Ssh(
                        protocol::last_line(&session.stderr)
                            .unwrap_or("the ControlMaster ended the session without an exit status (connection lost?)")
                            .to_string(),
                    ));
                };
                return Ok(RunOutput {
                    stdout: session.stdout,
                    stderr: session.stderr,
                    status: Some(status),
                    first_output: session.first_output,
                    elapsed: started.elapsed(),
                });
            }
        }
    }
    let mut cmd = match (target, interpreter) {
        (Target::Local, Interpreter::Sh) => {
            let mut c = Command::new("sh");
            c.arg("-s");
            c
        }
        (Target::Local, Interpreter::PowerShell(_)) => return Err(RunError::NotHere),
        (Target::Ssh { .. }, _) => ssh_command(ssh, control_dir, target, interpreter),
    };
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if detach {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    trace(&cmd, "  # the script on stdin");
    let program = format!("{:?}", cmd.get_program());
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| RunError::Spawn(program, e))?;
    let mut stdin = child.stdin.take();
    let script = script.to_string();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(script.as_bytes());
        }
        drop(stdin);
    });
    let out = child.stdout.take();
    let reader = std::thread::spawn(move || match out {
        Some(o) => read_output(o, started, MAX_OUTPUT),
        None => (Vec::new(), false, None),
    });
    let err = child.stderr.take();
    let err_reader = std::thread::spawn(move || err.map(read_stderr).unwrap_or_default());
    let status = wait_or_kill(&mut child, deadline);
    let _ = writer.join();
    let (stdout, too_large, first_output) = reader.join().unwrap_or_default();
    let elapsed = started.elapsed();
    let stderr = err_reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(RunError::Timeout(timeout));
    };
    if too_large {
        return Err(RunError::TooLarge);
    }
    // ssh exits 255 for its own errors (connection, authentication, host key).
    if matches!(target, Target::Ssh { .. }) && status.code() == Some(255) {
        if stdout.is_empty() && refused_before_authentication(&stderr) {
            return Err(RunError::Refused(
                protocol::last_line(&stderr)
                    .unwrap_or("connection refused before authentication")
                    .to_string(),
            ));
        }
        let msg = protocol::last_line_except(&stderr, |l| l.starts_with("@@@"))
            .unwrap_or("ssh exited 255 without a message (connection lost?)")
            .to_string();
        let msg = if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            "host key changed: REMOTE HOST IDENTIFICATION HAS CHANGED (possible man-in-the-middle); fix known_hosts after checking".to_string()
        } else {
            msg
        };
        return Err(RunError::Ssh(msg));
    }
    Ok(RunOutput {
        stdout,
        stderr,
        status: status.code(),
        first_output,
        elapsed,
    })
}

/// A run's stdout up to `max` bytes, whether there was more (read to its end all the
/// same, so that the writer never blocks on a full pipe), and when its first byte came
/// (counted from `started`).
fn read_output(
    mut r: impl Read,
    started: Instant,
    max: usize,
) -> (Vec<u8>, bool, Option<Duration>) {
    let mut buf = Vec::new();
    let mut limited = (&mut r).take(max as u64 + 1);
    let mut first = None;
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match limited.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                first.get_or_insert_with(|| started.elapsed());
                buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let too_large = buf.len() > max;
    if too_large {
        buf.truncate(max);
        let _ = std::io::copy(&mut r, &mut std::io::sink());
    }
    (buf, too_large, first)
}

/// A run's stderr: its first 64 KiB (the rest is read and dropped), as text.
fn read_stderr(mut r: impl Read) -> String {
    let mut buf = Vec::new();
    let _ = (&mut r).take(64 * 1024).read_to_end(&mut buf);
    let _ = std::io::copy(&mut r, &mut std::io::sink());
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The printed line is what a shell reads back as the same words, whatever they hold.
    #[test]
    fn a_command_line_reads_back_as_the_same_words() {
        let words = [
            "-o",
            "ControlPath=/tmp/patchcycle-1000/%C",
            "it's",
            "two words",
            "$HOME",
            "a;b",
            "",
            "*",
            "-p",
            "2222",
        ];
        let mut cmd = Command::new("printf");
        cmd.arg("%s\\n").args(words);
        let line = command_line(&cmd);
        assert!(
            line.starts_with("printf '%s\\n' -o ControlPath=/tmp/patchcycle-1000/%C 'it'\\''s'"),
            "{line}"
        );
        let out = Command::new("sh")
            .arg("-c")
            .arg(&line)
            .output()
            .expect("run sh");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert_eq!(text.lines().collect::<Vec<_>>(), words);
    }

    /// A time limit the clock cannot count to (a policy value from before the bounds)
    /// is an error before anything starts, not an overflow panic.
    #[test]
    fn a_time_limit_past_the_clock_is_an_error_not_a_panic() {
        let marker = std::env::temp_dir().join(format!("pc-deadline-{}", std::process::id()));
        let r = run_script(
            &SshConfig::default(),
            Path::new("/nonexistent"),
            &Target::Local,
            &format!("touch {}", shell_quote(&marker.display().to_string())),
            Duration::MAX,
        );
        let Err(e @ RunError::TimeLimit(_)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(
            e.to_string(),
            "a time limit of 213503982334601d7h15s is beyond what this system's clock can count to"
        );
        assert!(!marker.exists(), "nothing was run");
        assert!(deadline(Duration::from_secs(86_400)).is_ok());
    }

    /// A fake ssh: counts its runs in `dir/count`, and for the first `refusals` runs
    /// fails as ssh fails when sshd drops the connection before the key exchange (its
    /// stdin unread, exit 255); then prints `fail_text` on stderr and exits 255 when
    /// given, else runs the script.
    fn fake_ssh(dir: &Path, refusals: u32, refusal: &str, fail_text: Option<&str>) -> SshConfig {
        use std::os::unix::fs::PermissionsExt;
        let prog = dir.join("ssh");
        let count = dir.join("count");
        let after = match fail_text {
            Some(t) => format!("echo {} >&2; exit 255", shell_quote(t)),
            None => "exec sh -s".to_string(),
        };
        std::fs::write(
            &prog,
            format!(
                "#!/bin/sh\nn=$(cat {c} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {c}\n\
                 if [ $n -le {refusals} ]; then echo {r} >&2; exit 255; fi\n{after}\n",
                c = shell_quote(&count.display().to_string()),
                r = shell_quote(refusal),
            ),
        )
        .expect("write fake ssh");
        std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        SshConfig {
            program: prog.display().to_string(),
            ..SshConfig::default()
        }
    }

    fn runs(dir: &Path) -> u32 {
        std::fs::read_to_string(dir.join("count"))
            .expect("count")
            .trim()
            .parse()
            .expect("a number")
    }

    fn lab_target() -> Target {
        Target::Ssh {
            address: "h1".into(),
            user: None,
            port: None,
        }
    }

    /// sshd beyond MaxStartups: the refused connection is tried again after a wait, and
    /// the script runs once it is let in; both ways sshd refuses are recognised.
    #[test]
    fn a_connection_refused_before_authentication_is_tried_again() {
        for refusal in [
            "kex_exchange_identification: read: Connection reset by peer",
            "kex_exchange_identification: Connection closed by remote host",
        ] {
            let dir = tempfile::tempdir().expect("tmp");
            let ssh = fake_ssh(dir.path(), 2, refusal, None);
            let out = run_script(
                &ssh,
                dir.path(),
                &lab_target(),
                "echo ran",
                Duration::from_secs(20),
            )
            .expect("let in at the third attempt");
            assert_eq!(out.stdout, b"ran\n");
            assert_eq!(runs(dir.path()), 3, "{refusal}");
        }
    }

    /// Refused every time: bounded in count, then an error that says what sshd said and
    /// how often.
    #[test]
    fn refusals_are_tried_a_bounded_number_of_times() {
        let dir = tempfile::tempdir().expect("tmp");
        let refusal = "kex_exchange_identification: Connection closed by remote host";
        let ssh = fake_ssh(dir.path(), 1000, refusal, None);
        let started = Instant::now();
        let r = run_script(
            &ssh,
            dir.path(),
            &lab_target(),
            "echo ran",
            Duration::from_secs(60),
        );
        let Err(RunError::Refused(why)) = r else {
            panic!("{r:?}")
        };
        assert!(
            why.starts_with(&format!("{refusal} (refused {REFUSED_ATTEMPTS} times in ")),
            "{why}"
        );
        assert_eq!(runs(dir.path()), REFUSED_ATTEMPTS);
        // The waits: 0.2 + 0.4 + 0.8 + 1.6 + 3 s at most.
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{:?}",
            started.elapsed()
        );
    }

    /// ... and in time: the run's time limit holds whatever the count.
    #[test]
    fn refusals_stop_at_the_runs_time_limit() {
        let dir = tempfile::tempdir().expect("tmp");
        let ssh = fake_ssh(
            dir.path(),
            1000,
            "kex_exchange_identification: read: Connection reset by peer",
            None,
        );
        let started = Instant::now();
        let r = run_script(
            &ssh,
            dir.path(),
            &lab_target(),
            "echo ran",
            Duration::from_millis(700),
        );
        assert!(matches!(r, Err(RunError::Refused(_))), "{r:?}");
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "{:?}",
            started.elapsed()
        );
        assert!(runs(dir.path()) < REFUSED_ATTEMPTS);
    }

    /// A real refusal is final at once: authentication, host key, a closed port, a
    /// connection timeout.
    #[test]
    fn other_ssh_failures_are_not_tried_again() {
        for failure in [
            "root@127.0.0.1: Permission denied (publickey).",
            "Host key verification failed.",
            "ssh: connect to host 127.0.0.1 port 2299: Connection refused",
            "ssh: connect to host 10.0.0.1 port 22: Connection timed out",
            "Connection closed by 127.0.0.1 port 2201",
        ] {
            let dir = tempfile::tempdir().expect("tmp");
            let ssh = fake_ssh(dir.path(), 0, "", Some(failure));
            let r = run_script(
                &ssh,
                dir.path(),
                &lab_target(),
                "echo ran",
                Duration::from_secs(20),
            );
            let Err(RunError::Ssh(msg)) = r else {
                panic!("{failure}: {r:?}")
            };
            assert_eq!(msg, failure);
            assert_eq!(runs(dir.path()), 1, "{failure}");
        }
    }

    /// A PowerShell script goes to a Windows host over ssh with its command line after
    /// the destination; it never runs on this machine.
    #[test]
    fn a_powershell_script_goes_over_ssh_only() {
        let words: &'static [&'static str] = &["powershell", "-Command", "-"];
        let r = run_powershell(
            &SshConfig::default(),
            Path::new("/nonexistent"),
            &Target::Local,
            "Write-Output 1",
            Duration::from_secs(5),
            words,
        );
        assert!(matches!(r, Err(RunError::NotHere)), "{r:?}");
        let target = Target::Ssh {
            address: "w1".into(),
            user: None,
            port: None,
        };
        let cmd = ssh_command(
            &SshConfig::default(),
            Path::new("/run/pc"),
            &target,
            Interpreter::PowerShell(words),
        );
        let line = command_line(&cmd);
        assert!(line.ends_with(" -- w1 powershell -Command -"), "{line}");
        let cmd = ssh_command(
            &SshConfig::default(),
            Path::new("/run/pc"),
            &target,
            Interpreter::Sh,
        );
        assert!(command_line(&cmd).ends_with(" -- w1 sh -s"));
    }

    /// The time to the first byte is measured apart from the whole run.
    #[test]
    fn a_local_run_measures_first_output_and_elapsed() {
        let out = run_script(
            &SshConfig::default(),
            Path::new("/nonexistent"),
            &Target::Local,
            "echo first; sleep 0.3; echo second",
            Duration::from_secs(10),
        )
        .expect("run");
        assert_eq!(out.stdout, b"first\nsecond\n");
        let first = out.first_output.expect("output came");
        assert!(first < Duration::from_millis(250), "{first:?}");
        assert!(
            out.elapsed >= Duration::from_millis(300),
            "{:?}",
            out.elapsed
        );
    }
}
