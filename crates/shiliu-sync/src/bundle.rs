//! The bundle file: what a USB stick carries and the hub stores.
//!
//! ```text
//! "SHLUBNDL"  u32 format (LE)  u32 header length (LE)  header (JSON manifest)
//! ciphertext  (XChaCha20-Poly1305 under the school key; associated data = everything before it)
//! signature   (Ed25519 by the origin device over SHA-256 of everything before it, as 128 hex chars)
//! ```
//!
//! The manifest is public and holds no student data: school and device ids, the bundle id,
//! version vectors, row counts per table and attempts per day — enough for the hub to check,
//! route and count bundles without the school key. The ciphertext holds the rows (postcard,
//! zstd-compressed) and the manifest carries the SHA-256 of the plaintext.
//!
//! Opening checks, in order: shape, format, school, that the origin is an enrolled and
//! unrevoked device, the signature (before decrypting anything), then decryption, the
//! plaintext hash and the row counts. Any failure refuses the whole bundle.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shiliu_store::{DeviceId, SyncRow, SyncTable};

use crate::error::{Result, SyncError};
use crate::keys::{DeviceCert, DeviceKey, Revocation, hex, random_bytes, sha256_hex, unhex, verify};
use crate::registry::Registry;
use crate::vector::VersionVector;

pub const MAGIC: &[u8; 8] = b"SHLUBNDL";
pub const FORMAT: u32 = 1;
/// The extension of bundle files.
pub const EXTENSION: &str = "shbundle";
const SIGNATURE_LEN: usize = 128;
const PREFIX_LEN: usize = 16;
const MAX_HEADER: usize = 4 << 20;
const MAX_PLAIN: u64 = 4 << 30;
const BUNDLE_DOMAIN: &str = "shiliu-bundle-v1";

/// The public part of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub school: String,
    /// A UUIDv7, unique per export.
    pub bundle: String,
    pub origin: DeviceId,
    pub origin_name: String,
    pub created_ms: i64,
    /// Rows the destination was assumed to have are left out: those at or below this vector.
    pub base: VersionVector,
    /// What the exporting PC covered: with `base` covered, the importer covers this too.
    pub covers: VersionVector,
    /// Rows per table.
    pub counts: BTreeMap<String, u64>,
    /// Attempts per day (`YYYY-MM-DD`, UTC), for the hub's reports.
    pub attempt_days: BTreeMap<String, u64>,
    pub plain_len: u64,
    pub plain_sha256: String,
    pub cipher_len: u64,
    pub nonce: String,
    /// The exporter's registry, so any PC (and the hub) can check the origin's certificate.
    pub certs: Vec<DeviceCert>,
    pub revocations: Vec<Revocation>,
}

impl Manifest {
    /// Rows in all; saturating, as the counts are read before the signature is checked.
    pub fn rows(&self) -> u64 {
        self.counts.values().fold(0, |sum, n| sum.saturating_add(*n))
    }

    /// The manifest's registry on top of `known`.
    pub fn registry_over(&self, known: &Registry) -> Registry {
        let mut reg = known.clone();
        self.certs.iter().cloned().for_each(|c| reg.add_cert(c));
        self.revocations.iter().cloned().for_each(|r| reg.add_revocation(r));
        reg
    }
}

#[derive(Serialize, Deserialize)]
struct Payload0 {
    rows: Vec<SyncRow>,
}

/// What goes into a bundle besides the rows.
pub struct Sealing<'a> {
    pub school: &'a str,
    pub school_key: &'a [u8],
    pub origin: DeviceId,
    pub origin_name: &'a str,
    pub device_key: &'a DeviceKey,
    pub created_ms: i64,
    pub base: VersionVector,
    pub covers: VersionVector,
    pub registry: &'a Registry,
}

