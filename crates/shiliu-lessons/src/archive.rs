//! Signed single-file packs (`.shiliupack`): building them and checking them.
//!
//! The file is a zip of the pack folder plus `manifest.json` (pack id, version, publisher key
//! and every file's path, size and sha256) and `manifest.sig` (the publisher's ed25519
//! signature of the exact bytes of `manifest.json`, as hex). Checking trusts nothing in the zip
//! until it has to:
//!
//! 1. entry names are plain relative paths, each once (before anything is read);
//! 2. the signature over `manifest.json` is made by a trusted key (before the manifest is
//!    believed);
//! 3. the manifest's paths are safe and its declared sizes are within the limits, and the zip
//!    holds nothing it does not list;
//! 4. every file is read through a limit of its declared size, so a zip header lying about sizes
//!    (a zip bomb) cannot make the reader write more, and its size and sha256 must match.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::ZipArchive;

use crate::check::check_dir;
use crate::error::{LessonError, Result};
use crate::fsutil::{sync_dir, temp_sibling};
use crate::ids::{PackId, is_valid_pack_id};
use crate::keys::{PublicKey, SecretKey, TrustedKey};
use crate::load::list_folder;
use crate::model::Pack;
use crate::paths::check_relative;

/// The signed manifest's name inside a pack file.
pub const MANIFEST_JSON: &str = "manifest.json";
/// The signature's name inside a pack file.
pub const MANIFEST_SIG: &str = "manifest.sig";
/// The extension of signed pack files.
pub const PACK_EXTENSION: &str = "shiliupack";
/// The manifest format this app writes and reads.
pub const FORMAT_VERSION: u32 = 1;

const MAX_MANIFEST_BYTES: u64 = 4 << 20;
const MAX_SIGNATURE_BYTES: u64 = 1024;

/// How large a pack may be. A classroom PC's disk is small and a USB stick may carry anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single file, in bytes.
    pub max_file: u64,
    /// Largest pack, all files together, in bytes.
    pub max_total: u64,
    /// Most files in a pack.
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_file: 20 << 20, max_total: 200 << 20, max_files: 10_000 }
    }
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedManifest {
    pub format: u32,
    pub id: PackId,
    pub version: semver::Version,
    pub publisher: PublicKey,
    pub files: Vec<FileEntry>,
}

/// One file of a signed pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Hashing<W> {
        Hashing { inner, hasher: Sha256::new(), count: 0 }
    }

    fn finish(self) -> (W, u64, String) {
        (self.inner, self.count, hex::encode(self.hasher.finalize()))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut file = File::open(path).map_err(LessonError::file("read", path))?;
    let mut sink = Hashing::new(std::io::sink());
    std::io::copy(&mut file, &mut sink).map_err(LessonError::file("read", path))?;
    let (_, size, sha) = sink.finish();
    Ok((size, sha))
}

/// Checks the pack folder `src`, then writes it, signed with `key`, to `out` (atomically: a
/// failed build leaves no partial file). Refuses a pack with check errors.
pub fn build_pack(src: &Path, out: &Path, key: &SecretKey, limits: &Limits) -> Result<SignedManifest> {
    check_dir(src)?.into_result()?;
    let pack = Pack::load_dir(src)?;
    let paths = list_folder(src)?;
    if paths.len() > limits.max_files {
        let size = paths.len() as u64;
        return Err(LessonError::TooLarge {
            entry: "the pack's file count".into(),
            size,
            limit: limits.max_files as u64,
        });
    }
    let mut files = Vec::new();
    let mut total = 0u64;
    for path in paths {
        check_relative(&path).map_err(|why| LessonError::UnsafePath { path: src.into(), entry: path.clone(), why })?;
        if path == MANIFEST_JSON || path == MANIFEST_SIG {
            return Err(LessonError::UnsafePath {
                path: src.into(),
                entry: path,
                why: "name reserved for the signature",
            });
        }
        let (size, sha256) = hash_file(&src.join(&path))?;
        total += size;
        if size > limits.max_file {
            return Err(LessonError::TooLarge { entry: path, size, limit: limits.max_file });
        }
        if total > limits.max_total {
            return Err(LessonError::TooLarge { entry: "the pack".into(), size: total, limit: limits.max_total });
        }
        files.push(FileEntry { path, size, sha256 });
    }
    let manifest = SignedManifest {
        format: FORMAT_VERSION,
        id: pack.id().clone(),
        version: pack.version().clone(),
        publisher: key.public(),
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest).expect("the manifest serialises");
    let signature = format!("{}\n", hex::encode(key.sign(&json)));

    let temp = temp_sibling(out);
    let written = write_zip(&temp, src, &manifest, &json, signature.as_bytes());
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written?;
    std::fs::rename(&temp, out).map_err(LessonError::file("replace", out))?;
    sync_dir(out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))?;
    Ok(manifest)
}

