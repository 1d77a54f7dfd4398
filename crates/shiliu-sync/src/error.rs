//! The crate's one error type, with a stable [`SyncError::code`] per variant for the UI.
//!
//! Messages are lowercase and say what a volunteer or teacher can do about the problem. Every
//! refusal of a bundle leaves the database exactly as it was.

use std::path::PathBuf;

use shiliu_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The progress database failed.
    #[error(transparent)]
    Store(#[from] StoreError),

    /// This PC has not joined a school yet.
    #[error(
        "this pc has not joined a school yet: create one (`shiliu school create NAME`) or join one from a join file"
    )]
    NoSchool,

    /// This PC already belongs to a school.
    #[error("this pc already belongs to the school {school:?}")]
    AlreadyJoined { school: String },

    /// The database got a new device identity (after a restore) that the school does not know.
    #[error("this pc's identity changed after a restore; join the school again with a new join file")]
    IdentityChanged,

    /// A file that is not what it should be: too short, wrong magic, cut off, garbled header.
    #[error("{what} is damaged or incomplete: {reason}")]
    Malformed { what: &'static str, reason: String },

    /// A file of a newer format than this Shiliu reads.
    #[error("{what} uses format {found}; this shiliu reads format {supported}: update shiliu")]
    NewerFormat { what: &'static str, found: u32, supported: u32 },

    /// The signature does not match the contents: changed after it was written.
    #[error("the bundle's signature does not match its contents: it was changed or damaged after {origin} wrote it")]
    BadSignature { origin: String },

    /// Decryption failed: wrong school key, or a damaged or tampered file.
    #[error("{what} cannot be decrypted: {reason}")]
    Decrypt { what: &'static str, reason: String },

    /// A bundle of another school.
    #[error("the bundle belongs to another school ({found}); this pc belongs to {expected}")]
    WrongSchool { expected: String, found: String },

    /// A bundle signed by a device the school does not know.
    #[error("the bundle comes from a device this school does not know ({device})")]
    UnknownDevice { device: String },

    /// A bundle signed by a revoked device.
    #[error("the bundle comes from the revoked device {device} ({name}); it was refused")]
    RevokedDevice { device: String, name: String },

    /// A certificate or receipt whose signature or chain is wrong.
    #[error("invalid certificate: {reason}")]
    BadCertificate { reason: String },

    /// A bundle that builds on changes this PC does not have yet.
    #[error(
        "this pc has not yet received changes the bundle builds on ({missing}); import the other bundles on the stick first, or ask for a full export (`shiliu sync export --full`)"
    )]
    NeedsEarlier { missing: String },

    /// A wrong join code or passphrase.
    #[error("the join code or passphrase is wrong (or the join file is damaged)")]
    WrongCode,

    /// A join file past its expiry date.
    #[error("the join file expired on {expired}; ask a teacher for a new one")]
    Expired { expired: String },

    /// An input the sync layer refuses.
    #[error("invalid {what}: {reason}")]
    Invalid { what: &'static str, reason: String },

    /// A file operation.
    #[error("cannot {op} {path}: {source}")]
    File {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The hub could not be reached (network down, hub stopped).
    #[error("the hub {url} cannot be reached: {reason}")]
    HubUnreachable { url: String, reason: String },

    /// The hub answered with an error.
    #[error("the hub {url} refused the request ({status}): {message}")]
    HubRefused { url: String, status: u16, message: String },

    /// Something answered at the address, but not a Shiliu hub (another web server, a wrong
    /// path or port, a captive portal).
    #[error("{url} does not answer like a shiliu hub ({detail}); check the address, e.g. http://192.168.1.10:8750")]
    NotAHub { url: String, detail: String },

    /// Randomness from the operating system failed.
    #[error("the operating system gave no random numbers: {0}")]
    Random(String),
}

impl SyncError {
    /// A stable identifier for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Store(e) => e.code(),
            SyncError::NoSchool => "sync.no_school",
            SyncError::AlreadyJoined { .. } => "sync.already_joined",
            SyncError::IdentityChanged => "sync.identity_changed",
            SyncError::Malformed { .. } => "sync.malformed",
            SyncError::NewerFormat { .. } => "sync.newer_format",
            SyncError::BadSignature { .. } => "sync.bad_signature",
            SyncError::Decrypt { .. } => "sync.decrypt",
            SyncError::WrongSchool { .. } => "sync.wrong_school",
            SyncError::UnknownDevice { .. } => "sync.unknown_device",
            SyncError::RevokedDevice { .. } => "sync.revoked_device",
            SyncError::BadCertificate { .. } => "sync.bad_certificate",
            SyncError::NeedsEarlier { .. } => "sync.needs_earlier",
            SyncError::WrongCode => "sync.wrong_code",
            SyncError::Expired { .. } => "sync.expired",
            SyncError::Invalid { .. } => "sync.invalid_input",
            SyncError::File { .. } => "sync.file",
            SyncError::HubUnreachable { .. } => "sync.hub_unreachable",
            SyncError::HubRefused { .. } => "sync.hub_refused",
            SyncError::NotAHub { .. } => "sync.not_a_hub",
            SyncError::Random(_) => "sync.random",
        }
    }

    pub(crate) fn malformed(what: &'static str, reason: impl Into<String>) -> SyncError {
        SyncError::Malformed { what, reason: reason.into() }
    }

    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> SyncError {
        SyncError::Invalid { what, reason: reason.into() }
    }

    pub(crate) fn cert(reason: impl Into<String>) -> SyncError {
        SyncError::BadCertificate { reason: reason.into() }
    }

    pub(crate) fn file(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> SyncError {
        SyncError::File { op, path: path.into(), source }
    }

    /// Whether retrying later may succeed (the hub loop backs off and tries again).
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::HubUnreachable { .. } => true,
            SyncError::HubRefused { status, .. } => *status >= 500 || *status == 409 || *status == 429,
            SyncError::Store(e) => e.code() == "store.busy",
            _ => false,
        }
    }
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_namespaced_and_distinct() {
        let all = [
            SyncError::NoSchool,
            SyncError::AlreadyJoined { school: "x".into() },
            SyncError::IdentityChanged,
            SyncError::malformed("bundle", "x"),
            SyncError::NewerFormat { what: "bundle", found: 2, supported: 1 },
            SyncError::BadSignature { origin: "x".into() },
            SyncError::Decrypt { what: "bundle", reason: "x".into() },
            SyncError::WrongSchool { expected: "a".into(), found: "b".into() },
            SyncError::UnknownDevice { device: "x".into() },
            SyncError::RevokedDevice { device: "x".into(), name: "y".into() },
            SyncError::cert("x"),
            SyncError::NeedsEarlier { missing: "x".into() },
            SyncError::WrongCode,
            SyncError::Expired { expired: "x".into() },
            SyncError::invalid("x", "y"),
            SyncError::file("read", "/x", std::io::Error::other("x")),
            SyncError::HubUnreachable { url: "u".into(), reason: "r".into() },
            SyncError::HubRefused { url: "u".into(), status: 500, message: "m".into() },
            SyncError::Random("x".into()),
        ];
        let mut codes: Vec<_> = all.iter().map(SyncError::code).collect();
        assert!(codes.iter().all(|c| c.starts_with("sync.")));
        assert!(all.iter().all(|e| e.to_string().starts_with(char::is_lowercase)), "messages are lowercase");
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
