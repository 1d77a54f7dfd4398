//! A full disk and a read-only database: clear errors, nothing already saved lost.
//!
//! The real conditions need a small file system: these tests mount a tmpfs when they may
//! (root with mount rights, as in the project's test container) and say so and skip the mount
//! part otherwise. A full database and a read-only connection are also simulated inside the
//! crate's unit tests (`max_page_count`, `query_only`), which run everywhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use shiliu_store::{AttemptId, Store};

use crate::helpers::{T0, attempt, fresh, ok, school, wrong_initial};

/// A tmpfs of `size` mounted on a temporary folder, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            eprintln!("cannot mount a tmpfs here (needs root with mount rights): skipping the real file-system part");
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, opts: &str) {
        let ok = Command::new("mount").args(["-o", &format!("remount,{opts}")]).arg(self.path()).status().unwrap();
        assert!(ok.success(), "remount {opts}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// Adds attempts until one fails; returns the ids that were saved and the error.
fn fill(store: &mut Store, student: shiliu_store::StudentId) -> (Vec<AttemptId>, shiliu_store::StoreError) {
    let mut saved = Vec::new();
    for n in 0..1_000_000 {
        let syllables = vec![ok("你", "ni3"), wrong_initial("南", "nan2", "lan2", "n", "l", "n_l"), ok("好", "hao3")];
        let a = attempt(student, &format!("u{}-{:02}", n % 40, n % 25), T0.plus_days(n as f64 / 50.0), 70.0, syllables);
        match store.transact(|tx| tx.add_attempt(&a)) {
            Ok(id) => saved.push(id),
            Err(e) => return (saved, e),
        }
    }
    panic!("an 8 MB file system never filled up");
}

fn reopen_and_check(path: &PathBuf, saved: &[AttemptId]) {
    let store = Store::open(path).unwrap();
    store.check_integrity().unwrap();
    assert_eq!(store.count_attempts().unwrap(), saved.len() as u64);
    for id in saved {
        store.get_attempt(*id).unwrap();
    }
}

#[test]
fn a_full_disk_fails_with_a_clear_error_and_keeps_everything_saved_before() {
    let Some(fs) = Tmpfs::mount("8m") else { return };
    let path = fs.path().join("shiliu.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let s = school(&mut store, &["卓玛"]);
    let (saved, e) = fill(&mut store, s.students[0]);
    assert!(saved.len() > 100, "some attempts fitted: {}", saved.len());
    assert_eq!(e.code(), "store.disk_full", "{e}");
    assert!(e.to_string().contains("the disk is full"), "{e}");
    eprintln!("after {} attempts on an 8 MB tmpfs: {e}", saved.len());
    // The open store still reads, and a backup onto the full disk fails just as clearly.
    assert_eq!(store.count_attempts().unwrap(), saved.len() as u64);
    let backup = store.backup_to(&fs.path().join("backup.sqlite3")).unwrap_err();
    assert_eq!(backup.code(), "store.disk_full", "{backup}");
    assert!(!fs.path().join("backup.sqlite3").exists() && !fs.path().join("backup.sqlite3.partial").exists());
    drop(store);
    reopen_and_check(&path, &saved);
}

#[test]
fn a_database_on_a_read_only_file_system_refuses_writes_and_still_reads() {
    let Some(fs) = Tmpfs::mount("8m") else { return };
    let path = fs.path().join("shiliu.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let s = school(&mut store, &["卓玛"]);
    let id =
        store.transact(|tx| tx.add_attempt(&attempt(s.students[0], "u1-01", T0, 80.0, vec![ok("妈", "ma1")]))).unwrap();
    drop(store);

    // The data folder is on a read-only medium now (a locked USB stick, a read-only remount).
    fs.remount("ro");
    let e = Store::open(&path).err().expect("opening for writing fails");
    assert_eq!(e.code(), "store.read_only", "{e}");
    assert!(e.to_string().contains("read-only"), "{e}");
    eprintln!("opening on a read-only file system: {e}");
    let reader = Store::open_read_only(&path).unwrap();
    assert_eq!(reader.get_attempt(id).unwrap().item.as_str(), "u1-01");
    drop(reader);

    fs.remount("rw");
    reopen_and_check(&path, &[id]);
}

#[test]
fn a_store_opened_read_only_refuses_writes_with_the_read_only_code() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let path = store.path().to_owned();
    drop(store);
    let mut reader = Store::open_read_only(&path).unwrap();
    assert!(reader.is_read_only());
    let e = reader.transact(|tx| tx.add_teacher(s.facility, "王老师")).unwrap_err();
    assert_eq!(e.code(), "store.read_only");
    assert_eq!(reader.class_students(s.class).unwrap().len(), 1);
}