fn write_zip(temp: &Path, src: &Path, manifest: &SignedManifest, json: &[u8], signature: &[u8]) -> Result<()> {
    let file = File::create(temp).map_err(LessonError::file("create", temp))?;
    let zip_error = |e: zip::result::ZipError| LessonError::File { op: "write", path: temp.into(), source: e.into() };
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for entry in &manifest.files {
        let path = src.join(&entry.path);
        zip.start_file(entry.path.as_str(), options).map_err(zip_error)?;
        let mut input = File::open(&path).map_err(LessonError::file("read", &path))?;
        let mut hashing = Hashing::new(&mut zip);
        std::io::copy(&mut input, &mut hashing).map_err(LessonError::file("pack", &path))?;
        let (_, size, sha256) = hashing.finish();
        if size != entry.size || sha256 != entry.sha256 {
            let source = std::io::Error::other("the file changed while the pack was being built");
            return Err(LessonError::File { op: "pack", path, source });
        }
    }
    for (name, bytes) in [(MANIFEST_JSON, json), (MANIFEST_SIG, signature)] {
        zip.start_file(name, options).map_err(zip_error)?;
        zip.write_all(bytes).map_err(LessonError::file("write", temp))?;
    }
    let file = zip.finish().map_err(zip_error)?;
    file.sync_all().map_err(LessonError::file("sync", temp))
}

/// What a successful verification established.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedPack {
    pub manifest: SignedManifest,
    /// The trusted key that signed it.
    pub publisher: TrustedKey,
    /// Total size of the pack's files.
    pub bytes: u64,
}

/// A pack file whose names, signature and manifest have been checked; its contents not yet.
pub(crate) struct OpenedPack {
    path: PathBuf,
    zip: ZipArchive<BufReader<File>>,
    names: HashMap<String, usize>,
    pub manifest: SignedManifest,
    pub publisher: TrustedKey,
    pub manifest_bytes: Vec<u8>,
    pub signature_bytes: Vec<u8>,
}

/// Verifies a pack file completely (signature, then every file) without installing it.
pub fn verify_pack(path: &Path, trusted: &[TrustedKey], limits: &Limits) -> Result<VerifiedPack> {
    let mut opened = open_pack(path, trusted, limits)?;
    opened.check_contents(None)?;
    Ok(opened.verified())
}