/// Builds a bundle's bytes from rows.
pub fn seal(s: Sealing<'_>, rows: Vec<SyncRow>) -> Result<Vec<u8>> {
    let mut counts = BTreeMap::new();
    let mut attempt_days = BTreeMap::new();
    for r in &rows {
        *counts.entry(r.table.name().to_owned()).or_insert(0u64) += 1;
        if r.table == SyncTable::Attempts
            && let Some(shiliu_store::Value::Integer(ms)) = r.values.get(5)
        {
            *attempt_days.entry(shiliu_store::Timestamp::from_millis(*ms).date()).or_insert(0u64) += 1;
        }
    }
    let plain = postcard::to_stdvec(&Payload0 { rows }).map_err(|e| SyncError::invalid("rows", e.to_string()))?;
    let compressed = zstd::bulk::compress(&plain, 3).map_err(|e| SyncError::invalid("rows", e.to_string()))?;
    let mut nonce = [0u8; 24];
    random_bytes(&mut nonce)?;
    let manifest = Manifest {
        format: FORMAT,
        school: s.school.to_owned(),
        bundle: uuid::Uuid::now_v7().to_string(),
        origin: s.origin,
        origin_name: s.origin_name.to_owned(),
        created_ms: s.created_ms,
        base: s.base,
        covers: s.covers,
        counts,
        attempt_days,
        plain_len: plain.len() as u64,
        plain_sha256: sha256_hex(&plain),
        cipher_len: compressed.len() as u64 + 16,
        nonce: hex(&nonce),
        certs: s.registry.certs().cloned().collect(),
        revocations: s.registry.revocations().to_vec(),
    };
    let header = serde_json::to_vec(&manifest).map_err(|e| SyncError::invalid("manifest", e.to_string()))?;
    let mut out = Vec::with_capacity(PREFIX_LEN + header.len() + compressed.len() + 16 + SIGNATURE_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    let cipher = aead(s.school_key)?
        .encrypt(&XNonce::from(nonce), Payload { msg: &compressed, aad: &out })
        .map_err(|_| SyncError::invalid("school key", "encryption failed"))?;
    out.extend_from_slice(&cipher);
    let digest = Sha256::digest(&out);
    out.extend_from_slice(s.device_key.sign(BUNDLE_DOMAIN, &digest).as_bytes());
    Ok(out)
}

fn aead(key: &[u8]) -> Result<XChaCha20Poly1305> {
    XChaCha20Poly1305::new_from_slice(key).map_err(|_| SyncError::invalid("school key", "not 32 bytes"))
}

/// Reads the manifest without checking anything but the file's shape.
pub fn read_manifest(bytes: &[u8]) -> Result<Manifest> {
    let bad = |reason: &str| SyncError::malformed("the bundle", reason);
    if bytes.len() < PREFIX_LEN || &bytes[..8] != MAGIC {
        return Err(bad("it is not a shiliu bundle (or its beginning is missing)"));
    }
    let format = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
    if format > FORMAT {
        return Err(SyncError::NewerFormat { what: "the bundle", found: format, supported: FORMAT });
    }
    if format != FORMAT {
        return Err(bad(&format!("unknown format {format}")));
    }
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap_or_default()) as usize;
    if header_len > MAX_HEADER || bytes.len() < PREFIX_LEN + header_len {
        return Err(bad("the file is cut off inside its manifest"));
    }
    let manifest: Manifest = serde_json::from_slice(&bytes[PREFIX_LEN..PREFIX_LEN + header_len])
        .map_err(|e| bad(&format!("its manifest cannot be read: {e}")))?;
    let expected = (PREFIX_LEN + header_len) as u64 + manifest.cipher_len + SIGNATURE_LEN as u64;
    if bytes.len() as u64 != expected {
        let how = if (bytes.len() as u64) < expected { "cut off" } else { "longer than its manifest says" };
        return Err(bad(&format!("the file is {how} ({} bytes, {expected} expected)", bytes.len())));
    }
    if manifest.format != FORMAT || manifest.plain_len > MAX_PLAIN {
        return Err(bad("its manifest is inconsistent"));
    }
    Ok(manifest)
}

