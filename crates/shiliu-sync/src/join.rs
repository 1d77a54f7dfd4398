//! Join files: how a new PC gets the school key without a lost stick giving it away.
//!
//! A teacher on an enrolled PC writes a join file. It holds the school key, the registry and a
//! one-time *invitation*: a fresh key pair whose public half the teacher's PC signs ("may enrol
//! PCs until <expiry>"). The file is encrypted (XChaCha20-Poly1305) under a key derived with
//! Argon2id from a **join code** the enrolled PC shows on screen (16 letters and digits, 80
//! bits) or from a passphrase the teacher types; the code is never written to the stick. On
//! the new PC, joining decrypts the file, makes the PC's own key pair and signs its
//! certificate with the invitation key. A join file can enrol several PCs until it expires
//! (7 days by default), so one stick serves a whole computer room.
//!
//! The public header says only that this is a Shiliu join file, its expiry and the Argon2id
//! parameters: no school name, no ids.

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use shiliu_store::{Store, SyncIdentity, Timestamp};

use crate::bundle::write_atomic;
use crate::error::{Result, SyncError};
use crate::identity::{Member, SchoolInfo};
use crate::keys::{DeviceCert, DeviceKey, Invitation, Issuer, Revocation, hex, random_bytes, school_id_for, unhex};
use crate::registry::{Registry, cert_row, revocation_row};

const MAGIC: &[u8; 8] = b"SHLUJOIN";
const FORMAT: u32 = 1;
pub const JOIN_EXTENSION: &str = "shjoin";
/// Argon2id cost: 64 MiB, 3 passes (a few hundred milliseconds on a classroom PC).
const M_KIB: u32 = 65_536;
const T_COST: u32 = 3;
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    created_ms: i64,
    expires_ms: i64,
    kdf: String,
    m_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
    nonce: String,
}

#[derive(Serialize, Deserialize)]
struct Secret {
    school: String,
    school_name: String,
    founder_key: String,
    school_key: String,
    invitation: Invitation,
    invitation_secret: String,
    certs: Vec<DeviceCert>,
    revocations: Vec<Revocation>,
}

/// A join file written, and the code that opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoinFile {
    pub path: PathBuf,
    /// Show this to the teacher; it is not stored anywhere.
    pub code: String,
    pub expires: Timestamp,
}

