use shiliu_store::{Hlc, NewConflict, NewStudent, Store, StudentEdit, Timestamp};

use crate::helpers::{T0, add, attempt, fresh, ok, school};

#[test]
fn changes_since_lists_what_a_peer_lacks_in_counter_order() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲", "乙"]);
    let me = store.device().id;
    let all = store.changes_since(me, 0, 100).unwrap();
    let tables: Vec<&str> = all.iter().map(|c| c.table.as_str()).collect();
    assert_eq!(tables, ["facilities", "classes", "students", "class_students", "students", "class_students"]);
    assert!(all.windows(2).all(|w| w[0].counter < w[1].counter));
    assert_eq!(all[3].row_id, format!("{}/{}", s.class, s.students[0]));
    add(&mut store, &attempt(s.students[0], "u1-01", T0, 80.0, vec![ok("妈", "ma1")]));
    let after = store.changes_since(me, all.last().unwrap().counter, 100).unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!((after[0].table.as_str(), after[0].op.as_str(), after[0].hlc.as_deref()), ("attempts", "insert", None));
    assert_eq!(store.changes_since(me, 0, 2).unwrap().len(), 2, "in chunks");
}

#[test]
fn an_edited_row_shows_once_with_its_latest_change() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    let me = store.device().id;
    let before = store.changes_since(me, 0, 100).unwrap();
    store
        .transact(|tx| tx.edit_student(s.students[0], &StudentEdit { grade: Some(Some(3)), ..Default::default() }))
        .unwrap();
    let after = store.changes_since(me, 0, 100).unwrap();
    assert_eq!(after.len(), before.len());
    let row = after.last().unwrap();
    assert_eq!(row.row_id, s.students[0].to_string());
    let old = before.iter().find(|c| c.row_id == row.row_id).unwrap();
    assert!(row.hlc.as_deref().unwrap() > old.hlc.as_deref().unwrap(), "a later clock value");
}

#[test]
fn the_clock_and_counter_carry_on_after_reopening() {
    let (dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    let last = store.device_counters().unwrap()[0].counter;
    let path = store.path().to_owned();
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let hlc_before = store.changes_since(store.device().id, 0, 100).unwrap().last().unwrap().hlc.clone().unwrap();
    store.transact(|tx| tx.add_student(s.facility, &NewStudent { name: "丙".into(), ..Default::default() })).unwrap();
    let newest = store.changes_since(store.device().id, last, 10).unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].counter, last + 1);
    assert!(newest[0].hlc.clone().unwrap() > hlc_before);
    drop(dir);
}

#[test]
fn a_peer_clock_far_ahead_moves_this_clock_past_it() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    let peer =
        Hlc { millis: Timestamp::now().millis() + 86_400_000, logical: 3, device: shiliu_store::DeviceId::new() };
    store
        .transact(|tx| {
            tx.observe_hlc(peer);
            tx.edit_student(s.students[0], &StudentEdit { grade: Some(Some(5)), ..Default::default() })
        })
        .unwrap();
    let hlc: Hlc =
        store.changes_since(store.device().id, 0, 100).unwrap().last().unwrap().hlc.clone().unwrap().parse().unwrap();
    assert!((hlc.millis, hlc.logical) > (peer.millis, peer.logical));
}

#[test]
fn conflicts_are_kept_until_resolved() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    let peer = shiliu_store::DeviceId::new();
    let id = store
        .transact(|tx| {
            tx.record_conflict(&NewConflict {
                table: "students".into(),
                row_id: s.students[0].to_string(),
                kept_hlc: "000001709510400001.00000.a".into(),
                lost_hlc: "000001709510400000.00000.b".into(),
                lost_device: peer,
                lost_row: serde_json::json!({ "display_name": "甲甲" }),
            })
        })
        .unwrap();
    let open = store.conflicts(false).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].lost_row["display_name"], "甲甲");
    store.transact(|tx| tx.resolve_conflict(id)).unwrap();
    assert!(store.conflicts(false).unwrap().is_empty());
    assert_eq!(store.conflicts(true).unwrap().len(), 1);
    assert_eq!(store.transact(|tx| tx.resolve_conflict(id)).unwrap_err().code(), "store.not_found");
}

