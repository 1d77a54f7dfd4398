//! The one owner of the database: opening, pragmas, and the single write path [`Store::transact`].
//!
//! Every write runs inside `transact(|tx| …)`, which takes SQLite's write lock up front
//! (`BEGIN IMMEDIATE`), stamps each changed row with this device's next change counter and
//! hybrid logical clock value, and commits or rolls back as a whole. The database runs in WAL
//! mode with `synchronous = FULL`: when `transact` returns, the change is on disk and survives a
//! power cut, so the app may show an attempt's result only after saving it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::error::{Result, StoreError};
use crate::hlc::Hlc;
use crate::ids::DeviceId;
use crate::schema;
use crate::time::Timestamp;

/// This PC as the database knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub(crate) key: i64,
    pub id: DeviceId,
    pub name: String,
}

/// The progress database. Not `Sync`: the app keeps one behind a mutex and runs slow work (sync,
/// reports for a whole school) off the UI thread.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    device: Device,
    read_only: bool,
    pub(crate) fsrs: fsrs::FSRS,
}

/// A write in progress. Reads through it see the transaction's own changes.
pub struct Tx<'s> {
    tx: rusqlite::Transaction<'s>,
    device: &'s Device,
    pub(crate) fsrs: &'s fsrs::FSRS,
    now: Timestamp,
    counter: i64,
    hlc: Hlc,
    stamped: bool,
    /// This PC's new name, for the open store to show once the rename is committed.
    renamed_to: Option<String>,
}

/// The sync columns of one changed row.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    pub device_key: i64,
    pub counter: i64,
    pub hlc: String,
}

impl Store {
    /// Opens (creating when missing) the database at `path`, upgrading an older schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_owned();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::file("create the folder", dir, e))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&path, flags).map_err(|e| open_error(&path, e))?;
        configure(&conn, &path)?;
        schema::inspect(&conn, &path).map_err(|e| with_path(e, &path))?;
        let journal: String = conn
            .pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))
            .map_err(|e| with_path(e.into(), &path))?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(StoreError::ReadOnly { context: format!("{} cannot switch to WAL mode", path.display()) });
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        let fsrs = scheduler()?;
        schema::migrate(&mut conn, &path, &fsrs).map_err(|e| with_path(e, &path))?;
        let device = ensure_self_device(&conn)?;
        Ok(Store { conn, path, device, read_only: false, fsrs })
    }

    /// Opens an existing, up-to-date database for reading only (reports from a copy, a
    /// read-only medium). Every write fails with `store.read_only`.
    ///
    /// A WAL database on a read-only medium cannot be opened the normal way when its shared
    /// memory file is absent (it cannot be created); it is then opened as immutable, which is
    /// exact for a cleanly closed database because its WAL was checkpointed on close.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_owned();
        let conn = match open_reader(&path, false) {
            Err(StoreError::ReadOnly { .. }) => open_reader(&path, true)?,
            other => other?,
        };
        let found = schema::inspect(&conn, &path).map_err(|e| with_path(e, &path))?;
        if found < schema::LATEST_VERSION {
            return Err(StoreError::NeedsUpgrade { path, found, latest: schema::LATEST_VERSION });
        }
        let device = self_device(&conn)?.ok_or_else(|| StoreError::not_found("device", "this pc"))?;
        Ok(Store { conn, path, device, read_only: true, fsrs: scheduler()? })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This PC's identity in the database.
    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Runs `PRAGMA integrity_check`; `Err(store.corrupt)` names the first problem found.
    pub fn check_integrity(&self) -> Result<()> {
        match schema::integrity_problems(&self.conn, "integrity_check")?.into_iter().next() {
            None => Ok(()),
            Some(detail) => Err(StoreError::Corrupt { path: self.path.clone(), detail }),
        }
    }

    /// Runs `f` as one transaction: all its writes are committed together, or none are.
    pub fn transact<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(StoreError::ReadOnly { context: format!("{} was opened read-only", self.path.display()) });
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (counter, hlc) = tx
            .prepare_cached(include_str!("device/self_get.sql"))?
            .query_row([], |r| Ok((r.get::<_, i64>(3)?, r.get::<_, String>(4)?)))?;
        let hlc = if hlc.is_empty() { Hlc::zero(self.device.id) } else { hlc.parse()? };
        let mut tx = Tx {
            tx,
            device: &self.device,
            fsrs: &self.fsrs,
            now: Timestamp::now(),
            counter,
            hlc,
            stamped: false,
            renamed_to: None,
        };
        let value = f(&mut tx).map_err(|e| with_path(e, &self.path))?;
        let renamed_to = tx.renamed_to.take();
        tx.finish().map_err(|e| with_path(e, &self.path))?;
        if let Some(name) = renamed_to {
            self.device.name = name;
        }
        Ok(value)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Gives this database a new device identity, keeping the old one as a peer. Used after a
    /// restore: the restored file's counters are behind what peers may already have seen from
    /// this PC, and a new identity can never reuse a counter a peer has recorded.
    pub(crate) fn renew_device(&mut self) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(include_str!("device/retire_self.sql"), [])?;
        tx.commit()?;
        self.device = ensure_self_device(&self.conn)?;
        Ok(())
    }
}

