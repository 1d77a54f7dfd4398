//! The crate's one error type.
//!
//! Every variant has a stable [`StoreError::code`] the UI branches on; messages are lowercase,
//! say what happened in words a teacher understands, and name the file or row involved.
//! SQLite's own failures are sorted on the way in: a full disk, a read-only file, a busy or
//! damaged database each get their own variant instead of a generic "sqlite error".

use std::path::PathBuf;

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The disk (or the file system holding the data folder) has no room left. SQLite rolled the
    /// write back, so everything committed before is intact.
    #[error("the disk is full ({context}); everything saved before is still there — free some space and try again")]
    DiskFull { context: String },

    /// The database or its folder cannot be written (read-only medium, permissions, opened read-only).
    #[error("the database cannot be written ({context}); is the data folder on a read-only disk or locked USB stick?")]
    ReadOnly { context: String },

    /// Another program holds the database (the app is open while a command changes the data).
    #[error("the database is busy in another program ({context}); close Shiliu and try again")]
    Busy { context: String },

    /// A file offered as a Shiliu database is something else.
    #[error("{path} is not a shiliu database: {reason}")]
    NotShiliu { path: PathBuf, reason: String },

    /// The database was written by a newer Shiliu than this one.
    #[error(
        "{path} was written by a newer shiliu (schema version {found}, this version reads up to {supported}); update shiliu first"
    )]
    NewerSchema { path: PathBuf, found: u32, supported: u32 },

    /// A read-only open of a database that first needs upgrading.
    #[error("{path} uses schema version {found} and needs upgrading to {latest}; open it once with write access")]
    NeedsUpgrade { path: PathBuf, found: u32, latest: u32 },

    /// SQLite reports damage, or an integrity check failed.
    #[error("the database {path} is damaged: {detail}; restore a backup with `shiliu db restore`")]
    Corrupt { path: PathBuf, detail: String },

    /// No live row with this id or name.
    #[error("no {what} {key:?}")]
    NotFound { what: &'static str, key: String },

    /// The change collides with a row that already exists (a duplicate name, an ambiguous name).
    #[error("{what}: {detail}")]
    Conflict { what: &'static str, detail: String },

    /// A PIN that is not 4–6 digits.
    #[error("a pin must be 4 to 6 digits ({reason})")]
    InvalidPin { reason: String },

    /// An input the store refuses (an empty name, a score out of range, unreadable pinyin).
    #[error("invalid {what}: {reason}")]
    Invalid { what: &'static str, reason: String },

    /// A file operation around the database (backups, recordings, the data folder).
    #[error("cannot {op} {path}: {source}")]
    File {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    /// Stored JSON that does not read back (a damaged or hand-edited row).
    #[error("stored {what} cannot be read: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },

    /// The spaced-review scheduler refused a state.
    #[error("spaced review failed: {0}")]
    Review(String),
}

impl StoreError {
    /// A stable identifier for the kind of error, for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::DiskFull { .. } => "store.disk_full",
            StoreError::ReadOnly { .. } => "store.read_only",
            StoreError::Busy { .. } => "store.busy",
            StoreError::NotShiliu { .. } => "store.not_shiliu",
            StoreError::NewerSchema { .. } => "store.newer_schema",
            StoreError::NeedsUpgrade { .. } => "store.needs_upgrade",
            StoreError::Corrupt { .. } => "store.corrupt",
            StoreError::NotFound { .. } => "store.not_found",
            StoreError::Conflict { .. } => "store.conflict",
            StoreError::InvalidPin { .. } => "store.invalid_pin",
            StoreError::Invalid { .. } => "store.invalid_input",
            StoreError::File { .. } => "store.file",
            StoreError::Sqlite(_) => "store.sqlite",
            StoreError::Json { .. } => "store.json",
            StoreError::Review(_) => "store.review",
        }
    }

    /// Wraps an I/O error, recognising a full disk (ENOSPC) and a read-only file system (EROFS,
    /// EACCES, EPERM) so they carry the same codes as SQLite's.
    pub(crate) fn file(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> StoreError {
        let path = path.into();
        match source.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                StoreError::DiskFull { context: format!("cannot {op} {}", path.display()) }
            }
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                StoreError::ReadOnly { context: format!("cannot {op} {}: {source}", path.display()) }
            }
            _ => StoreError::File { op, path, source },
        }
    }

    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid { what, reason: reason.into() }
    }

    pub(crate) fn not_found(what: &'static str, key: impl std::fmt::Display) -> StoreError {
        StoreError::NotFound { what, key: key.to_string() }
    }

    pub(crate) fn json(what: &'static str) -> impl FnOnce(serde_json::Error) -> StoreError {
        move |source| StoreError::Json { what, source }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        let Some(code) = e.sqlite_error_code() else {
            return StoreError::Sqlite(e);
        };
        let context = e.to_string();
        match code {
            ErrorCode::DiskFull => StoreError::DiskFull { context },
            ErrorCode::ReadOnly => StoreError::ReadOnly { context },
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy { context },
            ErrorCode::DatabaseCorrupt => StoreError::Corrupt { path: PathBuf::new(), detail: context },
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_namespaced_and_distinct() {
        let all = [
            StoreError::DiskFull { context: "x".into() },
            StoreError::ReadOnly { context: "x".into() },
            StoreError::Busy { context: "x".into() },
            StoreError::NotShiliu { path: "a".into(), reason: "b".into() },
            StoreError::NewerSchema { path: "a".into(), found: 9, supported: 2 },
            StoreError::NeedsUpgrade { path: "a".into(), found: 1, latest: 2 },
            StoreError::Corrupt { path: "a".into(), detail: "b".into() },
            StoreError::not_found("student", "x"),
            StoreError::Conflict { what: "class", detail: "x".into() },
            StoreError::InvalidPin { reason: "x".into() },
            StoreError::invalid("name", "empty"),
            StoreError::File { op: "read", path: "a".into(), source: std::io::Error::other("x") },
            StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows),
            StoreError::Json { what: "x", source: serde_json::from_str::<u8>("x").unwrap_err() },
            StoreError::Review("x".into()),
        ];
        let mut codes: Vec<_> = all.iter().map(StoreError::code).collect();
        assert!(codes.iter().all(|c| c.starts_with("store.")));
        assert!(all.iter().all(|e| e.to_string().starts_with(char::is_lowercase)), "messages are lowercase");
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn a_full_disk_from_the_file_system_has_the_disk_full_code() {
        let e = StoreError::file("write", "/x", std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(e.code(), "store.disk_full");
        let e = StoreError::file("write", "/x", std::io::Error::from(std::io::ErrorKind::ReadOnlyFilesystem));
        assert_eq!(e.code(), "store.read_only");
    }
}