/// A fresh join code: 16 characters from an alphabet without look-alikes, in groups of four.
pub fn new_join_code() -> Result<String> {
    let mut bytes = [0u8; 16];
    random_bytes(&mut bytes)?;
    let chars: Vec<char> = bytes.iter().map(|b| CODE_ALPHABET[(b % 32) as usize] as char).collect();
    Ok(chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// A code as typed: case, spaces and dashes do not matter for generated codes.
fn normalise(code: &str) -> String {
    let compact: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if compact.len() == 16 && compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        compact.to_ascii_uppercase()
    } else {
        code.trim().to_owned()
    }
}

fn derive(code: &str, salt: &[u8], m_kib: u32, t_cost: u32, p_cost: u32) -> Result<[u8; 32]> {
    let params = Params::new(m_kib, t_cost, p_cost, Some(32))
        .map_err(|e| SyncError::malformed("the join file", e.to_string()))?;
    let mut key = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(normalise(code).as_bytes(), salt, &mut key)
        .map_err(|e| SyncError::invalid("join code", e.to_string()))?;
    Ok(key)
}

/// Writes a join file for this PC's school into `dir`. `code` is the teacher's passphrase
/// (at least 8 characters), or `None` for a generated join code.
pub fn write_join_file(store: &Store, dir: &Path, code: Option<&str>, valid_days: u32) -> Result<JoinFile> {
    let member = Member::load(store)?;
    let id = store.sync_identity()?.ok_or(SyncError::NoSchool)?;
    let code = match code {
        Some(c) if c.trim().chars().count() >= 8 => c.trim().to_owned(),
        Some(_) => return Err(SyncError::invalid("passphrase", "use at least 8 characters")),
        None => new_join_code()?,
    };
    let now = Timestamp::now();
    let expires = now.plus_days(f64::from(valid_days.clamp(1, 90)));
    let invitation_key = DeviceKey::generate()?;
    let registry = Registry::load(store, &member.school)?;
    let chain = registry.certs().cloned().collect();
    let invitation =
        Invitation::issue(&member.school, &invitation_key, member.device, &member.key, expires.millis(), chain);
    let secret = Secret {
        school: member.school.clone(),
        school_name: member.school_name.clone(),
        founder_key: hex(&id.founder_key),
        school_key: hex(&member.school_key),
        invitation,
        invitation_secret: hex(&invitation_key.secret()),
        certs: registry.certs().cloned().collect(),
        revocations: registry.revocations().to_vec(),
    };
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    random_bytes(&mut salt)?;
    random_bytes(&mut nonce)?;
    let header = Header {
        format: FORMAT,
        created_ms: now.millis(),
        expires_ms: expires.millis(),
        kdf: "argon2id".into(),
        m_kib: M_KIB,
        t_cost: T_COST,
        p_cost: 1,
        salt: hex(&salt),
        nonce: hex(&nonce),
    };
    let header = serde_json::to_vec(&header).map_err(|e| SyncError::invalid("join file", e.to_string()))?;
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    let key = derive(&code, &salt, M_KIB, T_COST, 1)?;
    let plain = serde_json::to_vec(&secret).map_err(|e| SyncError::invalid("join file", e.to_string()))?;
    let cipher = XChaCha20Poly1305::new(&key.into())
        .encrypt(&XNonce::from(nonce), Payload { msg: &plain, aad: &out })
        .map_err(|_| SyncError::invalid("join file", "encryption failed"))?;
    out.extend_from_slice(&cipher);
    // Named by the minute, numbered when a join file of the same minute is already there: a
    // teacher writing one for each new PC must not replace the one written just before.
    let stem = format!("shiliu-join-{}", now.date_time().replace([' ', ':'], "-"));
    let free = shiliu_paths::first_free_path(dir, &stem, &format!(".{JOIN_EXTENSION}"), |_| false);
    let name = free.file_name().expect("a file name").to_string_lossy().into_owned();
    let path = write_atomic(dir, &name, &out)?;
    Ok(JoinFile { path, code, expires })
}

fn read_secret(bytes: &[u8], code: &str, now: Timestamp) -> Result<Secret> {
    let bad = |r: &str| SyncError::malformed("the join file", r);
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err(bad("it is not a shiliu join file"));
    }
    let format = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
    if format != FORMAT {
        return Err(SyncError::NewerFormat { what: "the join file", found: format, supported: FORMAT });
    }
    let len = u32::from_le_bytes(bytes[12..16].try_into().unwrap_or_default()) as usize;
    if bytes.len() < 16 + len {
        return Err(bad("it is cut off"));
    }
    let header: Header = serde_json::from_slice(&bytes[16..16 + len]).map_err(|e| bad(&e.to_string()))?;
    if header.kdf != "argon2id" || header.m_kib > 1 << 20 || header.t_cost > 16 || header.p_cost > 8 {
        return Err(bad("it asks for an unknown or too costly key derivation"));
    }
    let salt = unhex(&header.salt).ok_or_else(|| bad("bad salt"))?;
    let nonce: [u8; 24] = unhex(&header.nonce).and_then(|n| n.try_into().ok()).ok_or_else(|| bad("bad nonce"))?;
    let key = derive(code, &salt, header.m_kib, header.t_cost, header.p_cost)?;
    let plain = XChaCha20Poly1305::new(&key.into())
        .decrypt(&XNonce::from(nonce), Payload { msg: &bytes[16 + len..], aad: &bytes[..16 + len] })
        .map_err(|_| SyncError::WrongCode)?;
    if now.millis() > header.expires_ms {
        return Err(SyncError::Expired { expired: Timestamp::from_millis(header.expires_ms).date() });
    }
    serde_json::from_slice(&plain).map_err(|e| bad(&e.to_string()))
}

