//! `scan --image FILE`: a container image from an archive — `docker save` (the legacy
//! layout, and the one docker 25+ writes with an OCI layout inside) or an OCI image
//! layout (a directory, or a tar of one) — unpacked into a private temporary root for
//! the collector. Nothing is pulled from a registry.
//!
//! Every blob read is checked against its digest before it is used: the JSON by its
//! sha256 (its name, in both layouts), a layer by its blob digest when the layout has one
//! and always by its decompressed sha256 against the config's `rootfs.diff_ids`.

pub mod layer;
pub mod source;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use source::{Source, clean_name};

/// The largest JSON document of an image (index, manifest, config) read.
const MAX_JSON: u64 = 4 * 1024 * 1024;

/// How deep indexes may nest (an index naming an index).
const MAX_INDEX_DEPTH: usize = 4;

/// The bounds on unpacking one image (README: "Container images").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Bytes written into the temporary root.
    pub unpacked_bytes: u64,
    /// Tar entries read, in all layers.
    pub entries: u64,
    /// Decompressed layer bytes read, kept or skipped.
    pub read_bytes: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            unpacked_bytes: 2 * 1024 * 1024 * 1024,
            entries: 2_000_000,
            read_bytes: 64 * 1024 * 1024 * 1024,
        }
    }
}

/// Which layout the archive has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `docker save`: manifest.json (legacy, or docker 25+ with an OCI layout inside).
    DockerArchive,
    /// An OCI image layout: oci-layout, index.json, blobs/.
    OciLayout,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::DockerArchive => "docker-archive",
            Format::OciLayout => "oci-layout",
        }
    }
}

/// A `sha256:<hex>` digest; other algorithms are refused by name.
fn sha256_hex(digest: &str) -> Result<String> {
    let Some(hex) = digest.strip_prefix("sha256:") else {
        let alg = digest.split(':').next().unwrap_or(digest);
        bail!(
            "digest algorithm {:?} is not supported (sha256 is)",
            crate::text::one_line(alg)
        );
    };
    if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        bail!("{:?} is not a sha256 digest", crate::text::one_line(digest));
    }
    Ok(hex.to_string())
}

/// One layer to apply: the blob's name in the archive and, when the layout gives it, the
/// sha256 of the blob as stored.
#[derive(Debug, Clone)]
struct LayerBlob {
    name: String,
    blob_sha256: Option<String>,
}

/// An image found in an archive, its JSON read and verified.
#[derive(Debug)]
pub struct Image {
    source: Source,
    pub format: Format,
    /// The name the archive gives it (a RepoTag, or an OCI ref.name annotation).
    pub reference: Option<String>,
    /// `sha256:…` of its config: the image ID.
    pub digest: String,
    layers: Vec<LayerBlob>,
    diff_ids: Vec<String>,
}

#[derive(Deserialize)]
struct DockerEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers")]
    layers: Vec<String>,
}

#[derive(Deserialize, Clone)]
struct Descriptor {
    #[serde(rename = "mediaType", default)]
    media_type: String,
    digest: String,
    #[serde(default)]
    platform: Option<Platform>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Deserialize, Clone)]
struct Platform {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
}

impl Platform {
    /// `os/arch` matches any variant; `os/arch/variant` only that one.
    fn matches(&self, want: &str) -> bool {
        self.text() == want
            || (self.variant.is_some() && format!("{}/{}", self.os, self.architecture) == want)
    }

