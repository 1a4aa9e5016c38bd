//! The qemu-img snapshot provider on a real qcow2 image: data written after the
//! snapshot is gone after a revert (read back with qemu-io), and cleanup removes it.

use std::process::Command;

use patchcycle::cycle::snapshot;
use patchcycle::inventory::Host;
use patchcycle::inventory::policy::{Policy, SnapshotProvider};

fn qemu_io(disk: &std::path::Path, cmd: &str) -> bool {
    Command::new("qemu-io")
        .args(["-f", "qcow2", "-c", cmd])
        .arg(disk)
        .output()
        .map(|o| {
            o.status.success()
                && !String::from_utf8_lossy(&o.stdout).contains("Pattern verification failed")
        })
        .unwrap_or(false)
}

#[test]
fn qemu_img_snapshot_create_revert_cleanup() {
    if Command::new("qemu-img").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "qemu-img is required under CI"
        );
        eprintln!("skipped: no qemu-img");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("web1.qcow2");
    assert!(
        Command::new("qemu-img")
            .args(["create", "-q", "-f", "qcow2"])
            .arg(&disk)
            .arg("8M")
            .status()
            .unwrap()
            .success()
    );
    assert!(qemu_io(&disk, "write -P 0xaa 0 64k"));
    let policy = Policy {
        snapshot: SnapshotProvider::QemuImg,
        qemu_img_disk: Some(format!("{}/{{host}}.qcow2", dir.path().display())),
        ..Policy::default()
    };
    policy.validate().unwrap();
    let host = Host {
        name: "web1".into(),
        address: "192.0.2.1".into(),
        ..Host::default()
    };
    let t = std::time::Duration::from_secs(30);
    let snap = snapshot::create(&policy, &host, 7, t).unwrap().unwrap();
    assert_eq!(snap.name, "patchcycle-7-web1");
    assert!(qemu_io(&disk, "write -P 0xbb 0 64k"));
    assert!(qemu_io(&disk, "read -P 0xbb 0 64k"));
    snapshot::revert(&policy, &host, 7, &snap, t).unwrap();
    assert!(
        qemu_io(&disk, "read -P 0xaa 0 64k"),
        "revert did not restore the data"
    );
    snapshot::cleanup(&policy, &host, 7, &snap, t).unwrap();
    let list = Command::new("qemu-img")
        .args(["snapshot", "-l"])
        .arg(&disk)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&list.stdout).contains("patchcycle-7-web1"));
    // A missing snapshot is a clear error, not a silent success.
    let err = snapshot::revert(&policy, &host, 7, &snap, t).unwrap_err();
    assert!(err.contains("qemu-img snapshot -a failed"), "{err}");
}
