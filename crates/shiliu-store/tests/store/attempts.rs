use shiliu_store::{NO_SPEECH, SoundKind, StudentId, WRONG_TEXT};

use crate::helpers::{T0, add, at_day, attempt, fresh, ok, school, wrong_initial, wrong_tone};

#[test]
fn an_attempt_reads_back_with_its_syllables() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let a = attempt(s.students[0], "u1-01", T0, 72.5, vec![ok("你", "ni2"), wrong_tone("好", "hao3", 2)]);
    let id = add(&mut store, &a);
    let back = store.get_attempt(id).unwrap();
    assert_eq!(back.student, s.students[0]);
    assert_eq!(back.device, store.device().id);
    assert_eq!(back.syllables, a.syllables);
    assert_eq!(back.scores, a.scores);
    assert_eq!((back.at, back.psc_band.as_str(), back.model_id.as_str()), (T0, "三级甲等", "whisper-base-q8_0"));
    assert_eq!(store.recent_attempts(s.students[0], 5).unwrap()[0].id, id);
    assert_eq!(store.count_attempts().unwrap(), 1);
}

#[test]
fn recent_attempts_are_newest_first() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let ids: Vec<_> = (0..5)
        .map(|d| add(&mut store, &attempt(s.students[0], "u1-01", at_day(d), 80.0, vec![ok("妈", "ma1")])))
        .collect();
    let recent: Vec<_> = store.recent_attempts(s.students[0], 3).unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(recent, [ids[4], ids[3], ids[2]]);
}

#[test]
fn an_attempt_counts_sounds_and_schedules_its_item() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let student = s.students[0];
    for day in 0..3 {
        let a = attempt(
            student,
            "u1-01",
            at_day(day),
            45.0,
            vec![wrong_initial("南", "nan2", "lan2", "n", "l", "n_l"), ok("方", "fang1")],
        );
        add(&mut store, &a);
    }
    let weakest = store.weakest_sounds(student, at_day(3), 50).unwrap();
    let n = weakest.iter().find(|w| w.kind == SoundKind::Initial && w.sound == "n");
    assert!(n.is_none(), "three tries are below the reporting minimum");
    for day in 3..6 {
        add(
            &mut store,
            &attempt(student, "u1-01", at_day(day), 45.0, vec![wrong_initial("南", "nan2", "lan2", "n", "l", "n_l")]),
        );
    }
    let weakest = store.weakest_sounds(student, at_day(6), 50).unwrap();
    let n = weakest.iter().find(|w| w.kind == SoundKind::Initial && w.sound == "n").unwrap();
    assert_eq!((n.tries, n.misses), (6, 6));
    assert_eq!(weakest[0].error_rate, 1.0);
    let progress = store.student_progress(student, at_day(6), None).unwrap();
    assert_eq!(progress.len(), 1);
    assert_eq!(progress[0].items_tried, 1);
    assert_eq!(progress[0].items_mastered, 0);
}

#[test]
fn an_attempt_for_an_unknown_student_is_refused() {
    let (_dir, mut store) = fresh();
    let e = store.transact(|tx| tx.add_attempt(&attempt(StudentId::new(), "u1-01", T0, 80.0, vec![]))).unwrap_err();
    assert_eq!(e.code(), "store.not_found");
    assert_eq!(store.count_attempts().unwrap(), 0);
}

#[test]
fn scores_out_of_range_and_unreadable_pinyin_are_refused() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let mut a = attempt(s.students[0], "u1-01", T0, 80.0, vec![ok("你", "ni3")]);
    a.scores.fluency = f32::NAN;
    assert_eq!(store.transact(|tx| tx.add_attempt(&a)).unwrap_err().code(), "store.invalid_input");
    let mut a = attempt(s.students[0], "u1-01", T0, 80.0, vec![ok("你", "ni3")]);
    a.syllables[0].expected = "xyz9".into();
    assert_eq!(store.transact(|tx| tx.add_attempt(&a)).unwrap_err().code(), "store.invalid_input");
    assert_eq!(store.count_attempts().unwrap(), 0);
}

#[test]
fn a_recording_with_nothing_said_is_kept_but_moves_no_progress() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let mut a = attempt(s.students[0], "u1-01", T0, 0.0, vec![wrong_initial("南", "nan2", "lan2", "n", "l", "n_l")]);
    a.quality = vec![NO_SPEECH.into(), "too_quiet".into()];
    let id = add(&mut store, &a);
    assert_eq!(store.get_attempt(id).unwrap().quality, [NO_SPEECH, "too_quiet"]);
    assert!(store.student_progress(s.students[0], T0, None).unwrap().is_empty());
    assert!(store.psc_trend(s.students[0]).unwrap().is_empty());
}

#[test]
fn a_recording_of_another_text_is_kept_but_moves_no_progress() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let mut a = attempt(s.students[0], "u1-01", T0, 0.0, vec![wrong_initial("南", "nan2", "lan2", "n", "l", "n_l")]);
    a.quality = vec![WRONG_TEXT.into()];
    let id = add(&mut store, &a);
    assert_eq!(store.get_attempt(id).unwrap().quality, [WRONG_TEXT]);
    assert!(store.student_progress(s.students[0], T0, None).unwrap().is_empty());
    assert!(store.psc_trend(s.students[0]).unwrap().is_empty());
    assert_eq!(store.count_attempts().unwrap(), 1);
}
