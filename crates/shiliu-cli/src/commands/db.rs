//! `shiliu db …`: back up, restore and check the progress database; and the `--db PATH`
//! option every data command shares.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use shiliu_paths::DataDir;
use shiliu_store::Store;

/// Which database a command works on.
#[derive(Args)]
pub struct DbArg {
    /// The progress database (default: shiliu.sqlite3 in the data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self, data: &DataDir) -> PathBuf {
        self.db.clone().unwrap_or_else(|| data.database())
    }

    /// Opens the database for changes, creating it when missing.
    pub fn open(&self, data: &DataDir) -> Result<Store> {
        Ok(Store::open(self.path(data))?)
    }

    /// Opens an existing database for reports and lists; read-only when it cannot be written.
    pub fn open_existing(&self, data: &DataDir) -> Result<Store> {
        let path = self.path(data);
        if !path.exists() {
            bail!(
                "no database at {} yet: this pc has no classes and is in no school; start with `shiliu class add NAME`, \
                 `shiliu school create NAME` or `shiliu school join FILE`",
                path.display()
            );
        }
        match Store::open(&path) {
            Err(e) if e.code() == "store.read_only" => Ok(Store::open_read_only(&path)?),
            other => Ok(other?),
        }
    }
}

#[derive(Args)]
pub struct DbArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(Subcommand)]
enum DbCommand {
    /// Copy the database (safe while Shiliu runs) into the backups folder, or to --to PATH (a
    /// file such as backup.sqlite3, or a folder to put a dated backup in; a new path without an
    /// extension is made as a folder). Only an older backup is ever overwritten.
    Backup {
        #[arg(long, value_name = "PATH")]
        to: Option<PathBuf>,
    },
    /// Replace the database with a backup; the current one is kept in the backups folder.
    /// Close the Shiliu app first.
    Restore { file: PathBuf },
    /// List the backups folder.
    Backups,
    /// Check the database: integrity, schema version, this PC's identity, size.
    Check,
}

/// An existing folder, or a path that does not exist yet and has no extension (`/media/usb/备份`)
/// or ends in a slash: a folder to make, not a backup file without an extension.
fn names_a_folder(path: &std::path::Path) -> bool {
    path.is_dir()
        || (!path.exists() && (path.extension().is_none() || path.as_os_str().to_string_lossy().ends_with('/')))
}

pub fn run(args: DbArgs, data: &DataDir) -> Result<()> {
    let backups = data.backups();
    match args.command {
        DbCommand::Backup { to } => {
            let store = args.db.open_existing(data)?;
            // A folder (a stick's root, or a new folder named without an extension) gets a
            // dated file of its own.
            let dest = match to {
                Some(path) if !names_a_folder(&path) => path,
                folder => shiliu_store::dated_backup_path(&folder.unwrap_or(backups), "shiliu"),
            };
            let bytes = store.backup_to(&dest)?;
            println!("backed up {} attempts to {} ({})", store.count_attempts()?, dest.display(), size(bytes));
            // A copy of a damaged database is still worth keeping, but must not pass as sound.
            if let Err(e) = shiliu_store::check_file(&dest) {
                eprintln!("warning: the database is damaged and so is this backup ({e}); run `shiliu db check`");
            }
        }
        DbCommand::Restore { file } => {
            let path = args.db.path(data);
            let report = shiliu_store::restore(&path, &file, &backups)?;
            let store = Store::open(&path)?;
            println!(
                "restored {} (schema version {}): {} students, {} attempts",
                file.display(),
                report.restored_version,
                store.students()?.len(),
                store.count_attempts()?
            );
            if let Some(kept) = report.previous_kept_at {
                println!("the database it replaced is kept at {}", kept.display());
            }
        }
        DbCommand::Backups => {
            let list = shiliu_store::list_backups(&backups)?;
            if list.is_empty() {
                println!("no backups in {}", backups.display());
            }
            for b in list {
                let kind = if b.auto_day.is_some() { "daily/weekly" } else { "kept" };
                println!("{}  {:>9}  {kind}", b.path.display(), size(b.bytes));
            }
        }
        DbCommand::Check => {
            let store = args.db.open_existing(data)?;
            store.check_integrity()?;
            let path = store.path().to_owned();
            println!("database:  {}", path.display());
            println!("integrity: ok");
            println!(
                "schema:    version {} (this shiliu writes {})",
                store.schema_version()?,
                shiliu_store::LATEST_VERSION
            );
            println!("this PC:   {} ({})", store.device().name, store.device().id);
            println!(
                "contents:  {} classes, {} students, {} attempts",
                store.classes()?.len(),
                store.students()?.len(),
                store.count_attempts()?
            );
            println!("size:      {}", size(file_size(&path)));
            if store.is_read_only() {
                println!("note:      the database is read-only here");
            }
        }
    }
    Ok(())
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal"].iter().filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok()).map(|m| m.len()).sum()
}

fn size(bytes: u64) -> String {
    if bytes >= 10_000_000 { format!("{:.0} MB", bytes as f64 / 1e6) } else { format!("{:.1} MB", bytes as f64 / 1e6) }
}
