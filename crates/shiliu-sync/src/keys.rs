//! Keys and certificates.
//!
//! * **Device key**: an Ed25519 key pair per PC, made when it founds or joins a school. It signs
//!   the PC's bundles, receipts, hub requests and the certificates it issues.
//! * **School key**: 32 random bytes shared by the school's PCs; bundles are encrypted with it
//!   (XChaCha20-Poly1305). It reaches a new PC only inside a join file protected by a code.
//! * **School id**: derived from the founding PC's public key (the first 16 bytes of its
//!   SHA-256, as hex), so anyone — the hub included — can check a founder certificate against
//!   the id without being told whom to trust.
//! * **Certificates**: a [`DeviceCert`] says "device D with key K belongs to school S", signed
//!   by the founder itself, by an enrolled device, or by a one-time [`Invitation`] key that an
//!   enrolled device signed into a join file. A [`Revocation`] says "device D is revoked",
//!   signed by an enrolled device. Every signature covers a domain tag and the canonical JSON of
//!   the statement, so no signature can be replayed as another kind.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shiliu_store::DeviceId;

use crate::error::{Result, SyncError};

/// Fills `buf` from the operating system's random number generator.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| SyncError::Random(e.to_string()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    // Lowercase only: one byte string has one text form, so a signature cannot be re-spelt.
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The school id a founder's public key gives.
pub fn school_id_for(founder_key: &[u8; 32]) -> String {
    hex(&Sha256::digest(founder_key)[..16])
}

/// A PC's signing key.
pub struct DeviceKey(SigningKey);

impl DeviceKey {
    pub fn generate() -> Result<DeviceKey> {
        let mut seed = [0u8; 32];
        random_bytes(&mut seed)?;
        Ok(DeviceKey(SigningKey::from_bytes(&seed)))
    }

    pub fn from_secret(secret: &[u8]) -> Result<DeviceKey> {
        let seed: [u8; 32] = secret.try_into().map_err(|_| SyncError::invalid("device key", "not 32 bytes"))?;
        Ok(DeviceKey(SigningKey::from_bytes(&seed)))
    }

    pub fn secret(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// Signs `message` under a domain tag: a signature made for one purpose never verifies for
    /// another.
    pub fn sign(&self, domain: &str, message: &[u8]) -> String {
        hex(&self.0.sign(&tagged(domain, message)).to_bytes())
    }
}

fn tagged(domain: &str, message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(domain.len() + 1 + message.len());
    out.extend_from_slice(domain.as_bytes());
    out.push(0);
    out.extend_from_slice(message);
    out
}

/// Checks a hex signature by the hex public key `public` over `message` under `domain`.
pub fn verify(public: &str, domain: &str, message: &[u8], signature: &str) -> Result<()> {
    let key: [u8; 32] = unhex(public)
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| SyncError::cert("a public key that is not 32 hex bytes"))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| SyncError::cert("a public key off the curve"))?;
    let sig: [u8; 64] = unhex(signature)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| SyncError::cert("a signature that is not 64 hex bytes"))?;
    key.verify_strict(&tagged(domain, message), &Signature::from_bytes(&sig))
        .map_err(|_| SyncError::cert("the signature does not match"))
}

/// Who vouches for a device certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Issuer {
    /// The founding PC, signing for itself: its key defines the school id.
    Founder,
    /// An enrolled device, signing directly.
    Device { id: DeviceId },
    /// A join file's one-time key, itself signed by an enrolled device.
    Invitation { invitation: Invitation },
}

/// "Whoever holds the secret of `key` may enrol PCs into `school` until `expires_ms`", signed
/// by the enrolled device `issued_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub school: String,
    pub key: String,
    pub issued_by: DeviceId,
    pub expires_ms: i64,
    pub signature: String,
    /// Certificates from the issuer up to the founder (not signed here; each is checked), so
    /// the certificate of a PC that joined with this invitation verifies anywhere.
    #[serde(default)]
    pub chain: Vec<DeviceCert>,
}

#[derive(Serialize)]
struct InvitationStatement<'a> {
    school: &'a str,
    key: &'a str,
    issued_by: DeviceId,
    expires_ms: i64,
}

impl Invitation {
    pub(crate) fn issue(
        school: &str,
        key: &DeviceKey,
        issuer: DeviceId,
        issuer_key: &DeviceKey,
        expires_ms: i64,
        chain: Vec<DeviceCert>,
    ) -> Invitation {
        let public = hex(&key.public());
        let statement = InvitationStatement { school, key: &public, issued_by: issuer, expires_ms };
        let signature = issuer_key.sign(INVITATION_DOMAIN, &canonical(&statement));
        Invitation { school: school.to_owned(), key: public, issued_by: issuer, expires_ms, signature, chain }
    }

    pub(crate) fn statement(&self) -> Vec<u8> {
        canonical(&InvitationStatement {
            school: &self.school,
            key: &self.key,
            issued_by: self.issued_by,
            expires_ms: self.expires_ms,
        })
    }
}

/// "Device `device` with public key `key` belongs to `school`."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCert {
    pub school: String,
    pub device: DeviceId,
    pub key: String,
    pub name: String,
    pub issued_ms: i64,
    pub issuer: Issuer,
    pub signature: String,
}