/// Checks everything that needs no school key: shape, school, origin trusted by `known` plus the
/// manifest's own certificates, and the signature. The hub stops here.
pub fn verify_bundle(bytes: &[u8], school: &str, known: &Registry) -> Result<Manifest> {
    let manifest = read_manifest(bytes)?;
    if manifest.school != school {
        return Err(SyncError::WrongSchool { expected: school.to_owned(), found: manifest.school });
    }
    let registry = manifest.registry_over(known);
    let cert = registry.trusted(manifest.origin)?;
    let signed = bytes.len() - SIGNATURE_LEN;
    let signature = std::str::from_utf8(&bytes[signed..])
        .map_err(|_| SyncError::BadSignature { origin: manifest.origin_name.clone() })?;
    verify(&cert.key, BUNDLE_DOMAIN, &Sha256::digest(&bytes[..signed]), signature)
        .map_err(|_| SyncError::BadSignature { origin: manifest.origin_name.clone() })?;
    Ok(manifest)
}

/// An opened bundle: checked, decrypted, decoded.
#[derive(Debug, Clone)]
pub struct OpenBundle {
    pub manifest: Manifest,
    pub rows: Vec<SyncRow>,
    /// SHA-256 of the whole file.
    pub sha256: String,
}

/// Verifies and decrypts a bundle for a PC holding the school key.
pub fn open(bytes: &[u8], school: &str, school_key: &[u8], known: &Registry) -> Result<OpenBundle> {
    let manifest = verify_bundle(bytes, school, known)?;
    let header_end = bytes.len() - SIGNATURE_LEN - manifest.cipher_len as usize;
    let nonce: [u8; 24] = unhex(&manifest.nonce)
        .and_then(|n| n.try_into().ok())
        .ok_or_else(|| SyncError::malformed("the bundle", "its nonce is not 24 bytes"))?;
    let compressed = aead(school_key)?
        .decrypt(
            &XNonce::from(nonce),
            Payload { msg: &bytes[header_end..bytes.len() - SIGNATURE_LEN], aad: &bytes[..header_end] },
        )
        .map_err(|_| SyncError::Decrypt {
            what: "the bundle",
            reason: "the school key does not open it (another school's key, or a changed file)".into(),
        })?;
    let plain = zstd::bulk::decompress(&compressed, manifest.plain_len as usize)
        .map_err(|e| SyncError::malformed("the bundle", format!("its rows cannot be unpacked: {e}")))?;
    if plain.len() as u64 != manifest.plain_len || sha256_hex(&plain) != manifest.plain_sha256 {
        return Err(SyncError::malformed("the bundle", "its rows do not match the manifest's checksum"));
    }
    let payload: Payload0 = postcard::from_bytes(&plain)
        .map_err(|e| SyncError::malformed("the bundle", format!("its rows cannot be read: {e}")))?;
    let mut counts = BTreeMap::new();
    for r in &payload.rows {
        r.check_shape()?;
        *counts.entry(r.table.name().to_owned()).or_insert(0u64) += 1;
    }
    if counts != manifest.counts {
        return Err(SyncError::malformed("the bundle", "its row counts do not match the manifest"));
    }
    Ok(OpenBundle { manifest, rows: payload.rows, sha256: sha256_hex(bytes) })
}

/// Writes `bytes` as `dir/name` so that the final name only ever holds the complete file: a
/// temporary name, flushed to the device, then renamed, then the folder flushed. A stick
/// pulled mid-write leaves at most a `.partial` file, which nothing imports.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| SyncError::file("create the folder", dir, e))?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.partial"));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(SyncError::file("write", &tmp, e));
    }
    std::fs::rename(&tmp, &path).map_err(|e| SyncError::file("rename into place", &path, e))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

/// Whether a file name is a bundle's (partial files and receipts are not).
pub fn is_bundle_name(name: &str) -> bool {
    // Any case: FAT sticks and Windows may show a name in capitals.
    !name.starts_with('.') && name.to_ascii_lowercase().ends_with(&format!(".{EXTENSION}"))
}
