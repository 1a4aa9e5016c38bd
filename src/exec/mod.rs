//! Running the collector on a host: over the system OpenSSH, or locally. The script goes
//! to `sh -s` on stdin, so no user data is ever quoted into a command line; output is
//! bounded in size and the run in time.

pub mod pool;
pub mod protocol;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::{HostKeyChecking, SshConfig};

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
        .args(["-o", "ControlMaster=auto", "-o", "ControlPersist=60"])
        .arg("-o")
        .arg(format!("ControlPath={}/%C", control_dir.display()))
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

/// A private directory for ControlMaster sockets (short path: sockets are limited to
/// about 100 bytes).
pub fn control_dir() -> Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = match std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && p.is_dir())
    {
        Some(run) => run.join("patchcycle"),
        // SAFETY: getuid has no preconditions and cannot fail.
        None => PathBuf::from(format!("/tmp/patchcycle-{}", unsafe { libc::getuid() })),
    };
    if !dir.is_dir() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    // A directory someone else owns or can write to would let them hijack connections.
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(&dir)?;
    // SAFETY: getuid has no preconditions.
    if meta.uid() != unsafe { libc::getuid() } || meta.mode() & 0o077 != 0 {
        anyhow::bail!("{} is not a private directory of this user", dir.display());
    }
    Ok(dir)
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

fn run(
    ssh: &SshConfig,
    control_dir: &Path,
    target: &Target,
    script: &str,
    timeout: Duration,
    detach: bool,
    interpreter: Interpreter,
) -> Result<RunOutput, RunError> {
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
    let deadline = deadline(timeout)?;
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
    let mut out = child.stdout.take();
    let reader = std::thread::spawn(move || -> (Vec<u8>, bool, Option<Duration>) {
        let mut buf = Vec::new();
        let Some(o) = out.as_mut() else {
            return (buf, false, None);
        };
        let mut limited = o.take(MAX_OUTPUT as u64 + 1);
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
        let too_large = buf.len() > MAX_OUTPUT;
        // Drain the rest so the child does not block on a full pipe before we kill it.
        if too_large {
            let _ = std::io::copy(o, &mut std::io::sink());
        }
        (buf, too_large, first)
    });
    let mut err = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.take(64 * 1024).read_to_end(&mut buf);
            let _ = std::io::copy(e, &mut std::io::sink());
        }
        String::from_utf8_lossy(&buf).into_owned()
    });
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