#[derive(Serialize)]
struct CertStatement<'a> {
    school: &'a str,
    device: DeviceId,
    key: &'a str,
    name: &'a str,
    issued_ms: i64,
    issuer: &'a Issuer,
}

pub(crate) const CERT_DOMAIN: &str = "shiliu-device-cert-v1";
pub(crate) const INVITATION_DOMAIN: &str = "shiliu-invitation-v1";
pub(crate) const REVOCATION_DOMAIN: &str = "shiliu-revocation-v1";

impl DeviceCert {
    /// A certificate for `device` (public key `key`), signed by `signer`.
    pub fn issue(
        school: &str,
        device: DeviceId,
        key: &[u8; 32],
        name: &str,
        issued_ms: i64,
        issuer: Issuer,
        signer: &DeviceKey,
    ) -> DeviceCert {
        let mut cert = DeviceCert {
            school: school.to_owned(),
            device,
            key: hex(key),
            name: name.to_owned(),
            issued_ms,
            issuer,
            signature: String::new(),
        };
        cert.signature = signer.sign(CERT_DOMAIN, &cert.statement());
        cert
    }

    pub(crate) fn statement(&self) -> Vec<u8> {
        canonical(&CertStatement {
            school: &self.school,
            device: self.device,
            key: &self.key,
            name: &self.name,
            issued_ms: self.issued_ms,
            issuer: &self.issuer,
        })
    }

    pub fn to_json(&self) -> String {
        String::from_utf8(canonical(self)).unwrap_or_default()
    }
}

/// "Device `device` is revoked", signed by the enrolled device `revoked_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub school: String,
    pub device: DeviceId,
    pub revoked_by: DeviceId,
    pub revoked_ms: i64,
    pub reason: String,
    /// The revoked device's highest change counter the revoking PC held: its changes beyond
    /// this are refused wherever they arrive, relayed or not. (Absent in revocations made
    /// before it existed; their time is used instead.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_counter: Option<i64>,
    /// Set when this is a retirement, not a revocation: the device's database was restored
    /// from a backup and the PC goes on under this new identity. Its bundles and what it
    /// signed stay good; it only stops counting as a PC that exports must cater for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<DeviceId>,
    pub signature: String,
}

#[derive(Serialize)]
struct RevocationStatement<'a> {
    school: &'a str,
    device: DeviceId,
    revoked_by: DeviceId,
    revoked_ms: i64,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_counter: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced_by: Option<DeviceId>,
}

impl Revocation {
    pub(crate) fn issue(
        school: &str,
        device: DeviceId,
        by: DeviceId,
        key: &DeviceKey,
        revoked_ms: i64,
        reason: &str,
        last_counter: i64,
    ) -> Revocation {
        let mut r = Revocation {
            school: school.to_owned(),
            device,
            revoked_by: by,
            revoked_ms,
            reason: reason.to_owned(),
            last_counter: Some(last_counter),
            replaced_by: None,
            signature: String::new(),
        };
        r.signature = key.sign(REVOCATION_DOMAIN, &r.statement());
        r
    }

    /// "Device `old` is retired": signed by `new`, the identity the same PC took when its
    /// database was restored from a backup.
    pub(crate) fn retire(school: &str, old: DeviceId, new: DeviceId, key: &DeviceKey, at_ms: i64) -> Revocation {
        let mut r = Revocation {
            school: school.to_owned(),
            device: old,
            revoked_by: new,
            revoked_ms: at_ms,
            reason: "its database was restored from a backup".to_owned(),
            last_counter: None,
            replaced_by: Some(new),
            signature: String::new(),
        };
        r.signature = key.sign(REVOCATION_DOMAIN, &r.statement());
        r
    }

    pub(crate) fn statement(&self) -> Vec<u8> {
        canonical(&RevocationStatement {
            school: &self.school,
            device: self.device,
            revoked_by: self.revoked_by,
            revoked_ms: self.revoked_ms,
            reason: &self.reason,
            last_counter: self.last_counter,
            replaced_by: self.replaced_by,
        })
    }

    pub fn to_json(&self) -> String {
        String::from_utf8(canonical(self)).unwrap_or_default()
    }
}

/// Serialises a statement the same way every time (struct fields in declaration order).
pub(crate) fn canonical<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_for_one_purpose_does_not_verify_for_another() {
        let key = DeviceKey::generate().unwrap();
        let public = hex(&key.public());
        let sig = key.sign(CERT_DOMAIN, b"statement");
        verify(&public, CERT_DOMAIN, b"statement", &sig).unwrap();
        assert!(verify(&public, REVOCATION_DOMAIN, b"statement", &sig).is_err());
        assert!(verify(&public, CERT_DOMAIN, b"statemenT", &sig).is_err());
    }

    #[test]
    fn the_school_id_follows_from_the_founder_key() {
        let key = DeviceKey::generate().unwrap();
        let id = school_id_for(&key.public());
        assert_eq!(id.len(), 32);
        assert_eq!(id, school_id_for(&key.public()));
        assert_ne!(id, school_id_for(&DeviceKey::generate().unwrap().public()));
    }

    #[test]
    fn hex_reads_back() {
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])).unwrap(), vec![0, 1, 254, 255]);
        assert!(unhex("abc").is_none());
        assert!(unhex("zz").is_none());
        assert!(unhex("AB").is_none(), "uppercase would give a second spelling of the same bytes");
    }
}
