//! The schema: numbered, forward-only migrations tracked by `PRAGMA user_version`, and the checks
//! that tell a Shiliu database from any other file.
//!
//! Every Shiliu database carries [`APPLICATION_ID`] in its header (`PRAGMA application_id`), so a
//! restore can refuse another program's SQLite file before touching anything. Upgrading runs all
//! pending migrations and the rebuild of derived tables in one transaction: a power cut during an
//! upgrade leaves the old version intact, never a half-upgraded file. A database newer than this
//! build is refused rather than guessed at.

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Result, StoreError};

/// "SHLU": the `application_id` of every Shiliu database.
pub const APPLICATION_ID: i32 = 0x5348_4C55;

/// The schema version this build writes.
pub const LATEST_VERSION: u32 = 4;

struct Migration {
    version: u32,
    sql: &'static str,
    /// Whether derived tables (statistics, review cards) must be rebuilt from attempts afterwards.
    rebuilds_derived: bool,
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, sql: include_str!("0001_initial.sql"), rebuilds_derived: false },
    Migration { version: 2, sql: include_str!("0002_review_audio_sync.sql"), rebuilds_derived: true },
    Migration { version: 3, sql: include_str!("0003_sync_exchange.sql"), rebuilds_derived: false },
    Migration { version: 4, sql: include_str!("0004_peer_names.sql"), rebuilds_derived: false },
];

/// The schema version of an open database, or an error when it is not Shiliu's or is too new.
pub(crate) fn inspect(conn: &Connection, path: &Path) -> Result<u32> {
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if app_id == 0 && version == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables > 0 {
            return Err(not_shiliu(path, "it holds another program's tables"));
        }
        return Ok(0);
    }
    if app_id != APPLICATION_ID {
        return Err(not_shiliu(path, &format!("its application id is {app_id:#010x}, not Shiliu's")));
    }
    if version > LATEST_VERSION {
        return Err(StoreError::NewerSchema { path: path.to_owned(), found: version, supported: LATEST_VERSION });
    }
    Ok(version)
}

/// Brings the database to [`LATEST_VERSION`] in one transaction.
pub(crate) fn migrate(conn: &mut Connection, path: &Path, fsrs: &fsrs::FSRS) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = inspect(&tx, path)?;
    if found == LATEST_VERSION {
        return Ok(());
    }
    let mut rebuild = false;
    for m in MIGRATIONS.iter().filter(|m| m.version > found) {
        tx.execute_batch(m.sql)?;
        rebuild |= m.rebuilds_derived && found > 0;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", LATEST_VERSION)?;
    if rebuild {
        crate::derived::rebuild(&tx, fsrs, crate::derived::Scope::Everyone)?;
    }
    tx.commit()?;
    Ok(())
}

/// SHA-256 over every row of every table of the database at `path` (only read): equal
/// before and after an operation exactly when it changed nothing (refused imports, dry runs).
pub fn content_fingerprint(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let conn = Connection::open(path)?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut hash = Sha256::new();
    for table in tables {
        let columns = conn.prepare(&format!("SELECT * FROM \"{table}\""))?.column_count();
        let order = (1..=columns).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY {order}"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for i in 0..columns {
                hash.update(format!("{:?}|", row.get_ref(i)?));
            }
        }
        hash.update(table.as_bytes());
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks that a file is a readable Shiliu database this build understands, without changing it.
/// Returns its schema version.
pub fn check_file(path: &Path) -> Result<u32> {
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::file("open", path, e))?;
    if file.read_exact(&mut header).is_err() || &header != b"SQLite format 3\0" {
        return Err(not_shiliu(path, "it is not an SQLite database"));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| not_shiliu(path, &format!("sqlite cannot open it: {e}")))?;
    let version = inspect(&conn, path).map_err(|e| match e {
        StoreError::Sqlite(inner) => not_shiliu(path, &format!("sqlite cannot read it: {inner}")),
        StoreError::Corrupt { detail, .. } => StoreError::Corrupt { path: path.to_owned(), detail },
        other => other,
    })?;
    if version == 0 {
        return Err(not_shiliu(path, "it is empty"));
    }
    let problems = integrity_problems(&conn, "quick_check")
        .map_err(|e| StoreError::Corrupt { path: path.to_owned(), detail: e.to_string() })?;
    if let Some(first) = problems.first() {
        return Err(StoreError::Corrupt { path: path.to_owned(), detail: first.clone() });
    }
    Ok(version)
}

/// The problems `PRAGMA integrity_check` (or `quick_check`) reports; empty when the file is sound.
pub(crate) fn integrity_problems(conn: &Connection, pragma: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let lines = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
}

fn not_shiliu(path: &Path, reason: &str) -> StoreError {
    StoreError::NotShiliu { path: path.to_owned(), reason: reason.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one_up_to_the_latest() {
        let versions: Vec<u32> = MIGRATIONS.iter().map(|m| m.version).collect();
        assert_eq!(versions, (1..=LATEST_VERSION).collect::<Vec<_>>());
    }

    #[test]
    fn the_latest_schema_version_is_pinned() {
        // Bumping this needs a new migration file and an upgrade test from the previous version.
        assert_eq!(LATEST_VERSION, 4);
    }

    #[test]
    fn the_first_migration_is_frozen() {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(MIGRATIONS[0].sql.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, FIRST_MIGRATION_SHA256, "0001_initial.sql changed; add a migration instead");
    }

    const FIRST_MIGRATION_SHA256: &str = "c9f7acb6fae2eeb4758f2577832c31e8fb87a13a24d375ca015d444d7e959dac";

    #[test]
    fn an_sqlite_file_of_another_program_is_not_shiliu() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');").unwrap();
        drop(conn);
        assert_eq!(check_file(&path).unwrap_err().code(), "store.not_shiliu");
        std::fs::write(dir.path().join("text"), "hello, this is not a database at all").unwrap();
        assert_eq!(check_file(&dir.path().join("text")).unwrap_err().code(), "store.not_shiliu");
    }
}
