use shiliu_store::{NewRecording, NewReferenceAudio, RetentionPolicy, StudentId, Timestamp};

use crate::helpers::{T0, at_day, fresh, school};

fn record(
    store: &mut shiliu_store::Store,
    dir: &std::path::Path,
    student: StudentId,
    at: Timestamp,
    n: usize,
) -> String {
    let file = format!("{student}/{n:03}.wav");
    let path = dir.join(&file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, vec![0u8; 1000]).unwrap();
    let new = NewRecording { student, attempt: None, file: file.clone(), bytes: 1000, duration_ms: 1500, created: at };
    store.transact(|tx| tx.add_recording(&new)).unwrap();
    file
}

#[test]
fn recordings_beyond_the_retention_limit_are_pruned_with_their_files() {
    let (dir, mut store) = fresh();
    let recordings = dir.path().join("recordings");
    let s = school(&mut store, &["甲", "乙"]);
    store.transact(|tx| tx.set_retention(RetentionPolicy { keep_days: 30, keep_per_student: 3 })).unwrap();
    assert_eq!(store.retention().unwrap(), RetentionPolicy { keep_days: 30, keep_per_student: 3 });
    let old = record(&mut store, &recordings, s.students[0], T0, 0);
    let mut files = Vec::new();
    for n in 1..=5 {
        files.push(record(&mut store, &recordings, s.students[0], at_day(40 + n as i64), n));
    }
    let other = record(&mut store, &recordings, s.students[1], at_day(41), 9);
    let report = store.prune_recordings(&recordings, at_day(46)).unwrap();
    assert_eq!(report.removed, 3, "the 40-day-old one and two beyond the newest three");
    assert_eq!(report.bytes_freed, 3000);
    let kept: Vec<String> = store.recordings(s.students[0]).unwrap().into_iter().map(|r| r.file).collect();
    assert_eq!(kept, [files[4].clone(), files[3].clone(), files[2].clone()]);
    assert!(!recordings.join(&old).exists());
    assert!(!recordings.join(&files[0]).exists());
    assert!(recordings.join(&other).exists());
    assert_eq!(store.prune_recordings(&recordings, at_day(46)).unwrap().removed, 0, "pruning again does nothing");
    let deletes = store.changes_since(store.device().id, 0, 100).unwrap();
    assert_eq!(deletes.iter().filter(|c| c.table == "recordings" && c.op == "delete").count(), 3);
}

#[test]
fn a_teacher_reviews_and_shares_a_recording() {
    let (dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    record(&mut store, &dir.path().join("recordings"), s.students[0], T0, 1);
    let rec = store.recordings(s.students[0]).unwrap().remove(0);
    assert!(!rec.shareable, "recordings stay on this PC by default");
    let teacher = store.transact(|tx| tx.add_teacher(s.facility, "王老师")).unwrap();
    store
        .transact(|tx| {
            tx.review_recording(rec.id, Some(teacher), Some("翘舌再卷一点"))?;
            tx.set_recording_shareable(rec.id, true)
        })
        .unwrap();
    let rec = store.recordings(s.students[0]).unwrap().remove(0);
    assert!(rec.shareable && rec.reviewed.is_some());
    assert_eq!((rec.reviewed_by, rec.note.as_deref()), (Some(teacher), Some("翘舌再卷一点")));
}

#[test]
fn reference_audio_is_listed_per_item_and_can_be_withdrawn() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &[]);
    let teacher = store.transact(|tx| tx.add_teacher(s.facility, "王老师")).unwrap();
    let new = NewReferenceAudio {
        teacher: Some(teacher),
        pack: "basics".into(),
        item: "u1-01".into(),
        file: "reference/u1-01.wav".into(),
        bytes: 32_000,
        duration_ms: 1000,
        sample_rate: 16_000,
        note: None,
    };
    let id = store.transact(|tx| tx.add_reference_audio(&new)).unwrap();
    let list = store.reference_audio(&"basics".into(), &"u1-01".into()).unwrap();
    assert_eq!((list.len(), list[0].id, list[0].teacher), (1, id, Some(teacher)));
    store.transact(|tx| tx.delete_reference_audio(id)).unwrap();
    assert!(store.reference_audio(&"basics".into(), &"u1-01".into()).unwrap().is_empty());
    let bad = NewReferenceAudio { file: "../../etc/passwd".into(), ..new };
    assert_eq!(store.transact(|tx| tx.add_reference_audio(&bad)).unwrap_err().code(), "store.invalid_input");
}
