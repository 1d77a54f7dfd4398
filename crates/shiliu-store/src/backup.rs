//! Backups with SQLite's online backup API, automatic rotation, and a restore that refuses
//! anything but a sound Shiliu database this build can read.
//!
//! A backup is written to a temporary name, flushed to disk, then renamed into place, so a
//! power cut never leaves a half-written file under a backup's name. The app calls
//! [`Store::auto_backup`] once a day; it keeps the 7 newest daily backups and the newest backup
//! of each of the 4 weeks before them. Backups made by hand and the copies kept before a restore
//! are never rotated away.
//!
//! [`restore`] checks the file (SQLite header, Shiliu's `application_id`, schema version no newer
//! than this build, `quick_check`), keeps a copy of the current database in the backups folder —
//! byte for byte if the current file is too damaged to open — and swaps the restored file in by
//! rename. The restored database then gets a new device identity, so changes made after the
//! restore can never reuse change counters that peers already saw from this PC.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::schema;
use crate::store::Store;
use crate::time::{Timestamp, parse_date};

/// Daily automatic backups kept.
pub const KEEP_DAILY: usize = 7;
/// Weekly automatic backups kept, beyond the daily ones.
pub const KEEP_WEEKLY: usize = 4;

const AUTO_PREFIX: &str = "shiliu-";
const EXTENSION: &str = ".sqlite3";

/// A file in the backups folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupFile {
    pub path: PathBuf,
    pub bytes: u64,
    /// The day of an automatic backup (days since 1970); `None` for others.
    pub auto_day: Option<i64>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    /// The copy of the database that was replaced, if there was one.
    pub previous_kept_at: Option<PathBuf>,
    /// The schema version of the restored file before it was upgraded.
    pub restored_version: u32,
}

impl Store {
    /// Writes a consistent copy of the database to `dest`. Returns its size. An existing file
    /// there is replaced only when it is itself a Shiliu database (an older backup): a path
    /// typed by mistake must never destroy a document or a system file.
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        if dest.is_dir() {
            return Err(StoreError::invalid(
                "backup destination",
                format!("{} is a folder; name a file in it", dest.display()),
            ));
        }
        if dest.exists() && schema::check_file(dest).is_err() {
            return Err(StoreError::invalid(
                "backup destination",
                format!("{} already exists and is not a Shiliu backup; choose another name", dest.display()),
            ));
        }
        copy_database(self.conn(), dest)
    }

    /// Makes today's automatic backup in `dir` unless one exists, then rotates old ones.
    /// Returns the new backup's path.
    pub fn auto_backup(&self, dir: &Path, now: Timestamp) -> Result<Option<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::file("create the folder", dir, e))?;
        let path = dir.join(format!("{AUTO_PREFIX}{}{EXTENSION}", now.date()));
        let made = if path.exists() {
            None
        } else {
            self.backup_to(&path)?;
            Some(path)
        };
        rotate(dir)?;
        Ok(made)
    }
}

/// Database files in the backups folder `dir`, newest first.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::file("list", dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::file("list", dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(EXTENSION) {
            continue;
        }
        let auto_day = name.strip_prefix(AUTO_PREFIX).and_then(|n| n.strip_suffix(EXTENSION)).and_then(parse_date);
        let meta = entry.metadata().map_err(|e| StoreError::file("read", entry.path(), e))?;
        let modified = meta.modified().ok();
        out.push((modified, BackupFile { path: entry.path(), bytes: meta.len(), auto_day }));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.path.cmp(&a.1.path)));
    Ok(out.into_iter().map(|(_, b)| b).collect())
}

/// Deletes automatic backups beyond [`KEEP_DAILY`] daily and [`KEEP_WEEKLY`] weekly ones.
fn rotate(dir: &Path) -> Result<()> {
    let mut autos: Vec<(i64, PathBuf)> =
        list_backups(dir)?.into_iter().filter_map(|b| b.auto_day.map(|d| (d, b.path))).collect();
    autos.sort_by_key(|a| std::cmp::Reverse(a.0));
    let mut weeks_kept: Vec<i64> = Vec::new();
    for (i, (day, path)) in autos.iter().enumerate() {
        if i < KEEP_DAILY {
            continue;
        }
        let week = crate::time::week_of_day(*day);
        if weeks_kept.len() < KEEP_WEEKLY && !weeks_kept.contains(&week) {
            weeks_kept.push(week);
            continue;
        }
        std::fs::remove_file(path).map_err(|e| StoreError::file("delete the old backup", path, e))?;
    }
    Ok(())
}

