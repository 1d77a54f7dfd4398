use std::path::PathBuf;

use shiliu_store::{AttemptId, NewStudent, Store, Timestamp, list_backups, restore};

use crate::helpers::{T0, add, at_day, attempt, fresh, ok, school};

#[test]
fn a_backup_is_a_complete_shiliu_database() {
    let (dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    add(&mut store, &attempt(s.students[0], "u1-01", T0, 80.0, vec![ok("妈", "ma1")]));
    let dest = dir.path().join("copy.sqlite3");
    let bytes = store.backup_to(&dest).unwrap();
    assert!(bytes > 0);
    assert!(!dir.path().join("copy.sqlite3-wal").exists(), "a backup is one self-contained file");
    assert_eq!(shiliu_store::check_file(&dest).unwrap(), shiliu_store::LATEST_VERSION);
    let copy = Store::open_read_only(&dest).unwrap();
    assert_eq!(copy.count_attempts().unwrap(), 1);
    assert_eq!(copy.class_students(s.class).unwrap()[0].name, "卓玛");
}

#[test]
fn automatic_backups_run_once_a_day_and_keep_seven_daily_and_four_weekly() {
    let (dir, store) = fresh();
    let backups = dir.path().join("backups");
    assert!(store.auto_backup(&backups, T0).unwrap().is_some());
    assert!(store.auto_backup(&backups, T0.plus_days(0.5)).unwrap().is_none(), "once a day");
    for day in 1..60 {
        store.auto_backup(&backups, at_day(day)).unwrap();
    }
    let mut days: Vec<i64> = list_backups(&backups).unwrap().into_iter().filter_map(|b| b.auto_day).collect();
    days.sort_unstable();
    let last = at_day(59).day();
    let daily: Vec<i64> = (last - 6..=last).collect();
    assert_eq!(&days[days.len() - 7..], &daily[..]);
    let weekly = &days[..days.len() - 7];
    assert_eq!(weekly.len(), 4, "{days:?}");
    let weeks: std::collections::BTreeSet<i64> =
        weekly.iter().map(|d| Timestamp::from_millis(d * 86_400_000).week()).collect();
    assert_eq!(weeks.len(), 4, "one per week");
}

/// A closed database with one attempt made before a backup and one after: (folder, database,
/// backup, attempt before, attempt after).
fn backed_up_then_added() -> (tempfile::TempDir, PathBuf, PathBuf, AttemptId, AttemptId) {
    let (dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let first = add(&mut store, &attempt(s.students[0], "u1-01", T0, 80.0, vec![ok("妈", "ma1")]));
    let backup = dir.path().join("monday.sqlite3");
    store.backup_to(&backup).unwrap();
    let second = add(&mut store, &attempt(s.students[0], "u1-02", at_day(1), 80.0, vec![ok("妈", "ma1")]));
    let db = store.path().to_owned();
    (dir, db, backup, first, second)
}

#[test]
fn restore_brings_back_the_backup_and_keeps_the_replaced_database() {
    let (dir, db, backup, first, second) = backed_up_then_added();
    let backups = dir.path().join("backups");
    let report = restore(&db, &backup, &backups).unwrap();
    let store = Store::open(&db).unwrap();
    assert!(store.get_attempt(first).is_ok());
    assert_eq!(store.get_attempt(second).unwrap_err().code(), "store.not_found");
    let kept = Store::open_read_only(report.previous_kept_at.unwrap()).unwrap();
    assert!(kept.get_attempt(second).is_ok(), "the replaced database is kept in the backups folder");
    store.check_integrity().unwrap();
}

#[test]
fn a_restored_database_gets_a_new_device_identity() {
    let (dir, mut store) = fresh();
    school(&mut store, &["卓玛"]);
    let old_device = store.device().id;
    let backup = dir.path().join("b.sqlite3");
    store.backup_to(&backup).unwrap();
    let db = store.path().to_owned();
    drop(store);
    restore(&db, &backup, &dir.path().join("backups")).unwrap();
    let mut store = Store::open(&db).unwrap();
    assert_ne!(store.device().id, old_device);
    let facility = store.facilities().unwrap()[0].id;
    store.transact(|tx| tx.add_student(facility, &NewStudent { name: "新".into(), ..Default::default() })).unwrap();
    let counters = store.device_counters().unwrap();
    assert_eq!(counters.len(), 2, "the old identity stays known as a peer");
    let mine = counters.iter().find(|c| c.is_self).unwrap();
    assert_eq!(mine.counter, 1, "new changes count from 1 under the new identity");
    assert_eq!(store.changes_since(old_device, 0, 100).unwrap().len(), 4, "old changes keep their device");
}

#[test]
fn restore_refuses_a_file_that_is_not_a_shiliu_database() {
    let (dir, store) = fresh();
    let db = store.path().to_owned();
    drop(store);
    let text = dir.path().join("notes.sqlite3");
    std::fs::write(&text, "these are not the droids").unwrap();
    let e = restore(&db, &text, &dir.path().join("backups")).unwrap_err();
    assert_eq!(e.code(), "store.not_shiliu");
    assert!(e.to_string().contains("is not a shiliu database: it is not an SQLite database"), "{e}");
    let other = dir.path().join("other.sqlite3");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let e = restore(&db, &other, &dir.path().join("backups")).unwrap_err();
    assert_eq!(e.code(), "store.not_shiliu");
    assert!(!dir.path().join("backups").exists(), "nothing was touched");
    Store::open(&db).unwrap().check_integrity().unwrap();
}

#[test]
fn restore_refuses_a_database_from_a_newer_shiliu() {
    let (dir, store) = fresh();
    let db = store.path().to_owned();
    let newer = dir.path().join("newer.sqlite3");
    store.backup_to(&newer).unwrap();
    drop(store);
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let e = restore(&db, &newer, &dir.path().join("backups")).unwrap_err();
    assert_eq!(e.code(), "store.newer_schema");
    assert!(e.to_string().contains("schema version 99"), "{e}");
}

#[test]
fn undoing_a_restore_within_the_same_minute_keeps_both_databases() {
    let (dir, db, old, _, months_of_work) = backed_up_then_added();

    let backups = dir.path().join("backups");
    let mistake = restore(&db, &old, &backups).unwrap();
    let kept = mistake.previous_kept_at.unwrap();
    let undo = restore(&db, &kept, &backups).unwrap();
    assert_ne!(undo.previous_kept_at.as_deref(), Some(kept.as_path()), "the copy being restored is not overwritten");
    let store = Store::open(&db).unwrap();
    assert!(store.get_attempt(months_of_work).is_ok(), "the undo brought the work back");
}

#[test]
fn a_backup_never_overwrites_a_file_that_is_not_a_shiliu_backup() {
    let (dir, store) = fresh();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my lesson plan").unwrap();
    let err = store.backup_to(&notes).unwrap_err();
    assert!(err.to_string().contains("not a Shiliu backup"), "{err}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my lesson plan");
    assert!(store.backup_to(dir.path()).unwrap_err().to_string().contains("is a folder"));

    let older = dir.path().join("older.sqlite3");
    store.backup_to(&older).unwrap();
    assert!(store.backup_to(&older).is_ok(), "an older backup may be replaced");
}