#[test]
fn rebuilding_progress_from_attempts_gives_the_same_reports() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    let student = s.students[0];
    for day in 0..10 {
        let syl = if day % 3 == 0 {
            crate::helpers::wrong_initial("南", "nan2", "lan2", "n", "l", "n_l")
        } else {
            ok("南", "nan2")
        };
        add(
            &mut store,
            &attempt(student, &format!("u1-0{}", day % 4), crate::helpers::at_day(day), 60.0 + day as f32, vec![syl]),
        );
    }
    let now = crate::helpers::at_day(10);
    let before = (store.weakest_sounds(student, now, 50).unwrap(), store.student_progress(student, now, None).unwrap());
    store.transact(|tx| tx.rebuild_progress(Some(student))).unwrap();
    let after = (store.weakest_sounds(student, now, 50).unwrap(), store.student_progress(student, now, None).unwrap());
    assert_eq!(before, after);
}

/// Every derived table, row by row in key order, as text (exact: REALs print in full).
fn derived_tables(store: &Store) -> Vec<(String, Vec<String>)> {
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let tables = [
        ("attempt_syllables", "attempt_key, idx"),
        ("sound_stats", "student_key, week, kind, sound"),
        ("sound_totals", "student_key, kind, sound"),
        ("psc_stats", "student_key, week, band"),
        ("confusion_stats", "student_key, week, kind, expected, heard, contrast, pack_id, item_id"),
        ("confusion_totals", "student_key, kind, expected, heard, contrast, pack_id, item_id"),
        ("item_reviews", "student_key, pack_id, item_id"),
        ("focus_reviews", "student_key, focus"),
    ];
    tables
        .iter()
        .map(|(table, order)| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY {order}")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    (0..n)
                        .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(|cols| cols.join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap();
            assert!(!rows.is_empty(), "{table} holds something to compare");
            ((*table).to_owned(), rows)
        })
        .collect()
}

#[test]
fn rebuilding_derived_tables_gives_exactly_what_adding_attempts_one_by_one_gave() {
    use crate::helpers::{wrong_initial, wrong_tone};
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲", "乙", "丙"]);
    // Attempts in time order (a rebuild replays them so), over several weeks, items, students;
    // misses of contrasts and tones (focus cards), scores across every rating, a silent recording.
    store
        .transact(|tx| {
            for n in 0..120i64 {
                let student = s.students[(n % 3) as usize];
                let syllables = match n % 5 {
                    0 => vec![wrong_initial("南", "nan2", "lan2", "n", "l", "n_l"), ok("方", "fang1")],
                    1 => vec![wrong_tone("买", "mai3", 2), ok("书", "shu1")],
                    2 => vec![ok("是", "shi4"), wrong_initial("四", "si4", "shi4", "s", "sh", "flat_retroflex")],
                    _ => vec![ok("妈", "ma1"), ok("马", "ma3")],
                };
                let at = Timestamp::from_millis(T0.millis() + n * 7 * 3_600_000);
                let mut a =
                    attempt(student, &format!("u{}-0{}", n % 2 + 1, n % 4), at, (n * 37 % 100) as f32, syllables);
                a.psc_percent = 61.3 + (n % 7) as f32 * 3.7;
                if n % 17 == 0 {
                    a.quality = vec![shiliu_store::NO_SPEECH.into()];
                }
                tx.add_attempt(&a)?;
            }
            Ok(())
        })
        .unwrap();
    let incremental = derived_tables(&store);

    store.transact(|tx| tx.rebuild_progress(None)).unwrap();
    assert_eq!(derived_tables(&store), incremental, "everyone");
    store.transact(|tx| tx.rebuild_progress(Some(s.students[1]))).unwrap();
    assert_eq!(derived_tables(&store), incremental, "one student");
    let unknown = shiliu_store::StudentId::new();
    let rebuilt =
        store.transact(|tx| tx.rebuild_progress_of(&[s.students[2], unknown, s.students[0], s.students[2]])).unwrap();
    assert_eq!(rebuilt, 2, "the unknown student is skipped, a repeated one rebuilt once");
    assert_eq!(derived_tables(&store), incremental, "several students");
}