    fn text(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{v}", self.os, self.architecture),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }
}

/// An index or a manifest: which one, its fields say.
#[derive(Deserialize)]
struct OciDocument {
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Option<Vec<Descriptor>>,
}

#[derive(Deserialize)]
struct ImageConfig {
    rootfs: RootFs,
    /// The config names its platform with the same keys as an index entry.
    #[serde(flatten)]
    platform: Platform,
}

#[derive(Deserialize)]
struct RootFs {
    diff_ids: Vec<String>,
}

/// Reads a whole (small) file of the archive.
fn read_small(source: &Source, name: &str) -> Result<Vec<u8>> {
    let (reader, size) = source.open_blob(name)?;
    if size > MAX_JSON {
        bail!("{name} is larger than {} MiB", MAX_JSON / (1024 * 1024));
    }
    let mut bytes = Vec::new();
    reader.take(MAX_JSON + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a small blob and checks it against its sha256 (hex).
fn read_verified(source: &Source, name: &str, hex: &str) -> Result<Vec<u8>> {
    let bytes = read_small(source, name)?;
    let got = crate::digest::sha256_hex(&bytes);
    if got != hex {
        bail!("{name} does not match its digest (sha256:{hex} expected, sha256:{got} read)");
    }
    Ok(bytes)
}

fn json<'a, T: Deserialize<'a>>(bytes: &'a [u8], name: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| anyhow!("{name}: not a valid document: {e}"))
}

/// The hex of a blob named `blobs/sha256/<hex>` or `<hex>.json` (docker's legacy
/// config), when its name is its digest.
fn hex_of_name(name: &str) -> Option<String> {
    let base = name.rsplit('/').next()?;
    let base = base.strip_suffix(".json").unwrap_or(base);
    sha256_hex(&format!("sha256:{base}")).ok()
}

impl Image {
    /// Opens `path` and reads the image in it; `platform` (`os/arch[/variant]`) picks
    /// one of several in an OCI index.
    pub fn open(path: &Path, platform: Option<&str>) -> Result<Image> {
        let source = Source::open(path)?;
        if source.has("manifest.json") {
            Self::docker(source, platform)
        } else if source.has("index.json") {
            Self::oci(source, platform)
        } else {
            bail!(
                "not an image archive: it has neither manifest.json (docker save) nor index.json (OCI layout)"
            )
        }
    }

    fn docker(source: Source, platform: Option<&str>) -> Result<Image> {
        let bytes = read_small(&source, "manifest.json")?;
        let entries: Vec<DockerEntry> = json(&bytes, "manifest.json")?;
        let entry = match entries.as_slice() {
            [one] => one,
            [] => bail!("manifest.json lists no image"),
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|e| {
                        e.repo_tags
                            .as_ref()
                            .and_then(|t| t.first().cloned())
                            .unwrap_or_else(|| e.config.clone())
                    })
                    .collect();
                bail!(
                    "the archive holds {} images ({}); save one image per archive",
                    many.len(),
                    crate::text::one_line(&names.join(", "))
                )
            }
        };
        let config_name = clean_name(&entry.config)?;
        let config_hex = hex_of_name(&config_name).ok_or_else(|| {
            anyhow!(
                "the config {:?} is not named by its digest: it cannot be verified",
                crate::text::one_line(&config_name)
            )
        })?;
        let config: ImageConfig = json(
            &read_verified(&source, &config_name, &config_hex)?,
            &config_name,
        )?;
        let layers = entry
            .layers
            .iter()
            .map(|l| {
                let name = clean_name(l)?;
                // docker 25+ names layers blobs/sha256/<hex>; the legacy <id>/layer.tar
                // is verified by its diff_id only.
                let blob_sha256 = name
                    .starts_with("blobs/sha256/")
                    .then(|| hex_of_name(&name))
                    .flatten();
                Ok(LayerBlob { name, blob_sha256 })
            })
            .collect::<Result<Vec<_>>>()?;
        Self::checked(
            source,
            platform,
            Format::DockerArchive,
            entry.repo_tags.as_ref().and_then(|t| t.first().cloned()),
            config_hex,
            layers,
            config,
        )
    }

    fn oci(source: Source, platform: Option<&str>) -> Result<Image> {
        let bytes = read_small(&source, "index.json")?;
        let mut doc: OciDocument = json(&bytes, "index.json")?;
        let mut reference = None;
        for depth in 0..=MAX_INDEX_DEPTH {
            if let (Some(config), Some(layers)) = (&doc.config, &doc.layers) {
                let config_hex = sha256_hex(&config.digest)?;
                let config_name = format!("blobs/sha256/{config_hex}");
                let parsed: ImageConfig = json(
                    &read_verified(&source, &config_name, &config_hex)?,
                    &config_name,
                )?;
                let layers = layers
                    .iter()
                    .map(|l| {
                        let hex = sha256_hex(&l.digest)?;
                        Ok(LayerBlob {
                            name: format!("blobs/sha256/{hex}"),
                            blob_sha256: Some(hex),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                return Self::checked(
                    source,
                    platform,
                    Format::OciLayout,
                    reference,
                    config_hex,
                    layers,
                    parsed,
                );
            }
            let Some(manifests) = &doc.manifests else {
                bail!("the OCI index names neither manifests nor a config and layers");
            };
            if depth == MAX_INDEX_DEPTH {
                break;
            }
            let chosen = choose(manifests, platform)?;
            if reference.is_none() {
                reference = chosen
                    .annotations
                    .get("io.containerd.image.name")
                    .or_else(|| chosen.annotations.get("org.opencontainers.image.ref.name"))
                    .cloned();
            }
            let hex = sha256_hex(&chosen.digest)?;
            let name = format!("blobs/sha256/{hex}");
            let bytes = read_verified(&source, &name, &hex)?;
            doc = json(&bytes, &name)?;
        }
        bail!("the OCI index nests more than {MAX_INDEX_DEPTH} indexes deep")
    }

    fn checked(
        source: Source,
        platform: Option<&str>,
        format: Format,
        reference: Option<String>,
        config_hex: String,
        layers: Vec<LayerBlob>,
        config: ImageConfig,
    ) -> Result<Image> {
        if let Some(want) = platform {
            let has = &config.platform;
            if !has.matches(want) {
                bail!(
                    "the image is for {}, not {}",
                    crate::text::one_line(&has.text()),
                    crate::text::one_line(want)
                );
            }
        }
        if layers.len() != config.rootfs.diff_ids.len() {
            bail!(
                "the manifest lists {} layers but the config {} (rootfs.diff_ids)",
                layers.len(),
                config.rootfs.diff_ids.len()
            );
        }
        let diff_ids = config
            .rootfs
            .diff_ids
            .iter()
            .map(|d| sha256_hex(d))
            .collect::<Result<Vec<_>>>()?;
        Ok(Image {
            source,
            format,
            reference,
            digest: format!("sha256:{config_hex}"),
            layers,
            diff_ids,
        })
    }

    pub fn layers(&self) -> usize {
        self.layers.len()
    }

    /// Applies every layer, in order, into `tree/root` (staging each in `tree/layer`);
    /// returns the root.
    pub fn unpack(
        &self,
        tree: &Path,
        bounds: &Bounds,
    ) -> Result<(std::path::PathBuf, layer::Stats)> {
        let root = tree.join("root");
        let staging = tree.join("layer");
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(&root)?;
        let mut budget = layer::Budget::new(*bounds);
        let mut stats = layer::Stats::default();
        for (i, (blob, diff_id)) in self.layers.iter().zip(&self.diff_ids).enumerate() {
            if let Some(hex) = &blob.blob_sha256 {
                self.verify_blob(&blob.name, hex, bounds.read_bytes)
                    .map_err(|e| anyhow!("layer {}: {e}", i + 1))?;
            }
            let (reader, _) = self
                .source
                .open_blob(&blob.name)
                .map_err(|e| anyhow!("layer {}: {e}", i + 1))?;
            layer::Layer {
                root: &root,
                staging: &staging,
                index: i + 1,
                budget: &mut budget,
                stats: &mut stats,
            }
            .apply(reader, diff_id)?;
        }
        Ok((root, stats))
    }

    /// Reads a layer blob through once, before anything of it is parsed, and checks its
    /// sha256.
    fn verify_blob(&self, name: &str, hex: &str, limit: u64) -> Result<()> {
        let (reader, size) = self.source.open_blob(name)?;
        if size > limit {
            bail!("{name} is larger than the bound on layer bytes read (image.max_read_mib)");
        }
        let mut hasher = Sha256::new();
        let mut reader = reader.take(limit);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let got = crate::digest::hex(&hasher.finalize());
        if got != hex {
            bail!("{name} does not match its digest (sha256:{hex} expected, sha256:{got} read)");
        }
        Ok(())
    }
}

/// The manifest of an index to follow: the only one, or the one for `platform`. Entries
/// for no platform (`unknown/unknown`: build attestations) are not images.
fn choose<'a>(manifests: &'a [Descriptor], platform: Option<&str>) -> Result<&'a Descriptor> {
    let images: Vec<&Descriptor> = manifests
        .iter()
        .filter(|m| m.platform.as_ref().is_none_or(|p| p.os != "unknown"))
        .filter(|m| !m.media_type.contains("attestation"))
        .collect();
    let choices = || -> String {
        images
            .iter()
            .map(|m| {
                m.platform
                    .as_ref()
                    .map(Platform::text)
                    .unwrap_or_else(|| "(no platform)".into())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (images.as_slice(), platform) {
        ([], _) => bail!("the OCI index lists no image manifest"),
        ([one], None) => Ok(one),
        // One image that the index does not place: its config is checked instead.
        ([one], Some(_)) if one.platform.is_none() => Ok(one),
        (_, Some(want)) => images
            .iter()
            .copied()
            .find(|m| m.platform.as_ref().is_some_and(|p| p.matches(want)))
            .ok_or_else(|| {
                anyhow!(
                    "no image for platform {:?} in the index; it has {}",
                    crate::text::one_line(want),
                    crate::text::one_line(&choices())
                )
            }),
        (_, None) => bail!(
            "the index holds images for several platforms ({}): choose one with --platform",
            crate::text::one_line(&choices())
        ),
    }
}

/// An inventory host name for an image reference: `registry/team/app:1.2` →
/// `registry_team_app_1.2`; None when nothing usable is left.
pub fn host_name(reference: &str) -> Option<String> {
    let name: String = reference
        .trim_start_matches("docker.io/library/")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    crate::inventory::validate::name("host", name)
        .ok()
        .map(|()| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_become_host_names() {
        assert_eq!(
            host_name("debian:bookworm").as_deref(),
            Some("debian_bookworm")
        );
        assert_eq!(
            host_name("docker.io/library/debian:12").as_deref(),
            Some("debian_12")
        );
        assert_eq!(
            host_name("registry.example.com:5000/team/app:1.2").as_deref(),
            Some("registry.example.com_5000_team_app_1.2")
        );
        assert_eq!(host_name("::"), None);
    }

    #[test]
    fn only_sha256_digests() {
        assert!(sha256_hex(&format!("sha256:{}", "a".repeat(64))).is_ok());
        let e = sha256_hex(&format!("sha512:{}", "a".repeat(128))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "digest algorithm \"sha512\" is not supported (sha256 is)"
        );
        assert!(sha256_hex("sha256:../../etc").is_err());
    }
}