impl<'s> Tx<'s> {
    /// The wall-clock time this transaction started.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// This PC.
    pub fn device(&self) -> &Device {
        self.device
    }

    /// The connection, for reads and for the crate's own writes (which stamp their rows).
    pub(crate) fn db(&self) -> &Connection {
        &self.tx
    }

    /// The next change counter and clock value, for one changed row.
    pub(crate) fn stamp(&mut self) -> Stamp {
        self.counter += 1;
        self.hlc = self.hlc.tick(self.now);
        self.stamped = true;
        Stamp { device_key: self.device.key, counter: self.counter, hlc: self.hlc.to_string() }
    }

    /// Moves this device's clock past a value received from a peer (for the sync layer).
    pub fn observe_hlc(&mut self, remote: Hlc) {
        self.hlc = self.hlc.receive(remote, self.now);
        self.stamped = true;
    }

    /// Renames this PC (shown to peers and in reports).
    pub fn rename_device(&mut self, name: &str) -> Result<()> {
        let name = crate::people::clean_name("device name", name)?;
        self.tx.prepare_cached(include_str!("device/rename.sql"))?.execute(params![self.device.key, name])?;
        self.renamed_to = Some(name);
        Ok(())
    }

    fn finish(self) -> Result<()> {
        if self.stamped {
            self.tx.prepare_cached(include_str!("device/stamp_save.sql"))?.execute(params![
                self.device.key,
                self.counter,
                self.hlc.to_string()
            ])?;
        }
        self.tx.commit()?;
        Ok(())
    }
}

fn open_reader(path: &Path, immutable: bool) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = if immutable {
        let uri = format!("file:{}?immutable=1", uri_path(path));
        Connection::open_with_flags(uri, flags)
    } else {
        Connection::open_with_flags(path, flags)
    };
    let conn = conn.map_err(|e| open_error(path, e))?;
    configure(&conn, path)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

/// A file path as the path part of an SQLite URI (`%`, `?` and `#` escaped, `/` separators).
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    if out.as_bytes().get(1) == Some(&b':') {
        out.insert(0, '/'); // C:/… → /C:/…
    }
    out
}

fn scheduler() -> Result<fsrs::FSRS> {
    fsrs::FSRS::new(&[]).map_err(|e| StoreError::Review(e.to_string()))
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // A file that is not a database at all fails here, on the first read.
    conn.pragma_query_value(None, "schema_version", |r| r.get::<_, i64>(0)).map_err(|e| open_error(path, e))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // 16 MiB of page cache (SQLite's default is 2 MiB): the indexes a report or an attempt
    // touches stay in memory on a database of a million attempts.
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(())
}

fn self_device(conn: &Connection) -> Result<Option<Device>> {
    Ok(conn
        .prepare_cached(include_str!("device/self_get.sql"))?
        .query_row([], |r| Ok(Device { key: r.get(0)?, id: r.get(1)?, name: r.get(2)? }))
        .optional()?)
}

