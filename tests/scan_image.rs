//! `scan --image`: container images built here from the lab's debootstrapped root (its
//! real dpkg status and os-release), as `docker save` and as OCI layouts (directory and
//! tar, gzip layers), unpacked with whiteouts honoured and scanned by the real
//! collector; `dpkg-query --admindir` on the unpacked root is the oracle. Hostile
//! archives are refused with one line, nothing written outside the temporary root, and
//! the root removed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::cli::{Env, render};
use common::image::{
    Comp, E, Oci, base_file, dir, docker_archive, docker25_archive, dpkg_query, file, layer,
    status_without, symlink,
};
use insta::assert_snapshot;
use patchcycle::image::{Bounds, Image};

/// The package the upper layer removes (as `apt-get purge` in a Dockerfile RUN would).
const REMOVED: &str = "openssh-server";

/// Layer 1: the base's os-release (reached through an absolute link, as a hostile or
/// careless image may have it), dpkg status, the removed package's dpkg info and config
/// file, and a directory the upper layer makes opaque.
fn lower(base: &Path) -> Vec<u8> {
    layer(&[
        dir("etc"),
        symlink("etc/os-release", "/usr/lib/os-release"),
        dir("etc/ssh"),
        file(
            "etc/ssh/sshd_config",
            base_file(base, "etc/ssh/sshd_config"),
        ),
        dir("etc/opaque"),
        file("etc/opaque/lower-only", "from layer 1\n"),
        dir("etc/opaque/sub"),
        file("etc/opaque/sub/deep", "from layer 1\n"),
        dir("etc/gone"),
        file("etc/gone/file", "from layer 1\n"),
        dir("usr"),
        dir("usr/lib"),
        file("usr/lib/os-release", base_file(base, "usr/lib/os-release")),
        dir("usr/sbin"),
        file(
            "usr/sbin/sshd",
            "not extracted: the collector does not read it\n",
        ),
        dir("var"),
        dir("var/lib"),
        dir("var/lib/dpkg"),
        file(
            "var/lib/dpkg/status",
            base_file(base, "var/lib/dpkg/status"),
        ),
        dir("var/lib/dpkg/info"),
        file(
            &format!("var/lib/dpkg/info/{REMOVED}.list"),
            base_file(base, &format!("var/lib/dpkg/info/{REMOVED}.list")),
        ),
        file(
            &format!("var/lib/dpkg/info/{REMOVED}.md5sums"),
            base_file(base, &format!("var/lib/dpkg/info/{REMOVED}.md5sums")),
        ),
        E::Fifo("etc/initctl".into()),
    ])
}

/// Layer 2: the package purged (its files whited out, the status rewritten without it),
/// and `etc/opaque` made opaque — its new file listed before the marker, which must not
/// hide what its own layer holds.
fn upper(base: &Path) -> Vec<u8> {
    let status = String::from_utf8(base_file(base, "var/lib/dpkg/status")).unwrap();
    layer(&[
        dir("etc/ssh"),
        file("etc/ssh/.wh.sshd_config", ""),
        file("etc/.wh.gone", ""),
        dir("etc/opaque"),
        file("etc/opaque/upper", "from layer 2\n"),
        file("etc/opaque/.wh..wh..opq", ""),
        file("usr/sbin/.wh.sshd", ""),
        file("var/lib/dpkg/status", status_without(&status, REMOVED)),
        file(&format!("var/lib/dpkg/info/.wh.{REMOVED}.list"), ""),
        file(&format!("var/lib/dpkg/info/.wh.{REMOVED}.md5sums"), ""),
    ])
}

