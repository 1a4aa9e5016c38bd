//! The runner of a policy's notify commands (`notify` after an approval and before a test
//! or deploy, `notify_new` after a scan that found something new): `sh -c` on the
//! controller, the details in `PATCHCYCLE_*` environment variables and a file of lines,
//! never spliced into the command text.

use std::io::Write;

use anyhow::Result;

/// Runs `command` with `env` set and `lines` written to a temporary file whose path is
/// in the variable `list_var`; stdin is closed. Returns why the command failed (its exit
/// status and the start of its stderr, or why it could not start), for the caller to
/// report: a failing notify command never stops what it reports on.
pub fn run(
    command: &str,
    env: &[(&str, &str)],
    list_var: &str,
    lines: &[String],
) -> Result<Option<String>> {
    let mut list = tempfile::NamedTempFile::new()?;
    for line in lines {
        writeln!(list, "{line}")?;
    }
    list.flush()?;
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .envs(env.iter().copied())
        .env(list_var, list.path())
        .stdin(std::process::Stdio::null())
        .output();
    Ok(match out {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(format!(
            "{}: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
                .trim()
                .chars()
                .take(200)
                .collect::<String>()
        )),
        Err(e) => Some(e.to_string()),
    })
}