/// Steps 1–3 of the module doc: names, signature, manifest.
pub(crate) fn open_pack(path: &Path, trusted: &[TrustedKey], limits: &Limits) -> Result<OpenedPack> {
    let not_a_pack = |why: String| LessonError::NotAPack { path: path.into(), why };
    let file = File::open(path).map_err(LessonError::file("open", path))?;
    let on_disk = file.metadata().map_err(LessonError::file("inspect", path))?.len();
    // Compressed data is never much larger than what it holds; anything bigger is not a pack.
    let slack = 16 << 20;
    if on_disk > limits.max_total + slack {
        return Err(LessonError::TooLarge {
            entry: path.display().to_string(),
            size: on_disk,
            limit: limits.max_total + slack,
        });
    }
    let mut zip = ZipArchive::new(BufReader::new(file)).map_err(|e| not_a_pack(e.to_string()))?;
    if zip.len() > limits.max_files + 2 {
        return Err(not_a_pack(format!("{} entries, at most {} are allowed", zip.len(), limits.max_files + 2)));
    }
    if zip.has_duplicate_names() {
        // The zip reader keeps one entry per name, so which one repeats is no longer known.
        return Err(LessonError::DuplicateEntry { path: path.into(), entry: "a file name".into() });
    }
    let names = entry_names(path, &mut zip)?;

    let (Some(&m), Some(&s)) = (names.get(MANIFEST_JSON), names.get(MANIFEST_SIG)) else {
        let missing = if names.contains_key(MANIFEST_JSON) { MANIFEST_SIG } else { MANIFEST_JSON };
        return Err(LessonError::Unsigned { path: path.into(), missing });
    };
    let manifest_bytes = read_small(path, &mut zip, m, MANIFEST_JSON, MAX_MANIFEST_BYTES)?;
    let signature_bytes = read_small(path, &mut zip, s, MANIFEST_SIG, MAX_SIGNATURE_BYTES)?;
    let publisher = signer(path, trusted, &manifest_bytes, &signature_bytes)?;

    let manifest: SignedManifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| not_a_pack(format!("{MANIFEST_JSON}: {e}")))?;
    if manifest.publisher != publisher.key {
        let why = format!("it names publisher {} but was signed by {}", manifest.publisher, publisher.key);
        return Err(LessonError::Signature { path: path.into(), why });
    }
    if manifest.format != FORMAT_VERSION {
        return Err(not_a_pack(format!(
            "pack format {} is not one this app reads ({FORMAT_VERSION})",
            manifest.format
        )));
    }
    if !is_valid_pack_id(manifest.id.as_str()) {
        return Err(not_a_pack(format!("{:?} is not a valid pack id", manifest.id.as_str())));
    }
    check_manifest_files(path, &manifest, limits)?;
    let listed: HashSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    if let Some(extra) =
        names.keys().find(|n| !listed.contains(n.as_str()) && *n != MANIFEST_JSON && *n != MANIFEST_SIG)
    {
        return Err(LessonError::UnknownFile { path: path.into(), entry: extra.clone() });
    }
    Ok(OpenedPack { path: path.into(), zip, names, manifest, publisher, manifest_bytes, signature_bytes })
}

/// Every file entry's name and index; refuses unsafe names, links and repeats. Directory entries
/// are allowed (other zip tools write them) but must be safe too.
fn entry_names(path: &Path, zip: &mut ZipArchive<BufReader<File>>) -> Result<HashMap<String, usize>> {
    let mut names = HashMap::new();
    // Case-insensitive, because Windows and FAT-formatted sticks would merge `A.wav` and `a.wav`.
    let mut folded = HashSet::new();
    for index in 0..zip.len() {
        let not_a_pack = |e: zip::result::ZipError| LessonError::NotAPack { path: path.into(), why: e.to_string() };
        let entry = zip.by_index_raw(index).map_err(not_a_pack)?;
        let name = entry.name().map_err(not_a_pack)?.into_owned();
        let unsafe_path = |why| LessonError::UnsafePath { path: path.into(), entry: name.clone(), why };
        if entry.is_dir() {
            check_relative(name.trim_end_matches('/')).map_err(unsafe_path)?;
            continue;
        }
        check_relative(&name).map_err(unsafe_path)?;
        if entry.is_symlink() {
            return Err(unsafe_path("symbolic link"));
        }
        if !folded.insert(name.to_lowercase()) {
            return Err(LessonError::DuplicateEntry { path: path.into(), entry: name });
        }
        names.insert(name, index);
    }
    Ok(names)
}

