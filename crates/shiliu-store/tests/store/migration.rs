use rusqlite::Connection;
use shiliu_store::{APPLICATION_ID, LATEST_VERSION, SoundKind, Store, StudentId};

/// The schema exactly as version 1 databases were created (the frozen first migration).
const VERSION_1: &str = include_str!("../../src/schema/0001_initial.sql");

/// A version 1 database with one school, class, student and three attempts, written the way
/// version 1 wrote them.
fn version_1_database(path: &std::path::Path) -> StudentId {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "wal").unwrap();
    conn.execute_batch(VERSION_1).unwrap();
    conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    let student = StudentId::new();
    let device = "0190b0c0-0000-7000-8000-000000000001";
    let hlc = format!("000001709510400000.00000.{device}");
    conn.execute(
        "INSERT INTO devices (id, name, is_self, counter, hlc, first_seen_ms) VALUES (?1, 'old pc', 1, 7, ?2, 0)",
        [device, &hlc],
    )
    .unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO facilities VALUES ('0190b0c0-0000-7000-8000-0000000000f1', 'School', 0, 0, '{hlc}', 1, 1);
         INSERT INTO classes VALUES ('0190b0c0-0000-7000-8000-0000000000c1', '0190b0c0-0000-7000-8000-0000000000f1', '一班', 1, 0, 0, '{hlc}', 1, 2);
         INSERT INTO students (key, id, facility_id, display_name, created_ms, hlc, device_key, counter)
              VALUES (1, '{student}', '0190b0c0-0000-7000-8000-0000000000f1', '卓玛', 0, '{hlc}', 1, 3);
         INSERT INTO class_students VALUES ('0190b0c0-0000-7000-8000-0000000000c1', '{student}', 0, 0, '{hlc}', 1, 4);"
    ))
    .unwrap();
    let syllables = r#"[{"hanzi":"南","expected":"nan2","heard":"lan2","initial_ok":false,"final_ok":true,"tone_expected":2,"tone_heard":2,"verdict":"error","score":30.0,"problem":{"kind":"initial","expected":"n","heard":"l","contrast":"n_l"}}]"#;
    for (i, day) in [0i64, 1, 2].into_iter().enumerate() {
        let at = 1_709_510_400_000 + day * 86_400_000;
        conn.execute(
            "INSERT INTO attempts (id, student_key, pack_id, pack_version, unit_id, item_id, at_ms, duration_ms, overall,
                 accuracy, completeness, fluency, tone, psc_band, psc_percent, quality, model_id, syllables, device_key, counter)
             VALUES (?1, 1, 'basics', '1.0', 'u1', 'u1-01', ?2, 1500, 40, 40, 100, 90, 80, '三级乙等', 40, '', 'whisper-base', ?3, 1, ?4)",
            rusqlite::params![format!("0190b0c0-0000-7000-8000-00000000a00{i}"), at, syllables, 5 + i as i64],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO attempt_syllables VALUES (?1, 0, 1, ?2, 'n', 'an', 2, 2, 0, 1, 2, 30.0, 'initial', 'n_l')",
            rusqlite::params![i as i64 + 1, at],
        )
        .unwrap();
    }
    student
}

#[test]
fn a_version_1_database_upgrades_to_the_latest_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite3");
    let student = version_1_database(&path);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    store.check_integrity().unwrap();
    assert_eq!(store.device().name, "old pc", "the device keeps its identity");
    assert_eq!(store.count_attempts().unwrap(), 3);
    assert_eq!(store.get_student(student).unwrap().name, "卓玛");
    assert_eq!(store.recent_attempts(student, 10).unwrap()[0].syllables[0].heard.as_deref(), Some("lan2"));
    // Version 2's derived tables were filled from the old attempts.
    let now = shiliu_store::Timestamp::from_millis(1_709_510_400_000 + 3 * 86_400_000);
    let progress = store.student_progress(student, now, None).unwrap();
    assert_eq!(progress[0].items_tried, 1);
    let class = store.find_class("一班").unwrap().id;
    let map = store.class_heatmap(class, None).unwrap();
    assert!(map.sounds.contains(&(SoundKind::Initial, "n".to_owned())));
    assert_eq!(store.class_confusions(class, None, 5, None).unwrap()[0].count, 3);
    assert_eq!(store.changes_since(store.device().id, 0, 100).unwrap().len(), 7, "the change view covers old rows");
}

#[test]
fn an_upgraded_database_keeps_counting_changes_where_it_left_off() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite3");
    let student = version_1_database(&path);
    let mut store = Store::open(&path).unwrap();
    store
        .transact(|tx| {
            tx.edit_student(student, &shiliu_store::StudentEdit { grade: Some(Some(2)), ..Default::default() })
        })
        .unwrap();
    let changes = store.changes_since(store.device().id, 7, 10).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!((changes[0].counter, changes[0].table.as_str()), (8, "students"));
}

#[test]
fn a_version_3_database_upgrades_and_its_peers_keep_their_names_until_their_bundles_rename_them() {
    let (dir, mut store) = crate::helpers::fresh();
    let peer: shiliu_store::DeviceId = "0190b0c0-0000-7000-8000-00000000aaaa".parse().unwrap();
    store.transact(|tx| tx.note_device(peer, "教室 PC")).unwrap();
    let path = store.path().to_owned();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("ALTER TABLE devices DROP COLUMN name_ms; PRAGMA user_version = 3;").unwrap();
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    let name = |s: &Store| s.device_counters().unwrap().into_iter().find(|d| d.device == peer).unwrap().name;
    assert_eq!(name(&store), "教室 PC");
    let now = shiliu_store::Timestamp::now();
    store.transact(|tx| tx.name_peer(peer, "图书室", now)).unwrap();
    store.transact(|tx| tx.note_device(peer, "教室 PC")).unwrap();
    assert_eq!(name(&store), "图书室", "a certificate's name no longer overrides the name the peer chose");
    drop(dir);
}

#[test]
fn a_database_from_a_newer_shiliu_is_refused_with_a_clear_message() {
    let (dir, store) = crate::helpers::fresh();
    let path = store.path().to_owned();
    drop(store);
    Connection::open(&path).unwrap().pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.code(), "store.newer_schema");
    assert!(e.to_string().contains("update shiliu first"), "{e}");
    drop(dir);
}

#[test]
fn opening_another_programs_database_is_refused_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firefox.sqlite");
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE moz_places (url TEXT);").unwrap();
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.code(), "store.not_shiliu");
    let conn = Connection::open(&path).unwrap();
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1);
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete", "not even switched to WAL");
}

#[test]
fn opening_a_file_that_is_not_a_database_is_refused_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shiliu.sqlite3");
    std::fs::write(&path, "a teacher's notes, saved under the wrong name").unwrap();
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.code(), "store.not_shiliu", "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a teacher's notes, saved under the wrong name");
}
