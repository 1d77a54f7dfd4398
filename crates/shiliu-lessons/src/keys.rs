//! Publisher keys: who may sign add-on packs, and which signers this PC trusts.
//!
//! A publisher (the project, a district's teacher-trainer) makes a keypair once with
//! `shiliu pack keygen` and keeps the private key off classroom PCs. A classroom PC trusts the
//! keys built into the app plus the ones a teacher added with `shiliu pack trust`, stored in
//! `<data>/packs/trusted-keys.toml`. Keys are ed25519; files hold them as hex text so they can
//! be read out over the phone or compared by eye.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use shiliu_paths::DataDir;

use crate::error::{LessonError, Result};
use crate::fsutil::{create_private, write_atomic};
use crate::load::parse_toml;

/// Publisher keys every copy of the app trusts: `(name, public key hex)`. Empty until the project
/// has a publishing key kept somewhere safer than a developer machine; teachers add keys with
/// `shiliu pack trust`.
pub const BUILTIN_TRUSTED_KEYS: &[(&str, &str)] = &[];

/// The trust store's file name inside `<data>/packs/`.
pub const TRUSTED_KEYS_FILE: &str = "trusted-keys.toml";

/// An ed25519 public key of a pack publisher.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// From 64 hex digits.
    pub fn from_hex(text: &str) -> std::result::Result<PublicKey, String> {
        let bytes: [u8; 32] = hex::decode(text.trim())
            .map_err(|e| format!("not hex: {e}"))?
            .try_into()
            .map_err(|b: Vec<u8>| format!("{} bytes, an ed25519 public key has 32", b.len()))?;
        VerifyingKey::from_bytes(&bytes).map(PublicKey).map_err(|_| "not a point on the curve".to_owned())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Whether `signature` is this key's signature of `message` (strict verification: no
    /// malleable or weak-key signatures).
    pub fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature)).is_ok()
    }

    /// Reads a `.pub` file: the hex key, `#` comment lines allowed.
    pub fn read(path: &Path) -> Result<PublicKey> {
        let text = read_key_text(path)?;
        if text.private {
            let why = "this is the private key; trust the .pub file written beside it".to_owned();
            return Err(LessonError::Key { path: path.to_owned(), what: "public key", why });
        }
        let text = text.hex;
        PublicKey::from_hex(&text).map_err(|why| LessonError::Key { path: path.to_owned(), what: "public key", why })
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<PublicKey, D::Error> {
        PublicKey::from_hex(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A publisher's private signing key. Its `Debug` never shows the key.
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<SecretKey> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| LessonError::Key {
            path: PathBuf::new(),
            what: "new key",
            why: format!("no randomness from the operating system: {e}"),
        })?;
        Ok(SecretKey::from_seed(seed))
    }

    /// The key for a 32-byte seed (tests use fixed seeds to get the same key every run).
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(&seed))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    /// Reads a private key file written by [`write_keypair`].
    pub fn read(path: &Path) -> Result<SecretKey> {
        let text = read_key_text(path)?;
        let bad = |why: String| LessonError::Key { path: path.to_owned(), what: "private key", why };
        // Both files are 64 hex digits: only the private key's first line tells them apart.
        if !text.private {
            return Err(bad("this is not a private key file (sign with the .key file `pack keygen` wrote)".into()));
        }
        let text = text.hex;
        let seed: [u8; 32] = hex::decode(text.trim())
            .map_err(|e| bad(format!("not hex: {e}")))?
            .try_into()
            .map_err(|b: Vec<u8>| bad(format!("{} bytes, an ed25519 private key has 32", b.len())))?;
        Ok(SecretKey::from_seed(seed))
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(public {})", self.public())
    }
}

/// The first line of every private key file `write_keypair` writes.
const PRIVATE_HEADER: &str = "# shiliu pack publisher private key";

struct KeyText {
    hex: String,
    /// The file says it is a private key.
    private: bool,
}

fn read_key_text(path: &Path) -> Result<KeyText> {
    let text = std::fs::read_to_string(path).map_err(LessonError::file("read", path))?;
    Ok(KeyText {
        hex: text.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<Vec<_>>().join(""),
        private: text.lines().any(|l| l.trim_start().starts_with(PRIVATE_HEADER)),
    })
}

/// Writes a new keypair as `<dir>/<name>.key` (private, owner-only) and `<dir>/<name>.pub`.
/// Refuses to overwrite an existing key: losing a publisher key orphans every pack signed with it.
pub fn write_keypair(dir: &Path, name: &str) -> Result<(PathBuf, PathBuf)> {
    // A plain file name: `../x` or an empty name would put the keys elsewhere or hide them.
    if name.trim().is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        let why = "name the key with a plain file name, such as district".to_owned();
        return Err(LessonError::Key { path: dir.join(name), what: "key name", why });
    }
    std::fs::create_dir_all(dir).map_err(LessonError::file("create", dir))?;
    let (private, public) = (dir.join(format!("{name}.key")), dir.join(format!("{name}.pub")));
    for path in [&private, &public] {
        if path.exists() {
            let source = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "a key is already there");
            return Err(LessonError::File { op: "create", path: path.clone(), source });
        }
    }
    let key = SecretKey::generate()?;
    let mut file = create_private(&private)?;
    let text = format!(
        "{PRIVATE_HEADER}: keep it secret, never copy it to a classroom pc\n{}\n",
        hex::encode(key.0.to_bytes())
    );
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(LessonError::file("write", &private))?;
    write_atomic(&public, format!("{}\n", key.public()).as_bytes())?;
    Ok((private, public))
}