/// The installed rows of a host's latest scan: name → version.
fn stored(env: &Env, host: &str) -> BTreeMap<String, String> {
    let db = env.sqlite();
    let mut stmt = db
        .prepare(
            "SELECT i.name, i.version FROM installed i JOIN scans s ON s.id = i.scan_id \
             JOIN hosts h ON h.id = s.host_id WHERE h.name = ?1",
        )
        .unwrap();
    stmt.query_map([host], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Unpacks `path` with the library into `dir` and returns the root (for the oracle).
fn unpacked(path: &Path, dir: &Path) -> PathBuf {
    let image = Image::open(path, None).unwrap();
    image.unpack(dir, &Bounds::default()).unwrap().0
}

/// The scratch directory `scan --image` unpacks into: empty after every run.
fn scratch_left(env: &Env) -> Vec<String> {
    let d = PathBuf::from(format!("{}.feeds/.tmp", env.db().display()));
    match std::fs::read_dir(&d) {
        Ok(r) => r
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn write(env: &Env, name: &str, bytes: &[u8]) -> String {
    let p = env.home().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// A docker-archive of two layers: the upper one purges a package and makes a directory
/// opaque. The scan lists what dpkg-query lists of the unpacked root, without the
/// purged package; whiteouts and the opaque directory are applied as layer.md says.
#[test]
fn docker_archive_with_a_purged_package() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let archive = write(
        &env,
        "img.tar",
        &docker_archive(&[lower(&base), upper(&base)], Some("lab/base:purged")),
    );
    assert_snapshot!(
        "docker_archive_purged",
        env.snap(&["scan", "--image", &archive])
    );
    assert!(scratch_left(&env).is_empty(), "{:?}", scratch_left(&env));

    let work = tempfile::tempdir().unwrap();
    let root = unpacked(Path::new(&archive), work.path());
    let oracle = dpkg_query(&root.join("var/lib/dpkg"));
    let in_base = dpkg_query(&base.join("var/lib/dpkg"));
    assert!(in_base.contains_key(REMOVED));
    assert!(!oracle.contains_key(REMOVED));
    assert_eq!(oracle.len(), in_base.len() - 1);
    assert_eq!(stored(&env, "lab_base_purged"), oracle);

    // Whiteouts delete from the layers below; the opaque directory keeps only its own
    // layer's file, whatever the order in the tar.
    assert!(!root.join("etc/ssh/sshd_config").exists());
    assert!(!root.join("etc/gone").exists());
    assert!(root.join("etc/ssh").is_dir());
    assert!(
        !root
            .join(format!("var/lib/dpkg/info/{REMOVED}.list"))
            .exists()
    );
    let mut opaque: Vec<String> = std::fs::read_dir(root.join("etc/opaque"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    opaque.sort();
    assert_eq!(opaque, ["upper"]);
    // Private modes, whatever the layer said.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &str| {
        std::fs::metadata(root.join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    };
    assert_eq!(mode("var/lib/dpkg/status"), 0o600);
    assert_eq!(mode("var/lib/dpkg"), 0o700);
    // Only what the collector reads is unpacked; no FIFO.
    assert!(!root.join("usr/sbin").exists());
    assert!(!root.join("etc/initctl").exists());
    // The absolute link resolves inside the root: the image's os-release, not ours.
    assert_eq!(
        std::fs::read_link(root.join("etc/os-release")).unwrap(),
        Path::new("../usr/lib/os-release")
    );
    assert_eq!(
        std::fs::read(root.join("etc/os-release")).unwrap(),
        base_file(&base, "usr/lib/os-release")
    );

    assert_snapshot!(
        "image_host_show",
        env.snap(&["host", "show", "lab_base_purged"])
    );
    assert_snapshot!("image_host_list", env.snap(&["host", "list"]));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "show", "lab_base_purged"]))
            .unwrap();
    assert_eq!(json["kind"], "image");
    let config_hex = patchcycle::digest::sha256_hex(&common::image::config(
        &[lower(&base), upper(&base)],
        "amd64",
    ));
    assert_eq!(json["image_digest"], format!("sha256:{config_hex}"));
}

/// The same image as an OCI layout directory and as an OCI tar, with gzip layers: the
/// same packages, the same digest (the config's: the image ID), and a rescan under the
/// same name updates that host instead of adding one.
#[test]
fn oci_layout_directory_and_tar() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let layers = [lower(&base), upper(&base)];
    let oci = Oci::single(&layers, Comp::Gzip, Some("bookworm-purged"));
    let dir = env.home().join("oci");
    oci.write_dir(&dir);
    let tar = write(&env, "oci.tar", &oci.tar());
    assert_snapshot!(
        "oci_dir",
        env.snap(&["scan", "--image", dir.to_str().unwrap()])
    );
    let from_dir = stored(&env, "bookworm-purged");
    assert_snapshot!("oci_tar_same_name", env.snap(&["scan", "--image", &tar]));
    assert_eq!(stored(&env, "bookworm-purged"), from_dir);
    let work = tempfile::tempdir().unwrap();
    let root = unpacked(Path::new(&tar), work.path());
    assert_eq!(from_dir, dpkg_query(&root.join("var/lib/dpkg")));
    assert!(!from_dir.contains_key(REMOVED));
    let hosts: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "list"])).unwrap();
    assert_eq!(hosts.as_array().unwrap().len(), 1, "{hosts}");
    assert_eq!(hosts[0]["image_digest"], oci.image_id);
    assert!(scratch_left(&env).is_empty());
}

