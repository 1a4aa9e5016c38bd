//! Container images built at test time (no registry, no docker daemon): layer tars
//! written entry by entry (hostile names included), packed as `docker save` writes them
//! or as an OCI image layout (directory or tar), from real files of the lab's
//! debootstrapped root.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use patchcycle::digest::sha256_hex;
use serde_json::json;

/// The lab's debootstrapped root (read only), or None with the reason printed; under CI
/// its absence fails the test (CI builds it before the tests run).
pub fn lab_base() -> Option<PathBuf> {
    let base = PathBuf::from(
        std::env::var("PATCHCYCLE_LAB_DIR").unwrap_or_else(|_| "/var/lib/patchcycle-lab".into()),
    )
    .join("base");
    if base.join("var/lib/dpkg/status").is_file() && base.join("usr/lib/os-release").is_file() {
        return Some(base);
    }
    let reason = format!(
        "the lab base {} is not built (tests/lab/lab.sh up builds it)",
        base.display()
    );
    assert!(!super::lab::in_ci(), "{reason}");
    eprintln!("skipped: {reason}");
    None
}

/// One entry of a layer tar. Names and link targets are written as given, byte for
/// byte (the tar crate's path checks would refuse the hostile ones).
pub enum E {
    Dir(String),
    File(String, Vec<u8>),
    Symlink(String, String),
    HardLink(String, String),
    Fifo(String),
}

pub fn dir(p: &str) -> E {
    E::Dir(p.into())
}
pub fn file(p: &str, data: impl Into<Vec<u8>>) -> E {
    E::File(p.into(), data.into())
}
pub fn symlink(p: &str, target: &str) -> E {
    E::Symlink(p.into(), target.into())
}

fn header(name: &str, kind: tar::EntryType, size: u64, link: Option<&str>) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    let n = name.as_bytes();
    assert!(n.len() < 100, "test names fit the old header");
    h.as_old_mut().name[..n.len()].copy_from_slice(n);
    if let Some(l) = link {
        let l = l.as_bytes();
        h.as_old_mut().linkname[..l.len()].copy_from_slice(l);
    }
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(if kind == tar::EntryType::Directory {
        0o755
    } else {
        0o644
    });
    h.set_mtime(0);
    h.set_cksum();
    h
}

/// A layer tar (uncompressed).
pub fn layer(entries: &[E]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let (h, data): (tar::Header, &[u8]) = match e {
            E::Dir(p) => (header(p, tar::EntryType::Directory, 0, None), &[]),
            E::File(p, d) => (header(p, tar::EntryType::Regular, d.len() as u64, None), d),
            E::Symlink(p, t) => (header(p, tar::EntryType::Symlink, 0, Some(t)), &[]),
            E::HardLink(p, t) => (header(p, tar::EntryType::Link, 0, Some(t)), &[]),
            E::Fifo(p) => (header(p, tar::EntryType::Fifo, 0, None), &[]),
        };
        b.append(&h, data).unwrap();
    }
    b.into_inner().unwrap()
}

/// How an OCI layout's layer blobs are compressed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Comp {
    Plain,
    Gzip,
    /// By the system `zstd`.
    Zstd,
    /// By the system `xz`.
    Xz,
}

impl Comp {
    fn media(self) -> &'static str {
        match self {
            Comp::Plain => "application/vnd.oci.image.layer.v1.tar",
            Comp::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
            Comp::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
            Comp::Xz => "application/vnd.oci.image.layer.v1.tar+xz",
        }
    }

    pub fn apply(self, bytes: &[u8]) -> Vec<u8> {
        let tool = match self {
            Comp::Plain => return bytes.to_vec(),
            Comp::Gzip => return gzip(bytes),
            Comp::Zstd => "zstd",
            Comp::Xz => "xz",
        };
        let mut child = std::process::Command::new(tool)
            .args(["-c", "-q"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        let mut stdin = child.stdin.take().unwrap();
        let input = bytes.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert!(out.status.success(), "{tool} failed");
        out.stdout
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    g.write_all(bytes).unwrap();
    g.finish().unwrap()
}

/// The image config: its rootfs names each layer's uncompressed sha256.
pub fn config(layers: &[Vec<u8>], arch: &str) -> Vec<u8> {
    let diff_ids: Vec<String> = layers
        .iter()
        .map(|l| format!("sha256:{}", sha256_hex(l)))
        .collect();
    serde_json::to_vec(&json!({
        "architecture": arch,
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }))
    .unwrap()
}

/// A tar of (name, bytes) files.
pub fn tar_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    b.into_inner().unwrap()
}

/// `docker save` as docker before 25 writes it: `<id>/layer.tar`, `<config hex>.json`,
/// manifest.json with RepoTags.
pub fn docker_archive(layers: &[Vec<u8>], tag: Option<&str>) -> Vec<u8> {
    let cfg = config(layers, "amd64");
    let cfg_name = format!("{}.json", sha256_hex(&cfg));
    let mut files = vec![(cfg_name.clone(), cfg)];
    let mut names = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        let name = format!("{}/layer.tar", sha256_hex(format!("layer{i}").as_bytes()));
        files.push((name.clone(), l.clone()));
        names.push(name);
    }
    let tags: Vec<&str> = tag.into_iter().collect();
    files.push((
        "manifest.json".into(),
        serde_json::to_vec(&json!([{"Config": cfg_name, "RepoTags": tags, "Layers": names}]))
            .unwrap(),
    ));
    tar_of(&files)
}