/// Replaces the database at `db_path` with the Shiliu database `from`, keeping the current one
/// in `backups_dir`. Nothing may have the database open meanwhile.
pub fn restore(db_path: &Path, from: &Path, backups_dir: &Path) -> Result<RestoreReport> {
    let restored_version = schema::check_file(from)?;
    let same = |a: &Path, b: &Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if same(db_path, from) {
        return Err(StoreError::invalid("restore", "that file is the database itself"));
    }
    std::fs::create_dir_all(backups_dir).map_err(|e| StoreError::file("create the folder", backups_dir, e))?;
    let previous_kept_at = if db_path.exists() {
        let kept = keep_current(db_path, backups_dir)?;
        leave_wal_mode(db_path)?;
        Some(kept)
    } else {
        None
    };

    let staged = sibling(db_path, ".restoring");
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    copy_database(&source, &staged)?;
    drop(source);
    if let Err(e) = std::fs::rename(&staged, db_path) {
        let _ = std::fs::remove_file(&staged);
        return Err(StoreError::file("replace", db_path, e));
    }
    sync_dir(db_path);

    let mut store = Store::open(db_path)?;
    store.renew_device()?;
    store.check_integrity()?;
    Ok(RestoreReport { previous_kept_at, restored_version })
}

/// Copies the current database into the backups folder before it is replaced: through SQLite
/// when it opens, else its files byte for byte (a damaged database is still someone's work).
fn keep_current(db_path: &Path, backups_dir: &Path) -> Result<PathBuf> {
    let dest = dated_backup_path(backups_dir, "before-restore");
    let through_sqlite = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(StoreError::from)
        .and_then(|conn| copy_database(&conn, &dest));
    if through_sqlite.is_err() {
        for suffix in ["", "-wal"] {
            let from = PathBuf::from(format!("{}{suffix}", db_path.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", dest.display()));
                std::fs::copy(&from, &to).map_err(|e| StoreError::file("copy", &from, e))?;
            }
        }
    }
    Ok(dest)
}

/// `dir/<prefix>-<date>-<hh>-<mm>.sqlite3` for a backup made now, with `-2`, `-3`… when that
/// name is taken: two restores within a minute (the second undoing the first) must not
/// overwrite the copy the first one kept.
pub fn dated_backup_path(dir: &Path, prefix: &str) -> PathBuf {
    let stamp = Timestamp::now().date_time().replace([' ', ':'], "-");
    shiliu_paths::first_free_path(dir, &format!("{prefix}-{stamp}"), EXTENSION, |p| sibling(p, "-wal").exists())
}

/// Checkpoints the database and takes it out of WAL mode, so no WAL file is left to be replayed
/// onto the file that replaces it. Fails with `store.busy` while another program has it open.
fn leave_wal_mode(db_path: &Path) -> Result<()> {
    let wal = sibling(db_path, "-wal");
    let shm = sibling(db_path, "-shm");
    let switched = Connection::open(db_path).map_err(StoreError::from).and_then(|conn| {
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "delete", |r| r.get(0))?;
        Ok(mode.eq_ignore_ascii_case("delete"))
    });
    match switched {
        Ok(true) => Ok(()),
        Err(e @ StoreError::Busy { .. }) => Err(e),
        // A database too damaged to checkpoint: its WAL is already copied with it.
        _ => {
            for f in [wal, shm] {
                if f.exists() {
                    std::fs::remove_file(&f).map_err(|e| StoreError::file("remove", &f, e))?;
                }
            }
            Ok(())
        }
    }
}

/// A consistent single-file copy of `source` at `dest`, written under a temporary name, flushed
/// and renamed into place.
fn copy_database(source: &Connection, dest: &Path) -> Result<u64> {
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::file("create the folder", dir, e))?;
    }
    let tmp = sibling(dest, ".partial");
    let written = write_copy(source, &tmp);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, dest).map_err(|e| StoreError::file("rename the backup to", dest, e))?;
    sync_dir(dest);
    Ok(std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0))
}

fn write_copy(source: &Connection, tmp: &Path) -> Result<()> {
    let _ = std::fs::remove_file(tmp);
    let mut dst = Connection::open(tmp).map_err(|e| with_file(e, tmp))?;
    {
        let backup = Backup::new(source, &mut dst)?;
        loop {
            match backup.step(-1).map_err(|e| with_file(e, tmp))? {
                StepResult::Done => break,
                StepResult::More => {}
                _ => std::thread::sleep(std::time::Duration::from_millis(50)),
            }
        }
    }
    // A backup is one self-contained file, whatever the live database's journal mode.
    dst.pragma_update(None, "journal_mode", "delete").map_err(|e| with_file(e, tmp))?;
    drop(dst);
    let file = std::fs::File::open(tmp).map_err(|e| StoreError::file("open", tmp, e))?;
    file.sync_all().map_err(|e| StoreError::file("flush", tmp, e))
}

fn with_file(e: rusqlite::Error, path: &Path) -> StoreError {
    match StoreError::from(e) {
        StoreError::DiskFull { context } => {
            StoreError::DiskFull { context: format!("writing {}: {context}", path.display()) }
        }
        StoreError::ReadOnly { context } => {
            StoreError::ReadOnly { context: format!("writing {}: {context}", path.display()) }
        }
        other => other,
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// Makes a rename durable (POSIX); a no-op where directories cannot be opened.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent()
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
}