/// An index of several platforms: refused naming them, unless --platform picks one
/// (a build attestation is not an image).
#[test]
fn a_multi_platform_index_needs_a_platform() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let oci = Oci::multi(&[lower(&base)], &["amd64", "arm64"]);
    let tar = write(&env, "multi.tar", &oci.tar());
    assert_snapshot!(
        "multi_platform_refused",
        env.snap(&["scan", "--image", &tar, "--host", "multi"])
    );
    assert_snapshot!(
        "multi_platform_unknown",
        env.snap(&[
            "scan",
            "--image",
            &tar,
            "--host",
            "multi",
            "--platform",
            "linux/s390x"
        ])
    );
    let out = env.run(&[
        "-q",
        "scan",
        "--image",
        &tar,
        "--host",
        "multi",
        "--platform",
        "linux/arm64",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert_eq!(
        stored(&env, "multi").len(),
        dpkg_query(&base.join("var/lib/dpkg")).len()
    );
}

/// A distroless-style image: no status file, one stanza per package in
/// /var/lib/dpkg/status.d/. The oracle is dpkg-query on a status file made of the same
/// stanzas.
#[test]
fn distroless_status_d() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let status = String::from_utf8(base_file(&base, "var/lib/dpkg/status")).unwrap();
    let mut entries = vec![
        dir("etc"),
        file("etc/os-release", base_file(&base, "usr/lib/os-release")),
        dir("var/lib/dpkg/status.d"),
    ];
    let mut stanzas = Vec::new();
    for s in status.split("\n\n").filter(|s| s.starts_with("Package: ")) {
        // Distroless keeps installed packages only.
        if !s.contains("\nStatus: install ok installed") {
            continue;
        }
        let name = s.lines().next().unwrap().trim_start_matches("Package: ");
        entries.push(file(
            &format!("var/lib/dpkg/status.d/{name}"),
            format!("{s}\n"),
        ));
        stanzas.push(format!("{s}\n"));
    }
    assert!(stanzas.len() > 50);
    let archive = write(
        &env,
        "distroless.tar",
        &docker_archive(&[layer(&entries)], Some("distroless/base:nonroot")),
    );
    assert_snapshot!("distroless", env.snap(&["scan", "--image", &archive]));
    let admin = tempfile::tempdir().unwrap();
    std::fs::write(admin.path().join("status"), stanzas.join("\n")).unwrap();
    assert_eq!(
        stored(&env, "distroless_base_nonroot"),
        dpkg_query(admin.path())
    );
}