/// A key this PC accepts pack signatures from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedKey {
    pub name: String,
    pub key: PublicKey,
    /// Built into the app rather than added by a teacher.
    pub builtin: bool,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    #[serde(default)]
    key: Vec<TrustEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustEntry {
    name: String,
    public_key: PublicKey,
}

fn trust_file(data: &DataDir) -> PathBuf {
    data.packs().join(TRUSTED_KEYS_FILE)
}

fn read_trust_file(path: &Path) -> Result<TrustFile> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_toml(&path.display().to_string(), &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrustFile::default()),
        Err(e) => Err(LessonError::File { op: "read", path: path.to_owned(), source: e }),
    }
}

/// The built-in keys, then the ones teachers added.
pub fn trusted_keys(data: &DataDir) -> Result<Vec<TrustedKey>> {
    let mut out: Vec<TrustedKey> = BUILTIN_TRUSTED_KEYS
        .iter()
        .map(|(name, hex)| TrustedKey {
            name: (*name).to_owned(),
            key: PublicKey::from_hex(hex).expect("built-in keys are valid"),
            builtin: true,
        })
        .collect();
    for entry in read_trust_file(&trust_file(data))?.key {
        if !out.iter().any(|k| k.key == entry.public_key) {
            out.push(TrustedKey { name: entry.name, key: entry.public_key, builtin: false });
        }
    }
    Ok(out)
}

/// Adds a key to this PC's trust store (or renames it if it is already there).
pub fn trust_key(data: &DataDir, key: PublicKey, name: &str) -> Result<TrustedKey> {
    let path = trust_file(data);
    std::fs::create_dir_all(data.packs()).map_err(LessonError::file("create", data.packs()))?;
    let mut file = read_trust_file(&path)?;
    match file.key.iter_mut().find(|e| e.public_key == key) {
        Some(entry) => entry.name = name.to_owned(),
        None => file.key.push(TrustEntry { name: name.to_owned(), public_key: key }),
    }
    let body = toml::to_string(&file).map_err(|e| LessonError::Key {
        path: path.clone(),
        what: "trust store",
        why: e.to_string(),
    })?;
    let text = format!("# Publisher keys this PC trusts for add-on lesson packs (`shiliu pack trust`).\n\n{body}");
    write_atomic(&path, text.as_bytes())?;
    Ok(TrustedKey { name: name.to_owned(), key, builtin: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_for_the_signed_bytes_and_the_signing_key() {
        let key = SecretKey::from_seed([7; 32]);
        let other = SecretKey::from_seed([8; 32]);
        let sig = key.sign(b"manifest");
        assert!(key.public().verifies(b"manifest", &sig));
        assert!(!key.public().verifies(b"manifest!", &sig));
        assert!(!other.public().verifies(b"manifest", &sig));
    }

    #[test]
    fn keypair_files_round_trip_and_the_private_one_is_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = write_keypair(dir.path(), "district").unwrap();
        let secret = SecretKey::read(&private).unwrap();
        assert_eq!(PublicKey::read(&public).unwrap(), secret.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&private).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(write_keypair(dir.path(), "district").unwrap_err().code(), "lessons.file");
    }

    #[test]
    fn the_private_and_public_key_files_cannot_be_swapped() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = write_keypair(dir.path(), "district").unwrap();
        assert!(PublicKey::read(&private).unwrap_err().to_string().contains("this is the private key"));
        assert!(SecretKey::read(&public).unwrap_err().to_string().contains("not a private key file"));
    }

    #[test]
    fn a_key_name_must_be_a_plain_file_name() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["", "../evil", ".hidden", "a/b"] {
            assert_eq!(write_keypair(dir.path(), name).unwrap_err().code(), "lessons.key", "{name:?}");
        }
    }

    #[test]
    fn trusting_a_key_persists_and_does_not_duplicate_it() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(dir.path());
        let key = SecretKey::from_seed([9; 32]).public();
        assert!(trusted_keys(&data).unwrap().iter().all(|k| k.builtin));
        trust_key(&data, key, "Teacher Li").unwrap();
        trust_key(&data, key, "Li Ming").unwrap();
        let added: Vec<_> = trusted_keys(&data).unwrap().into_iter().filter(|k| !k.builtin).collect();
        assert_eq!(added.len(), 1);
        assert_eq!((added[0].name.as_str(), added[0].key), ("Li Ming", key));
    }

    #[test]
    fn malformed_public_keys_say_why() {
        assert!(PublicKey::from_hex("abc").unwrap_err().contains("hex"));
        assert!(PublicKey::from_hex(&"00".repeat(31)).unwrap_err().contains("31 bytes"));
    }
}
