//! dpkg databases built at test time by the real tools: tiny packages made with
//! `dpkg-deb --build` and installed with `dpkg --root DIR` (maintainer scripts run
//! without chroot), so a test scans what dpkg itself wrote and compares with
//! `dpkg-query` as the oracle. Also a distroless-style root: one `status.d` file per
//! package, written by `dpkg-deb --field` as Google's distroless images are built.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One package to build.
#[derive(Debug, Clone)]
pub struct Deb {
    pub name: String,
    pub version: String,
    pub arch: String,
    /// `Source:` as written (`openssl` or `openssl (3.0.1-1)`).
    pub source: Option<String>,
    pub multi_arch_same: bool,
    /// Shell bodies of maintainer scripts, by name (`postinst`, `postrm`, …).
    pub scripts: Vec<(String, String)>,
    /// A `triggers` control file.
    pub triggers: Option<String>,
    /// Extra files (path under the root, content).
    pub files: Vec<(String, String)>,
}

impl Deb {
    pub fn new(name: &str, version: &str, arch: &str) -> Deb {
        Deb {
            name: name.into(),
            version: version.into(),
            arch: arch.into(),
            source: None,
            multi_arch_same: false,
            scripts: Vec::new(),
            triggers: None,
            files: Vec::new(),
        }
    }

    pub fn source(mut self, s: &str) -> Deb {
        self.source = Some(s.into());
        self
    }

    pub fn multi_arch_same(mut self) -> Deb {
        self.multi_arch_same = true;
        self
    }

    pub fn script(mut self, name: &str, body: &str) -> Deb {
        self.scripts.push((name.into(), body.into()));
        self
    }

    pub fn triggers(mut self, t: &str) -> Deb {
        self.triggers = Some(t.into());
        self
    }

    pub fn file(mut self, path: &str, content: &str) -> Deb {
        self.files.push((path.into(), content.into()));
        self
    }
}

