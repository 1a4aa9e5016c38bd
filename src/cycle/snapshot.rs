//! Snapshots before a host is patched, and reverting to them. Providers run on the
//! controller: `command` (the site's own create / revert / cleanup commands) and
//! `qemu-img` (an internal snapshot of the host's qcow2 image). lvm, btrfs and zfs are
//! not built yet; a policy naming them is refused before anything runs.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::exec::protocol::shell_quote as sh_quote;
use crate::inventory::Host;
use crate::inventory::policy::{Policy, SnapshotProvider};

/// A snapshot taken: enough to revert to it or remove it later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Stored as its policy spelling (`"command"`, `"qemu-img"`) in the snapshot's JSON.
    pub provider: SnapshotProvider,
    pub name: String,
    /// The image (qemu-img); None for commands.
    pub disk: Option<String>,
}

/// Whether the policy's provider can run; the error names what to do instead.
pub fn check_supported(policy: &Policy) -> Result<(), String> {
    match policy.snapshot {
        SnapshotProvider::None | SnapshotProvider::Command | SnapshotProvider::QemuImg => Ok(()),
        other => Err(format!("snapshot provider {other} is not built yet")),
    }
}

/// The snapshot name of a host in a deployment.
pub fn name(deployment: i64, host: &str) -> String {
    format!("patchcycle-{deployment}-{host}")
}

fn disk_of(policy: &Policy, host: &Host) -> Result<String, String> {
    let t = policy
        .qemu_img_disk
        .as_deref()
        .ok_or("qemu_img_disk is not set")?;
    // Host names follow the inventory grammar (no '/', no '..' component).
    Ok(t.replace("{host}", &host.name))
}

/// Replaces placeholders by shell-quoted values.
fn template(cmd: &str, host: &Host, deployment: i64, snap: &str) -> String {
    cmd.replace("{host}", &sh_quote(&host.name))
        .replace("{address}", &sh_quote(&host.address))
        .replace("{deployment}", &sh_quote(&deployment.to_string()))
        .replace("{name}", &sh_quote(snap))
}

/// Runs a program with a time limit; the error carries the last stderr line.
fn run(mut cmd: Command, timeout: Duration, what: &str) -> Result<(), String> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let deadline = crate::exec::deadline(timeout).map_err(|e| format!("{what}: {e}"))?;
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    let mut err = child.stderr.take();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.take(64 * 1024).read_to_end(&mut buf);
        }
        String::from_utf8_lossy(&buf).into_owned()
    });
    let status = crate::exec::wait_or_kill(&mut child, deadline);
    let stderr = reader.join().unwrap_or_default();
    match status {
        None => Err(format!("{what}: timed out after {timeout:?}")),
        Some(s) if s.success() => Ok(()),
        Some(s) => {
            let last = crate::exec::protocol::last_line_clipped(&stderr);
            Err(format!("{what} failed ({s}): {last}"))
        }
    }
}

/// `qemu-img snapshot <op> NAME -- DISK`.
fn qemu_img(op: &str, name: &str, disk: &str, timeout: Duration) -> Result<(), String> {
    let mut c = Command::new("qemu-img");
    c.args(["snapshot", op, name, "--"]).arg(disk);
    run(c, timeout, &format!("qemu-img snapshot {op}"))
}

fn shell(cmd: &str, host: &Host, deployment: i64, snap: &str) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(template(cmd, host, deployment, snap))
        .env("PATCHCYCLE_HOST", &host.name)
        .env("PATCHCYCLE_ADDRESS", &host.address)
        .env("PATCHCYCLE_DEPLOYMENT", deployment.to_string())
        .env("PATCHCYCLE_SNAPSHOT", snap);
    c
}

/// Takes the snapshot of a host; None when the policy has no provider.
pub fn create(
    policy: &Policy,
    host: &Host,
    deployment: i64,
    timeout: Duration,
) -> Result<Option<Snapshot>, String> {
    let snap = name(deployment, &host.name);
    match policy.snapshot {
        SnapshotProvider::None => Ok(None),
        SnapshotProvider::Command => {
            let c = policy
                .snapshot_command
                .as_ref()
                .ok_or("snapshot_command is not set")?;
            run(
                shell(&c.create, host, deployment, &snap),
                timeout,
                "snapshot create command",
            )?;
            Ok(Some(Snapshot {
                provider: SnapshotProvider::Command,
                name: snap,
                disk: None,
            }))
        }
        SnapshotProvider::QemuImg => {
            let disk = disk_of(policy, host)?;
            qemu_img("-c", &snap, &disk, timeout)?;
            Ok(Some(Snapshot {
                provider: SnapshotProvider::QemuImg,
                name: snap,
                disk: Some(disk),
            }))
        }
        _ => Err(check_supported(policy).err().unwrap_or_default()),
    }
}

/// Reverts a host to its snapshot.
pub fn revert(
    policy: &Policy,
    host: &Host,
    deployment: i64,
    snap: &Snapshot,
    timeout: Duration,
) -> Result<(), String> {
    match snap.provider {
        SnapshotProvider::Command => {
            let c = policy
                .snapshot_command
                .as_ref()
                .ok_or("the group's policy no longer has snapshot_command")?;
            run(
                shell(&c.revert, host, deployment, &snap.name),
                timeout,
                "snapshot revert command",
            )
        }
        SnapshotProvider::QemuImg => {
            let disk = snap.disk.as_deref().ok_or("snapshot without its image")?;
            qemu_img("-a", &snap.name, disk, timeout)
        }
        other => Err(format!("unknown snapshot provider {:?}", other.as_str())),
    }
}

/// Removes a snapshot that is no longer needed (the cycle is closed).
pub fn cleanup(
    policy: &Policy,
    host: &Host,
    deployment: i64,
    snap: &Snapshot,
    timeout: Duration,
) -> Result<(), String> {
    match snap.provider {
        SnapshotProvider::Command => match policy
            .snapshot_command
            .as_ref()
            .and_then(|c| c.cleanup.as_ref())
        {
            Some(cmd) => run(
                shell(cmd, host, deployment, &snap.name),
                timeout,
                "snapshot cleanup command",
            ),
            None => Ok(()),
        },
        SnapshotProvider::QemuImg => {
            let disk = snap.disk.as_deref().ok_or("snapshot without its image")?;
            qemu_img("-d", &snap.name, disk, timeout)
        }
        other => Err(format!("unknown snapshot provider {:?}", other.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A snapshot is stored as JSON in `deployment_hosts.snapshot`: the typed provider
    /// writes the same bytes the text did, and rows written before read back.
    #[test]
    fn stored_snapshot_json_is_unchanged() {
        let s = Snapshot {
            provider: SnapshotProvider::QemuImg,
            name: "patchcycle-3-web1".into(),
            disk: Some("/srv/vm/web1.qcow2".into()),
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"provider":"qemu-img","name":"patchcycle-3-web1","disk":"/srv/vm/web1.qcow2"}"#
        );
        let old = r#"{"provider":"command","name":"patchcycle-1-db1","disk":null}"#;
        let back: Snapshot = serde_json::from_str(old).unwrap();
        assert_eq!(back.provider, SnapshotProvider::Command);
        assert!(
            serde_json::from_str::<Snapshot>(r#"{"provider":"floppy","name":"x","disk":null}"#)
                .is_err()
        );
    }
}