/// Joins this PC to the school of the join file at `path`.
pub fn join_school(store: &mut Store, path: &Path, code: &str) -> Result<SchoolInfo> {
    let bytes = std::fs::read(path).map_err(|e| SyncError::file("read", path, e))?;
    join_school_from_bytes(store, &bytes, code)
}

/// Joins this PC to the school of a join file's bytes (read from a stick or fetched from a hub).
pub fn join_school_from_bytes(store: &mut Store, bytes: &[u8], code: &str) -> Result<SchoolInfo> {
    let now = Timestamp::now();
    // A restore gives the PC a new device identity (see `shiliu_store::restore`), which its
    // old certificate does not cover: it joins its own school again, as any new PC would.
    let left_by_a_restore = match store.sync_identity()? {
        Some(id) if id.device == store.device().id => return Err(SyncError::AlreadyJoined { school: id.school_name }),
        Some(id) => Some(id),
        None => None,
    };
    let secret = read_secret(bytes, code, now)?;
    if let Some(old) = left_by_a_restore.as_ref().filter(|old| old.school_id != secret.school) {
        return Err(SyncError::AlreadyJoined { school: old.school_name.clone() });
    }
    let founder: [u8; 32] = unhex(&secret.founder_key)
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| SyncError::cert("the join file's founder key is not 32 bytes"))?;
    if school_id_for(&founder) != secret.school {
        return Err(SyncError::cert("the join file's school id does not match its founder key"));
    }
    let school_key =
        unhex(&secret.school_key).filter(|k| k.len() == 32).ok_or_else(|| SyncError::cert("bad school key"))?;
    let invitation_key = DeviceKey::from_secret(&unhex(&secret.invitation_secret).unwrap_or_default())?;
    let mut registry = Registry::new(&secret.school);
    secret.certs.into_iter().for_each(|c| registry.add_cert(c));
    secret.revocations.into_iter().for_each(|r| registry.add_revocation(r));
    let key = DeviceKey::generate()?;
    let device = store.device().clone();
    let issuer = Issuer::Invitation { invitation: secret.invitation };
    let cert = DeviceCert::issue(
        &secret.school,
        device.id,
        &key.public(),
        &device.name,
        now.millis(),
        issuer,
        &invitation_key,
    );
    registry.verify_cert(&cert)?;
    let identity = SyncIdentity {
        device: device.id,
        school_id: secret.school.clone(),
        school_name: secret.school_name.clone(),
        founder_key: founder.to_vec(),
        school_key,
        device_secret: key.secret().to_vec(),
        joined: now,
    };
    // The identity the restored database had is retired, so the school's exports stop waiting
    // for a PC that no longer exists (its bundles on sticks stay good).
    let retired = left_by_a_restore
        .filter(|old| old.device != device.id)
        .map(|old| Revocation::retire(&secret.school, old.device, device.id, &key, now.millis()));
    store.transact(|tx| {
        tx.set_sync_identity(&identity)?;
        tx.write_local_version(&cert_row(&cert))?;
        if let Some(r) = &retired {
            tx.write_local_version(&revocation_row(r))?;
        }
        for c in registry.certs() {
            tx.note_device(c.device, &c.name)?;
        }
        Ok(())
    })?;
    Ok(SchoolInfo { id: secret.school, name: secret.school_name, joined: now, this_device: device.id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_are_four_groups_of_four_without_look_alikes() {
        let code = new_join_code().unwrap();
        assert_eq!(code.len(), 19);
        assert!(!code.contains(['0', 'O', '1', 'I']));
        assert_eq!(normalise(&code.to_lowercase().replace('-', " ")), code.replace('-', ""));
        assert_ne!(code, new_join_code().unwrap());
    }
}