fn ensure_self_device(conn: &Connection) -> Result<Device> {
    if let Some(device) = self_device(conn)? {
        return Ok(device);
    }
    let id = DeviceId::new();
    conn.prepare_cached(include_str!("device/self_add.sql"))?.execute(params![
        id,
        host_name(),
        Timestamp::now().millis()
    ])?;
    self_device(conn)?.ok_or_else(|| StoreError::not_found("device", id))
}

/// The PC's network name, so a volunteer can tell PCs apart; "this PC" when unknown.
fn host_name() -> String {
    let from_file = std::fs::read_to_string("/proc/sys/kernel/hostname").ok();
    from_file
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "this PC".to_owned())
}

/// Sorts the ways opening can fail into the crate's codes, naming the file.
fn open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            StoreError::NotShiliu { path: path.to_owned(), reason: "it is not an SQLite database".into() }
        }
        Some(rusqlite::ErrorCode::CannotOpen) if path.exists() => {
            StoreError::ReadOnly { context: format!("{} cannot be opened for writing: {e}", path.display()) }
        }
        _ => with_path(e.into(), path),
    }
}

fn with_path(e: StoreError, path: &Path) -> StoreError {
    match e {
        StoreError::Corrupt { detail, .. } => StoreError::Corrupt { path: path.to_owned(), detail },
        StoreError::ReadOnly { context } => StoreError::ReadOnly { context: format!("{}: {context}", path.display()) },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::NewStudent;

    fn open() -> (tempfile::TempDir, Store, crate::FacilityId) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("s.sqlite3")).unwrap();
        let school = store.transact(|tx| tx.ensure_facility("School")).unwrap();
        (dir, store, school)
    }

    fn add(store: &mut Store, school: crate::FacilityId, n: usize) -> Result<crate::StudentId> {
        let name = format!("student {n} {}", "名".repeat(20));
        store.transact(|tx| tx.add_student(school, &NewStudent { name, ..Default::default() }))
    }

    /// The file system is not full here: SQLite's page limit makes the database "full" at a
    /// fixed size, which takes the same SQLITE_FULL path as a full disk.
    #[test]
    fn a_full_database_reports_disk_full_and_keeps_earlier_writes() {
        let (_dir, mut store, school) = open();
        let pages: i64 = store.conn.pragma_query_value(None, "page_count", |r| r.get(0)).unwrap();
        store.conn.pragma_update(None, "max_page_count", pages + 3).unwrap();
        let mut saved = Vec::new();
        let e = loop {
            match add(&mut store, school, saved.len()) {
                Ok(id) => saved.push(id),
                Err(e) => break e,
            }
            assert!(saved.len() < 10_000, "the limit never hit");
        };
        assert_eq!(e.code(), "store.disk_full", "{e}");
        assert!(!saved.is_empty());
        assert_eq!(store.students().unwrap().len(), saved.len());
        store.check_integrity().unwrap();
        let counter: i64 =
            store.conn.query_row("SELECT counter FROM devices WHERE is_self = 1", [], |r| r.get(0)).unwrap();
        assert_eq!(counter as usize, saved.len() + 1, "the failed write used no counter");
    }

    #[test]
    fn a_write_sqlite_refuses_as_read_only_has_the_read_only_code() {
        let (_dir, mut store, school) = open();
        add(&mut store, school, 0).unwrap();
        store.conn.pragma_update(None, "query_only", true).unwrap();
        let e = add(&mut store, school, 1).unwrap_err();
        assert_eq!(e.code(), "store.read_only", "{e}");
        store.conn.pragma_update(None, "query_only", false).unwrap();
        assert_eq!(store.students().unwrap().len(), 1);
    }

    #[test]
    fn uri_paths_escape_what_sqlite_would_read_as_query() {
        assert_eq!(uri_path(Path::new("/a b/x?y#z%.db")), "/a b/x%3fy%23z%25.db");
        assert_eq!(uri_path(Path::new("C:\\Data\\s.db")), "/C:/Data/s.db");
    }
}