/// Hostile archives: each is refused with one line (exit 2), nothing is stored, nothing
/// is written outside the temporary root, and the root is removed.
#[test]
fn hostile_archives_are_refused() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let outside = env.home().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let os_release = file("etc/os-release", base_file(&base, "usr/lib/os-release"));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "dotdot",
            docker_archive(
                &[layer(&[
                    dir("etc"),
                    file("etc/../../../outside/pwned", "x"),
                ])],
                Some("evil:dotdot"),
            ),
        ),
        (
            "absolute",
            docker_archive(
                &[layer(&[file(&format!("{}/pwned", outside.display()), "x")])],
                Some("evil:absolute"),
            ),
        ),
        (
            "symlink_then_write",
            docker_archive(
                &[
                    layer(&[dir("etc"), symlink("etc/apt", outside.to_str().unwrap())]),
                    layer(&[os_release, file("etc/apt/pwned", "x")]),
                ],
                Some("evil:symlink"),
            ),
        ),
        (
            "symlink_same_layer",
            docker_archive(
                &[layer(&[
                    dir("etc"),
                    symlink("etc/apt", "../../../../../../.."),
                    file("etc/apt/pwned", "x"),
                ])],
                Some("evil:same-layer"),
            ),
        ),
        (
            "hardlink_out",
            docker_archive(
                &[layer(&[
                    dir("etc"),
                    E::HardLink("etc/shadow".into(), "/etc/shadow".into()),
                ])],
                Some("evil:hardlink"),
            ),
        ),
    ];
    for (name, bytes) in cases {
        let path = write(&env, &format!("{name}.tar"), &bytes);
        assert_snapshot!(
            format!("hostile_{name}"),
            env.snap(&["scan", "--image", &path])
        );
        assert!(
            scratch_left(&env).is_empty(),
            "{name}: {:?}",
            scratch_left(&env)
        );
        assert_eq!(
            std::fs::read_dir(&outside).unwrap().count(),
            0,
            "{name} wrote outside"
        );
    }

    // A layer blob that does not match its digest (one byte changed after the
    // manifest was written), in an OCI layout and in a docker-archive (diff_id).
    let good = layer(&[
        dir("etc"),
        file("etc/os-release", base_file(&base, "usr/lib/os-release")),
    ]);
    let mut oci = Oci::single(std::slice::from_ref(&good), Comp::Gzip, Some("tampered"));
    let blob = oci
        .files
        .iter_mut()
        .find(|(_, d)| d.starts_with(&[0x1f, 0x8b]))
        .unwrap();
    let last = blob.1.len() - 10;
    blob.1[last] ^= 0xff;
    let tampered = write(&env, "tampered.tar", &oci.tar());
    assert_snapshot!(
        "hostile_digest_oci",
        env.snap(&["scan", "--image", &tampered])
    );
    let mut docker = docker_archive(std::slice::from_ref(&good), Some("tampered:docker"));
    // The layer's first file's contents, inside the outer tar: ID= becomes XD=.
    let at = docker
        .windows(3)
        .position(|w| w == b"ID=")
        .expect("os-release in the archive");
    docker[at] = b'X';
    let tampered = write(&env, "tampered-docker.tar", &docker);
    assert_snapshot!(
        "hostile_digest_docker",
        env.snap(&["scan", "--image", &tampered])
    );

    // A bomb over the bound on unpacked bytes (1 MiB here): 2 MiB of zeros, gzip.
    env.file(
        ".config/patchcycle/config.toml",
        &format!(
            "{}\n",
            std::fs::read_to_string(env.config())
                .unwrap()
                .replace("max_unpacked_mib = 2048", "max_unpacked_mib = 1")
        ),
    );
    let bomb = layer(&[dir("etc"), file("etc/bomb", vec![0u8; 2 * 1024 * 1024])]);
    let oci = Oci::single(&[bomb], Comp::Gzip, Some("bomb"));
    let path = write(&env, "bomb.tar", &oci.tar());
    assert!(std::fs::metadata(&path).unwrap().len() < 64 * 1024);
    assert_snapshot!("hostile_bomb", env.snap(&["scan", "--image", &path]));
    assert!(scratch_left(&env).is_empty());

    let hosts: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "list"])).unwrap();
    assert_eq!(hosts, serde_json::json!([]));
}

/// An image is not a machine: test and deploy refuse a group holding one, `scan` of it
/// by name is refused, `scan --all` passes over it, and an image scan may not take a
/// machine's name.
#[test]
fn images_are_not_patched_or_reached() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let archive = write(
        &env,
        "img.tar",
        &docker_archive(&[lower(&base)], Some("web:1")),
    );
    env.ok(&["-q", "scan", "--image", &archive]);
    env.ok(&["group", "add", "pilot", "--order", "1"]);
    env.ok(&["host", "set", "web_1", "--group", "pilot"]);
    assert_snapshot!("refused_test", env.snap(&["test", "--group", "pilot"]));
    assert_snapshot!(
        "refused_deploy",
        env.snap(&["deploy", "--group", "pilot", "--dry-run"])
    );
    assert_snapshot!("refused_named_scan", env.snap(&["scan", "web_1"]));
    assert_snapshot!("all_passes_over_images", env.snap(&["scan", "--all"]));
    // An image the collector cannot read (no os-release, no package database) is a
    // failed scan of that image, as for a machine: recorded, exit 4.
    let bare = write(
        &env,
        "bare.tar",
        &docker_archive(
            &[layer(&[dir("bin"), file("bin/sh", "x")])],
            Some("busybox:1"),
        ),
    );
    assert_snapshot!("bare_image_fails", env.snap(&["scan", "--image", &bare]));
    let unnamed = write(&env, "unnamed.tar", &docker_archive(&[lower(&base)], None));
    assert_snapshot!("unnamed", env.snap(&["scan", "--image", &unnamed]));
    env.ok(&["host", "add", "db1"]);
    assert_snapshot!(
        "refused_machine_name",
        env.snap(&["scan", "--image", &archive, "--host", "db1"])
    );
}