fn read_small(
    path: &Path,
    zip: &mut ZipArchive<BufReader<File>>,
    index: usize,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>> {
    let entry = zip.by_index(index).map_err(|e| LessonError::NotAPack { path: path.into(), why: e.to_string() })?;
    let mut bytes = Vec::new();
    entry.take(limit + 1).read_to_end(&mut bytes).map_err(|e| LessonError::Tampered {
        path: path.into(),
        entry: name.into(),
        why: e.to_string(),
    })?;
    if bytes.len() as u64 > limit {
        return Err(LessonError::TooLarge { entry: name.into(), size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// The trusted key whose signature `manifest.sig` is; otherwise says whether the signer is merely
/// unknown or the signature is wrong.
fn signer(path: &Path, trusted: &[TrustedKey], manifest: &[u8], signature: &[u8]) -> Result<TrustedKey> {
    let bad = |why: &str| LessonError::Signature { path: path.into(), why: why.to_owned() };
    let text = std::str::from_utf8(signature).map_err(|_| bad("manifest.sig is not hex text"))?;
    let signature: [u8; 64] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("manifest.sig is not an ed25519 signature"))?;
    if let Some(key) = trusted.iter().find(|k| k.key.verifies(manifest, &signature)) {
        return Ok(key.clone());
    }
    // Not signed by a trusted key. Name the claimed publisher if the signature is really theirs.
    let claimed = serde_json::from_slice::<serde_json::Value>(manifest)
        .ok()
        .and_then(|v| v.get("publisher").and_then(|p| p.as_str()).and_then(|p| PublicKey::from_hex(p).ok()));
    match claimed {
        Some(key) if key.verifies(manifest, &signature) => {
            Err(LessonError::Untrusted { path: path.into(), key: key.to_hex() })
        }
        _ => Err(bad("manifest.json was changed after signing, or signed by someone else")),
    }
}

fn check_manifest_files(path: &Path, manifest: &SignedManifest, limits: &Limits) -> Result<()> {
    if manifest.files.len() > limits.max_files {
        let size = manifest.files.len() as u64;
        return Err(LessonError::TooLarge {
            entry: "the pack's file count".into(),
            size,
            limit: limits.max_files as u64,
        });
    }
    let mut folded = HashSet::new();
    let mut total = 0u64;
    for f in &manifest.files {
        let unsafe_path = |why| LessonError::UnsafePath { path: path.into(), entry: f.path.clone(), why };
        check_relative(&f.path).map_err(unsafe_path)?;
        if f.path == MANIFEST_JSON || f.path == MANIFEST_SIG {
            return Err(unsafe_path("name reserved for the signature"));
        }
        if !folded.insert(f.path.to_lowercase()) {
            return Err(LessonError::DuplicateEntry { path: path.into(), entry: f.path.clone() });
        }
        if f.size > limits.max_file {
            return Err(LessonError::TooLarge { entry: f.path.clone(), size: f.size, limit: limits.max_file });
        }
        total = total.saturating_add(f.size);
        if total > limits.max_total {
            return Err(LessonError::TooLarge { entry: "the pack".into(), size: total, limit: limits.max_total });
        }
        if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(LessonError::NotAPack { path: path.into(), why: format!("{}: malformed sha256", f.path) });
        }
    }
    Ok(())
}

impl OpenedPack {
    /// Step 4: reads every listed file through its declared size, checking size and hash; with
    /// `dest`, writes each one (synced) under that fresh folder as well.
    pub fn check_contents(&mut self, dest: Option<&Path>) -> Result<()> {
        for f in &self.manifest.files {
            let tampered = |why: String| LessonError::Tampered { path: self.path.clone(), entry: f.path.clone(), why };
            let index = *self.names.get(&f.path).ok_or_else(|| tampered("missing from the pack file".into()))?;
            let entry = self.zip.by_index(index).map_err(|e| tampered(e.to_string()))?;
            // One byte past the declared size is enough to know it lied.
            let limited = entry.take(f.size + 1);
            match dest {
                None => {
                    copy_checked(limited, f, std::io::sink()).map_err(tampered)?;
                }
                Some(dir) => {
                    let path = dir.join(&f.path);
                    let file = copy_checked(limited, f, create_extracted(&path)?).map_err(tampered)?;
                    file.sync_all().map_err(LessonError::file("sync", path))?;
                }
            }
        }
        Ok(())
    }

    pub fn verified(self) -> VerifiedPack {
        let bytes = self.manifest.files.iter().map(|f| f.size).sum();
        VerifiedPack { manifest: self.manifest, publisher: self.publisher, bytes }
    }
}

/// Copies an entry, then compares what came through with the manifest.
fn copy_checked<R: Read, W: Write>(mut from: R, f: &FileEntry, to: W) -> std::result::Result<W, String> {
    let mut hashing = Hashing::new(to);
    std::io::copy(&mut from, &mut hashing).map_err(|e| e.to_string())?;
    let (to, size, sha256) = hashing.finish();
    if size != f.size {
        let actual = if size > f.size { format!("more than {}", f.size) } else { size.to_string() };
        return Err(format!("{actual} bytes, the manifest says {}", f.size));
    }
    if sha256 != f.sha256 {
        return Err("its sha256 differs from the manifest".into());
    }
    Ok(to)
}

fn create_extracted(path: &Path) -> Result<File> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(LessonError::file("create", parent))?;
    }
    std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(LessonError::file("create", path))
}