/// Runs a command; panics with its output when it fails and `must` is set.
fn run(cmd: &mut Command, must: bool) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e} (are dpkg and dpkg-deb installed?)"));
    if must && !out.status.success() {
        panic!(
            "{cmd:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// A root filesystem with a dpkg database under `var/lib/dpkg`.
pub struct DpkgRoot {
    pub root: PathBuf,
    /// Where packages are built.
    work: PathBuf,
}

impl DpkgRoot {
    /// An empty root under `dir` with `os_release` as its `/etc/os-release`.
    pub fn new(dir: &Path, os_release: &str) -> DpkgRoot {
        let root = dir.join("root");
        let work = dir.join("debs");
        for d in [
            "etc",
            "var/lib/dpkg/updates",
            "var/lib/dpkg/info",
            "var/lib/dpkg/triggers",
        ] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(root.join("etc/os-release"), os_release).unwrap();
        std::fs::write(root.join("var/lib/dpkg/status"), "").unwrap();
        DpkgRoot { root, work }
    }

    pub fn admindir(&self) -> PathBuf {
        self.root.join("var/lib/dpkg")
    }

    pub fn root_str(&self) -> &str {
        self.root.to_str().unwrap()
    }

    /// Builds `deb` with `dpkg-deb --build` (`--nocheck` when dpkg-deb's own build
    /// checks, stricter than dpkg's parser, would refuse the name).
    pub fn build(&self, deb: &Deb) -> PathBuf {
        let dir = self
            .work
            .join(format!("{}_{}_{}", deb.name, deb.version, deb.arch));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("DEBIAN")).unwrap();
        let mut control = format!(
            "Package: {}\nVersion: {}\nArchitecture: {}\nMaintainer: patchcycle tests <tests@invalid>\nDescription: a test package\n built at test time\n",
            deb.name, deb.version, deb.arch
        );
        if let Some(s) = &deb.source {
            control.push_str(&format!("Source: {s}\n"));
        }
        if deb.multi_arch_same {
            control.push_str("Multi-Arch: same\n");
        }
        std::fs::write(dir.join("DEBIAN/control"), control).unwrap();
        for (name, body) in &deb.scripts {
            let p = dir.join("DEBIAN").join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        if let Some(t) = &deb.triggers {
            std::fs::write(dir.join("DEBIAN/triggers"), t).unwrap();
        }
        let own = format!("usr/share/{}/{}", deb.name, deb.arch);
        std::fs::create_dir_all(dir.join(&own)).unwrap();
        std::fs::write(dir.join(own).join("version"), &deb.version).unwrap();
        for (path, content) in &deb.files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        let file = self
            .work
            .join(format!("{}_{}_{}.deb", deb.name, deb.version, deb.arch));
        let strict = Command::new("dpkg-deb")
            .args(["--build", "-Zgzip"])
            .arg(&dir)
            .arg(&file)
            .output()
            .expect("dpkg-deb");
        if !strict.status.success() {
            run(
                Command::new("dpkg-deb")
                    .args(["--nocheck", "--build", "-Zgzip"])
                    .arg(&dir)
                    .arg(&file),
                true,
            );
        }
        file
    }

    /// `dpkg` on this root's database; `must`: panic unless it succeeds.
    pub fn dpkg(&self, args: &[&str], must: bool) -> Output {
        let mut cmd = Command::new("dpkg");
        cmd.arg(format!("--root={}", self.root.display()))
            .arg(format!("--admindir={}", self.admindir().display()))
            .args([
                "--force-not-root",
                "--force-script-chrootless",
                "--force-architecture",
            ])
            .args(args)
            .env("LC_ALL", "C");
        run(&mut cmd, must)
    }

    /// Builds and installs packages (`dpkg -i`), which must succeed.
    pub fn install(&self, debs: &[Deb]) {
        let files: Vec<String> = debs
            .iter()
            .map(|d| self.build(d).to_str().unwrap().to_string())
            .collect();
        let mut args = vec!["-i"];
        args.extend(files.iter().map(String::as_str));
        self.dpkg(&args, true);
    }

    /// `dpkg --set-selections` with `lines` ("name deinstall\n").
    pub fn set_selections(&self, lines: &str) {
        use std::io::Write;
        let mut child = Command::new("dpkg")
            .arg(format!("--admindir={}", self.admindir().display()))
            .arg("--set-selections")
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(lines.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "dpkg --set-selections");
    }

    /// The oracle: `dpkg-query -W` rows (binary:Package, Architecture, Version,
    /// db:Status-Abbrev without its trailing blank).
    pub fn query(&self) -> Vec<[String; 4]> {
        let out = run(
            Command::new("dpkg-query")
                .arg(format!("--admindir={}", self.admindir().display()))
                .args([
                    "-W",
                    "-f",
                    "${binary:Package}\\t${Architecture}\\t${Version}\\t${db:Status-Abbrev}\\n",
                ]),
            true,
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                [f[0], f[1], f[2], f[3].trim_end()].map(str::to_string)
            })
            .collect()
    }

    /// A distroless-style database: no `status` file, and one `status.d/NAME` file per
    /// package as `dpkg-deb --field` prints it (no `Status:`), with a `NAME.md5sums`
    /// beside it; the packages' files are extracted with `dpkg-deb --extract`.
    pub fn distroless(&self, debs: &[Deb]) {
        let admin = self.admindir();
        let _ = std::fs::remove_file(admin.join("status"));
        std::fs::create_dir_all(admin.join("status.d")).unwrap();
        for d in debs {
            let file = self.build(d);
            let fields = run(Command::new("dpkg-deb").arg("--field").arg(&file), true);
            std::fs::write(admin.join("status.d").join(&d.name), fields.stdout).unwrap();
            // dpkg's file list, beside the stanza as in distroless images: the collector
            // must skip it.
            std::fs::write(
                admin.join("status.d").join(format!("{}.md5sums", d.name)),
                format!(
                    "d41d8cd98f00b204e9800998ecf8427e  usr/share/{}/{}/version\n",
                    d.name, d.arch
                ),
            )
            .unwrap();
            run(
                Command::new("dpkg-deb")
                    .arg("--extract")
                    .arg(&file)
                    .arg(&self.root),
                true,
            );
        }
    }
}

/// Whether dpkg's tools are here (they are on every Debian machine and in CI).
pub fn available() -> bool {
    ["dpkg", "dpkg-deb", "dpkg-query"].iter().all(|t| {
        Command::new(t)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}