/// An image of the lab base as the system `tar` writes it (its /etc, dpkg database and
/// apt lists, links and all) is scanned as `scan --local --root` scans the base itself:
/// the same packages, the same pending (security) updates from its apt lists.
#[test]
fn an_image_scans_as_its_root_does() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let layer = env.home().join("layer.tar");
    let out = std::process::Command::new("tar")
        .arg("-C")
        .arg(&base)
        .arg("-cf")
        .arg(&layer)
        .args([
            "etc",
            "usr/lib/os-release",
            "var/lib/dpkg",
            "var/lib/apt/lists",
        ])
        .output()
        .expect("tar");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let archive = write(
        &env,
        "base.tar",
        &docker_archive(&[std::fs::read(&layer).unwrap()], Some("lab:base")),
    );
    let scan = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["--format", "json", "scan"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0].clone()
    };
    let image = scan(&["--image", &archive]);
    let root = scan(&[
        "--local",
        "--root",
        base.to_str().unwrap(),
        "--host",
        "root",
    ]);
    for key in [
        "ecosystem",
        "packages",
        "pending",
        "pending_security",
        "warnings",
    ] {
        assert_eq!(image[key], root[key], "{key}: {image} vs {root}");
    }
    assert!(image["pending"].as_u64().unwrap() > 0, "{image}");
    assert_eq!(stored(&env, "lab_base"), stored(&env, "root"));
    assert!(scratch_left(&env).is_empty());
}

/// SIGINT while an image is unpacked (or collected): the process ends with 130 and one
/// line, and the temporary root is gone; nothing is stored.
#[test]
fn an_interrupted_image_scan_leaves_no_root() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let layer = env.home().join("layer.tar");
    let out = std::process::Command::new("tar")
        .arg("-C")
        .arg(&base)
        .arg("-cf")
        .arg(&layer)
        .args([
            "etc",
            "usr/lib/os-release",
            "var/lib/dpkg",
            "var/lib/apt/lists",
        ])
        .output()
        .expect("tar");
    assert!(out.status.success());
    let archive = write(
        &env,
        "base.tar",
        &docker_archive(&[std::fs::read(&layer).unwrap()], Some("lab:base")),
    );
    let child = env
        .cmd(&["scan", "--image", &archive])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Bounded: the root appears within a minute, or the test fails.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !scratch_left(&env).iter().any(|n| n.starts_with("image-")) {
        assert!(
            std::time::Instant::now() < deadline,
            "no image root appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SAFETY: a signal to the child this test started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", render(&env, &out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: interrupted; scan stopped and the unpacked image was removed, nothing was stored\n"
    );
    assert!(scratch_left(&env).is_empty(), "{:?}", scratch_left(&env));
    assert_eq!(env.ok(&["--format", "json", "host", "list"]).trim(), "[]");
}

/// The same image as docker 25+ saves it (an OCI layout inside, manifest.json naming its
/// blobs) and as an OCI layout with zstd layers (by the system zstd) scans as the legacy
/// docker-archive does, with the same image ID; xz layers are refused by name.
#[test]
fn docker25_layout_and_layer_compressions() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let layers = [lower(&base), upper(&base)];
    let legacy = write(
        &env,
        "legacy.tar",
        &docker_archive(&layers, Some("lab:legacy")),
    );
    env.ok(&["-q", "scan", "--image", &legacy]);
    let expected = stored(&env, "lab_legacy");
    assert_eq!(
        expected.len(),
        dpkg_query(&base.join("var/lib/dpkg")).len() - 1
    );
    let digest = |host: &str| -> serde_json::Value {
        let v: serde_json::Value =
            serde_json::from_str(&env.ok(&["--format", "json", "host", "show", host])).unwrap();
        v["image_digest"].clone()
    };

    let d25 = write(&env, "d25.tar", &docker25_archive(&layers, "lab:d25"));
    assert_snapshot!(
        "docker_archive_other_platform",
        env.snap(&["scan", "--image", &d25, "--platform", "linux/arm64"])
    );
    env.ok(&["-q", "scan", "--image", &d25, "--platform", "linux/amd64"]);
    assert_eq!(stored(&env, "lab_d25"), expected);
    assert_eq!(digest("lab_d25"), digest("lab_legacy"));

    let have_zstd = std::process::Command::new("zstd")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if have_zstd {
        let oci = Oci::single(&layers, Comp::Zstd, Some("zstd"));
        let path = write(&env, "zstd.tar", &oci.tar());
        env.ok(&["-q", "scan", "--image", &path]);
        assert_eq!(stored(&env, "zstd"), expected);
        assert_eq!(digest("zstd"), digest("lab_legacy"));
    } else {
        assert!(!common::lab::in_ci(), "zstd is not installed");
        eprintln!("skipped the zstd part: zstd is not installed");
    }
    let have_xz = std::process::Command::new("xz")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if have_xz {
        let oci = Oci::single(&layers, Comp::Xz, Some("xz"));
        let path = write(&env, "xz.tar", &oci.tar());
        assert_snapshot!("xz_refused", env.snap(&["scan", "--image", &path]));
    }
    assert!(scratch_left(&env).is_empty());
}