/// `docker save` as docker 25+ writes it: an OCI layout (uncompressed layers) with
/// manifest.json naming its blobs.
pub fn docker25_archive(layers: &[Vec<u8>], tag: &str) -> Vec<u8> {
    let mut oci = Oci::single(layers, Comp::Plain, Some(tag.rsplit(':').next().unwrap()));
    let cfg_hex = oci.image_id.trim_start_matches("sha256:").to_string();
    let names: Vec<String> = layers
        .iter()
        .map(|l| format!("blobs/sha256/{}", sha256_hex(l)))
        .collect();
    oci.files.push((
        "manifest.json".into(),
        serde_json::to_vec(&json!([{"Config": format!("blobs/sha256/{cfg_hex}"), "RepoTags": [tag], "Layers": names}]))
            .unwrap(),
    ));
    oci.tar()
}

/// Blobs of an OCI layout: name `blobs/sha256/<hex>` → bytes.
pub struct Oci {
    pub files: Vec<(String, Vec<u8>)>,
    /// The config's digest (`sha256:…`), which is the image ID.
    pub image_id: String,
}

impl Oci {
    fn blob(&mut self, bytes: Vec<u8>) -> (String, usize) {
        let hex = sha256_hex(&bytes);
        let len = bytes.len();
        if !self.files.iter().any(|(n, _)| n.ends_with(&hex)) {
            self.files.push((format!("blobs/sha256/{hex}"), bytes));
        }
        (format!("sha256:{hex}"), len)
    }

    /// A manifest for `layers` (gzip-compressed when `gz`), its descriptor's digest and size.
    fn manifest(&mut self, layers: &[Vec<u8>], comp: Comp, arch: &str) -> (String, usize) {
        let (cfg_digest, cfg_size) = self.blob(config(layers, arch));
        self.image_id = cfg_digest.clone();
        let descs: Vec<serde_json::Value> = layers
            .iter()
            .map(|l| {
                let (d, s) = self.blob(comp.apply(l));
                json!({"mediaType": comp.media(), "digest": d, "size": s})
            })
            .collect();
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg_digest, "size": cfg_size},
            "layers": descs,
        });
        self.blob(serde_json::to_vec(&manifest).unwrap())
    }

    /// One image; `ref_name` as skopeo writes it (`org.opencontainers.image.ref.name`).
    pub fn single(layers: &[Vec<u8>], comp: Comp, ref_name: Option<&str>) -> Oci {
        let mut o = Oci {
            files: Vec::new(),
            image_id: String::new(),
        };
        let (d, s) = o.manifest(layers, comp, "amd64");
        let mut desc = json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "size": s});
        if let Some(r) = ref_name {
            desc["annotations"] = json!({"org.opencontainers.image.ref.name": r});
        }
        o.finish(vec![desc]);
        o
    }

    /// One manifest per architecture, all of the same layers, and a build attestation.
    pub fn multi(layers: &[Vec<u8>], arches: &[&str]) -> Oci {
        let mut o = Oci {
            files: Vec::new(),
            image_id: String::new(),
        };
        let mut descs = Vec::new();
        for a in arches {
            let (d, s) = o.manifest(layers, Comp::Gzip, a);
            descs.push(json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "size": s,
                              "platform": {"os": "linux", "architecture": a}}));
        }
        let (d, s) = o.blob(b"{\"schemaVersion\":2,\"layers\":[]}".to_vec());
        descs.push(json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "size": s,
                          "platform": {"os": "unknown", "architecture": "unknown"}}));
        o.finish(descs);
        o
    }

    fn finish(&mut self, manifests: Vec<serde_json::Value>) {
        self.files.push((
            "oci-layout".into(),
            br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
        ));
        self.files.push((
            "index.json".into(),
            serde_json::to_vec(&json!({"schemaVersion": 2, "manifests": manifests})).unwrap(),
        ));
    }

    pub fn write_dir(&self, dir: &Path) {
        for (name, data) in &self.files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, data).unwrap();
        }
    }

    pub fn tar(&self) -> Vec<u8> {
        tar_of(&self.files)
    }
}

/// Reads a file of the lab base.
pub fn base_file(base: &Path, p: &str) -> Vec<u8> {
    std::fs::read(base.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The status file without `package`'s stanza: what `apt-get purge` leaves.
pub fn status_without(status: &str, package: &str) -> String {
    let head = format!("Package: {package}\n");
    let kept: Vec<&str> = status
        .split("\n\n")
        .filter(|s| !s.trim().is_empty() && !s.starts_with(&head))
        .collect();
    kept.join("\n\n") + "\n"
}

/// `dpkg-query --admindir=DIR -W`: package → version, the oracle.
pub fn dpkg_query(admindir: &Path) -> std::collections::BTreeMap<String, String> {
    let out = std::process::Command::new("dpkg-query")
        .arg(format!("--admindir={}", admindir.display()))
        .args(["-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n"])
        .output()
        .expect("dpkg-query");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.split('\t').nth(2).is_some_and(|s| s.starts_with("ii")))
        .map(|l| {
            let mut f = l.split('\t');
            (f.next().unwrap().to_string(), f.next().unwrap().to_string())
        })
        .collect()
}
