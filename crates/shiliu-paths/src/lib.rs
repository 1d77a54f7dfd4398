//! Where Shiliu keeps its files.
//!
//! Everything lives under one data directory so a teacher can back it up or move it as a whole:
//! the platform's convention (`~/.local/share/shiliu` on Linux, `%APPDATA%\Shiliu\data` on
//! Windows), or `SHILIU_DATA_DIR` when set (portable installs, tests, a second class on one PC).
//!
//! ```
//! let data = shiliu_paths::DataDir::at("/tmp/example-shiliu");
//! assert!(data.models().ends_with("models"));
//! ```

use std::path::{Path, PathBuf};

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "SHILIU_DATA_DIR";

/// The root of Shiliu's data and the well-known places inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The data directory this user and machine use: `SHILIU_DATA_DIR`, else the platform's.
    pub fn default_for_user() -> Option<DataDir> {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            return Some(DataDir { root: PathBuf::from(dir) });
        }
        directories::ProjectDirs::from("", "Shiliu", "shiliu").map(|p| DataDir { root: p.data_dir().to_owned() })
    }

    pub fn at(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Installed speech models and their manifest.
    pub fn models(&self) -> PathBuf {
        self.root.join("models")
    }

    /// The progress database.
    pub fn database(&self) -> PathBuf {
        self.root.join("shiliu.sqlite3")
    }

    /// Rotating database backups.
    pub fn backups(&self) -> PathBuf {
        self.root.join("backups")
    }

    /// Recordings kept for teacher review and teacher reference audio.
    pub fn recordings(&self) -> PathBuf {
        self.root.join("recordings")
    }

    /// Add-on lesson packs installed from USB sticks.
    pub fn packs(&self) -> PathBuf {
        self.root.join("packs")
    }
}

/// `dir/<stem><extension>`, or `dir/<stem>-2<extension>`, `-3`… when that name is taken (by an
/// existing file, or by whatever else `taken` says occupies it). Files named by the minute they
/// were made (backups, join files) use it so that a second one in the same minute never
/// replaces the first.
pub fn first_free_path(dir: &Path, stem: &str, extension: &str, taken: impl Fn(&Path) -> bool) -> PathBuf {
    (1..)
        .map(|n| match n {
            1 => dir.join(format!("{stem}{extension}")),
            n => dir.join(format!("{stem}-{n}{extension}")),
        })
        .find(|p| !p.exists() && !taken(p))
        .expect("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_is_inside_the_root() {
        let d = DataDir::at("/srv/shiliu");
        for p in [d.models(), d.database(), d.backups(), d.recordings(), d.packs()] {
            assert!(p.starts_with("/srv/shiliu"), "{}", p.display());
        }
    }

    #[test]
    fn a_taken_name_gets_the_next_number() {
        let dir = std::env::temp_dir().join(format!("shiliu-paths-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = first_free_path(&dir, "join-2026-12-02-10-15", ".join", |_| false);
        assert!(first.ends_with("join-2026-12-02-10-15.join"));
        std::fs::write(&first, b"x").unwrap();
        let second = first_free_path(&dir, "join-2026-12-02-10-15", ".join", |_| false);
        assert!(second.ends_with("join-2026-12-02-10-15-2.join"));
        let third = first_free_path(&dir, "join-2026-12-02-10-15", ".join", |p| p == second);
        assert!(third.ends_with("join-2026-12-02-10-15-3.join"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