/// `docker save` of an image with a layer twice writes the second `layer.tar` as a
/// symlink to the first, inside the archive: followed there, and the layer applied twice.
#[test]
fn a_duplicate_layer_linked_inside_the_archive() {
    let Some(base) = common::image::lab_base() else {
        return;
    };
    let env = Env::init();
    let l = lower(&base);
    let cfg = common::image::config(&[l.clone(), l.clone()], "amd64");
    let cfg_name = format!("{}.json", patchcycle::digest::sha256_hex(&cfg));
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, data).unwrap();
    };
    add(&cfg_name, &cfg);
    add("a/layer.tar", &l);
    add(
        "manifest.json",
        serde_json::to_string(
            &serde_json::json!([{"Config": cfg_name, "RepoTags": ["dup:1"],
            "Layers": ["a/layer.tar", "b/layer.tar"]}]),
        )
        .unwrap()
        .as_bytes(),
    );
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "b/layer.tar", "../a/layer.tar")
        .unwrap();
    let path = write(&env, "dup.tar", &b.into_inner().unwrap());
    let out = env.run(&["-q", "scan", "--image", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert_eq!(
        stored(&env, "dup_1"),
        dpkg_query(&base.join("var/lib/dpkg"))
    );
}

/// The bounds on entries, bytes read (kept or not) and name length, each refused by
/// name; the library leaves what it unpacked to its caller's temporary root.
#[test]
fn bounds_on_entries_read_bytes_and_names() {
    let work = tempfile::tempdir().unwrap();
    let unpack = |name: &str, l: Vec<u8>, bounds: Bounds| -> String {
        let dir = work.path().join(name);
        Oci::single(&[l], Comp::Gzip, Some(name)).write_dir(&dir);
        let tree = work.path().join(format!("{name}-tree"));
        std::fs::create_dir(&tree).unwrap();
        let image = Image::open(&dir, None).unwrap();
        format!("{:#}", image.unpack(&tree, &bounds).unwrap_err())
    };
    let many: Vec<E> = (0..50).map(|i| file(&format!("etc/f{i}"), "x")).collect();
    assert_eq!(
        unpack(
            "entries",
            layer(&many),
            Bounds {
                entries: 10,
                ..Bounds::default()
            }
        ),
        "layer 1 goes over the bound on tar entries (image.max_entries: 10 in all layers)"
    );
    // Not unpacked (not read by the collector), but read: bounded all the same.
    let big = layer(&[file("usr/share/big", vec![7u8; 256 * 1024])]);
    assert_eq!(
        unpack(
            "read",
            big,
            Bounds {
                read_bytes: 64 * 1024,
                ..Bounds::default()
            }
        ),
        "layer 1 goes over the bound on layer bytes read (image.max_read_mib: 65536 bytes in all layers)"
    );
    let long = format!("etc/{}", "d/".repeat(2100));
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(1);
    h.set_mode(0o644);
    b.append_data(&mut h, format!("{long}f"), &b"x"[..])
        .unwrap();
    assert_eq!(
        unpack("long", b.into_inner().unwrap(), Bounds::default()),
        "layer 1: an entry's name is longer than 4096 bytes"
    );
}

/// An RPM image: a root whose rpm database `rpm --root` wrote (two noarch packages built
/// by rpmbuild here), and an upper layer holding the database after `rpm -e` of one of
/// them (as a Dockerfile RUN leaves it). The scan lists what `rpm -qa` lists of the
/// unpacked root: not the erased package.
#[test]
fn rpm_image_with_an_erased_package() {
    for tool in ["rpm", "rpmbuild"] {
        let found = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            assert!(
                !common::lab::in_ci(),
                "{tool} is missing: run tests/install-deps.sh"
            );
            eprintln!("skipped: {tool} is not installed");
            return;
        }
    }
    let env = Env::init();
    let work = env.home().join("rpm");
    let run = |cmd: &mut std::process::Command| {
        let out = cmd.env("HOME", env.home()).output().unwrap();
        assert!(
            out.status.success(),
            "{cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut rpms = Vec::new();
    for name in ["keepme", "eraseme"] {
        let spec = work.join(format!("{name}.spec"));
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(
            &spec,
            format!(
                "Name: {name}\nVersion: 1.0\nRelease: 1.el9\nSummary: t\nLicense: MIT\nBuildArch: noarch\n%description\nt\n%files\n"
            ),
        )
        .unwrap();
        run(std::process::Command::new("rpmbuild")
            .args(["-bb", "--quiet", "--define"])
            .arg(format!("_topdir {}", work.join("build").display()))
            .arg(&spec));
        rpms.push(work.join(format!("build/RPMS/noarch/{name}-1.0-1.el9.noarch.rpm")));
    }
    let root = work.join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/rpm")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "NAME=\"AlmaLinux\"\nID=\"almalinux\"\nVERSION_ID=\"9.4\"\nPRETTY_NAME=\"AlmaLinux 9.4\"\n",
    )
    .unwrap();
    let rpm = |args: &[&str]| {
        let mut c = std::process::Command::new("rpm");
        c.arg("--root")
            .arg(&root)
            .args(["--dbpath", "/var/lib/rpm"])
            .args(args);
        c
    };
    run(&mut rpm(&["--initdb"]));
    let mut install = rpm(&["-i", "--nodeps"]);
    install.args(&rpms);
    run(&mut install);
    let tar_of = |dir: &Path, paths: &[&str]| -> Vec<u8> {
        let out = std::process::Command::new("tar")
            .arg("-C")
            .arg(dir)
            .arg("-cf")
            .arg("-")
            .args(paths)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let lower = tar_of(&root, &["etc", "var"]);
    let before: Vec<String> = std::fs::read_dir(root.join("var/lib/rpm"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    run(&mut rpm(&["-e", "--nodeps", "eraseme"]));
    // The upper layer: the rewritten database, and whiteouts for its files rpm removed.
    let upper_tmp = tempfile::tempdir().unwrap();
    let upper_dir = upper_tmp.path().join("upper");
    std::fs::create_dir_all(upper_dir.join("var/lib")).unwrap();
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(root.join("var/lib/rpm"))
        .arg(upper_dir.join("var/lib/"))
        .status()
        .unwrap();
    assert!(copied.success());
    for f in before {
        if !root.join("var/lib/rpm").join(&f).exists() {
            std::fs::write(upper_dir.join(format!("var/lib/rpm/.wh.{f}")), "").unwrap();
        }
    }
    let upper = tar_of(&upper_dir, &["var"]);
    let archive = write(
        &env,
        "alma.tar",
        &docker_archive(&[lower, upper], Some("alma:erased")),
    );
    let out = env.run(&["--format", "json", "scan", "--image", &archive]);
    let shown = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary[0]["ecosystem"], "AlmaLinux:9", "{shown}");

    let unpack = tempfile::tempdir().unwrap();
    let unpacked_root = unpacked(Path::new(&archive), unpack.path());
    let oracle: BTreeMap<String, String> = run(std::process::Command::new("rpm")
        .arg("--root")
        .arg(&unpacked_root)
        .args([
            "--dbpath",
            "/var/lib/rpm",
            "-qa",
            "--qf",
            "%{NAME}\t%{VERSION}-%{RELEASE}\n",
        ]))
    .lines()
    .filter_map(|l| l.split_once('\t'))
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    assert_eq!(
        oracle.keys().collect::<Vec<_>>(),
        ["keepme"],
        "rpm -qa of the unpacked root"
    );
    let found = stored(&env, "alma_erased");
    assert_eq!(found.keys().collect::<Vec<_>>(), ["keepme"], "{shown}");
    assert!(found["keepme"].ends_with("1.0-1.el9"), "{found:?}");
}
