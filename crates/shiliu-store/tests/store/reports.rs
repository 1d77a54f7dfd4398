use shiliu_pinyin::Contrast;
use shiliu_store::{
    Curriculum, CurriculumItem, CurriculumUnit, DrillSource, Focus, ItemId, PackId, SoundKind, Trend, UnitId,
};

use crate::helpers::{T0, add, at_day, attempt, fresh, ok, school, wrong_initial, wrong_tone};

#[test]
fn weakest_sounds_rank_by_recent_error_rate_and_show_the_trend() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let student = s.students[0];
    // Weeks 0-3: zh always said as z. Weeks 4-7: right most of the time.
    for day in 0..28 {
        let zhi = wrong_initial("知", "zhi1", "zi1", "zh", "z", "flat_retroflex");
        add(&mut store, &attempt(student, "u1-01", at_day(day), 40.0, vec![zhi, wrong_tone("好", "hao3", 2)]));
    }
    for day in 28..56 {
        let zhi = if day % 4 == 0 {
            wrong_initial("知", "zhi1", "zi1", "zh", "z", "flat_retroflex")
        } else {
            ok("知", "zhi1")
        };
        add(&mut store, &attempt(student, "u1-01", at_day(day), 70.0, vec![zhi, wrong_tone("好", "hao3", 2)]));
    }
    let weakest = store.weakest_sounds(student, at_day(55), 10).unwrap();
    assert_eq!((weakest[0].kind, weakest[0].sound.as_str()), (SoundKind::Tone, "3"));
    assert_eq!(weakest[0].trend, Trend::Steady);
    let zh = weakest.iter().find(|w| w.sound == "zh").unwrap();
    assert_eq!((zh.tries, zh.misses), (56, 35));
    assert_eq!(zh.trend, Trend::Improving);
    assert!((zh.error_rate - 0.25).abs() < 0.01, "ranked by the recent four weeks: {}", zh.error_rate);
    assert!(weakest.iter().all(|w| w.kind != SoundKind::Contrast));
}

#[test]
fn the_class_heatmap_has_a_cell_per_student_and_sound() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲", "乙", "丙"]);
    for day in 0..6 {
        add(
            &mut store,
            &attempt(
                s.students[0],
                "u1-01",
                at_day(day),
                50.0,
                vec![wrong_initial("南", "nan2", "lan2", "n", "l", "n_l")],
            ),
        );
        add(&mut store, &attempt(s.students[1], "u1-01", at_day(day), 95.0, vec![ok("南", "nan2")]));
    }
    let map = store.class_heatmap(s.class, None).unwrap();
    assert_eq!(map.students.len(), 3);
    let cols: Vec<String> = map.sounds.iter().map(|(k, s)| format!("{}:{s}", k.name())).collect();
    assert_eq!(cols, ["initial:n", "final:an", "tone:2"], "textbook order: initials, finals, tones");
    let row = |name: &str| map.students.iter().position(|(_, n)| n == name).unwrap();
    assert_eq!(map.cells[row("甲")][0].unwrap().error_rate(), Some(1.0));
    assert_eq!(map.cells[row("乙")][0].unwrap().error_rate(), Some(0.0));
    assert_eq!(map.cells[row("丙")][0], None, "never tried");
    assert_eq!(map.class_rates()[0], Some(0.5));
    let recent = store.class_heatmap(s.class, Some(at_day(30))).unwrap();
    assert!(recent.sounds.is_empty());
}

#[test]
fn class_confusions_come_with_drills_and_the_items_that_provoke_them() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲", "乙"]);
    for (i, &student) in s.students.iter().enumerate() {
        for day in 0..3 {
            let nan = wrong_initial("南", "nan2", "lan2", "n", "l", "n_l");
            add(&mut store, &attempt(student, "u1-04", at_day(day), 50.0, vec![nan]));
            if i == 0 {
                add(&mut store, &attempt(student, "u1-02", at_day(day), 50.0, vec![wrong_tone("马", "ma3", 2)]));
            }
        }
    }
    let curriculum = Curriculum {
        units: vec![CurriculumUnit {
            pack: PackId::new("basics"),
            unit: UnitId::new("u9"),
            items: vec![CurriculumItem {
                item: ItemId::new("u9-nl"),
                focus: vec![Focus::Contrast(Contrast::NasalLateral)],
            }],
        }],
    };
    let top = store.class_confusions(s.class, None, 5, Some(&curriculum)).unwrap();
    assert_eq!(top.len(), 2);
    assert_eq!(
        (top[0].expected.as_str(), top[0].heard.as_deref(), top[0].count, top[0].students),
        ("n", Some("l"), 6, 2)
    );
    assert_eq!(top[0].contrast.as_deref(), Some("n_l"));
    let drills: Vec<(&str, &DrillSource)> = top[0].drills.iter().map(|d| (d.item.as_str(), &d.source)).collect();
    assert_eq!(drills, [("u9-nl", &DrillSource::Drills), ("u1-04", &DrillSource::ClassMissedHere)]);
    assert_eq!((top[1].kind.as_str(), top[1].expected.as_str(), top[1].count), ("tone", "3", 3));
    let windowed = store.class_confusions(s.class, Some(T0.minus_days(7)), 5, Some(&curriculum)).unwrap();
    assert_eq!(windowed, top, "all-time totals agree with the weekly rows");
    assert!(store.class_confusions(s.class, Some(at_day(30)), 5, None).unwrap().is_empty());
}

#[test]
fn progress_per_unit_counts_tried_and_mastered_items_and_assigned_units() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    let student = s.students[0];
    store.transact(|tx| tx.set_assignment(s.class, &PackId::new("basics"), &UnitId::new("u2"), true)).unwrap();
    add(&mut store, &attempt(student, "u1-01", T0, 95.0, vec![ok("妈", "ma1")]));
    add(&mut store, &attempt(student, "u1-02", T0, 50.0, vec![ok("妈", "ma1")]));
    add(&mut store, &attempt(student, "u1-02", at_day(1), 85.0, vec![ok("妈", "ma1")]));
    let unit = |name: &str, n: usize| CurriculumUnit {
        pack: PackId::new("basics"),
        unit: UnitId::new(name),
        items: (1..=n).map(|i| CurriculumItem { item: ItemId::new(format!("{name}-{i:02}")), focus: vec![] }).collect(),
    };
    let curriculum = Curriculum { units: vec![unit("u1", 4), unit("u2", 2), unit("u3", 2)] };
    let progress = store.student_progress(student, at_day(1), Some(&curriculum)).unwrap();
    let units: Vec<&str> = progress.iter().map(|p| p.unit.as_str()).collect();
    assert_eq!(units, ["u1", "u2"], "tried or assigned, in curriculum order");
    assert_eq!((progress[0].items_total, progress[0].items_tried, progress[0].items_mastered), (Some(4), 2, 2));
    assert_eq!(progress[0].mean_best_score, Some(90.0));
    assert_eq!((progress[1].items_total, progress[1].items_tried), (Some(2), 0));
}

#[test]
fn the_psc_trend_is_weekly_with_the_grade_of_the_weeks_mean() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    let student = s.students[0];
    // Most attempts of the first week earned 二级甲等 (90, 90), but their mean is 73.3 %.
    for (day, score) in [(0, 40.0), (1, 90.0), (2, 90.0), (7, 90.0), (8, 92.0)] {
        add(&mut store, &attempt(student, "u1-01", at_day(day), score, vec![ok("妈", "ma1")]));
    }
    let trend = store.psc_trend(student).unwrap();
    assert_eq!(trend.len(), 2);
    assert_eq!(trend[0].week_start, T0);
    assert_eq!((trend[0].attempts, trend[0].band.as_str()), (3, "三级甲等"));
    assert!((trend[0].mean_percent - 73.333).abs() < 0.01);
    assert_eq!((trend[1].attempts, trend[1].band.as_str()), (2, "二级甲等"));
}

#[test]
fn the_class_summary_has_a_row_per_student() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲", "乙"]);
    add(&mut store, &attempt(s.students[0], "u1-01", T0, 95.0, vec![ok("妈", "ma1")]));
    add(&mut store, &attempt(s.students[0], "u1-02", T0, 55.0, vec![ok("妈", "ma1")]));
    let rows = store.class_summary(s.class, at_day(1)).unwrap();
    assert_eq!(rows.len(), 2);
    let row = |name: &str| rows.iter().find(|r| r.student.name == name).unwrap();
    assert_eq!((row("甲").attempts, row("甲").items_mastered), (2, 1));
    assert_eq!(row("甲").mean_score, Some(75.0));
    assert_eq!(row("甲").last_active, Some(T0));
    assert_eq!((row("乙").attempts, row("乙").last_active), (0, None));
}

#[test]
fn a_tone_judged_right_is_no_miss_whichever_tone_the_pitch_leant_to() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["阿依"]);
    let student = s.students[0];
    // In a sentence the pitch's most likely tone for a well-said 好 is often another one; the
    // scorer judged the tone right. An attempt saved before that judgement was recorded has
    // only the tone heard to go on.
    let leant_away = || {
        let mut h = ok("好", "hao3");
        h.tone_heard = Some(2);
        h
    };
    let judged_right = shiliu_store::SyllableOutcome { tone_ok: Some(true), ..leant_away() };
    let saved_before = shiliu_store::SyllableOutcome { tone_ok: None, ..leant_away() };
    for day in 0..2 {
        add(&mut store, &attempt(student, "u1-01", at_day(3 * day), 90.0, vec![judged_right.clone()]));
        add(&mut store, &attempt(student, "u1-01", at_day(3 * day + 1), 90.0, vec![saved_before.clone()]));
        add(&mut store, &attempt(student, "u1-01", at_day(3 * day + 2), 60.0, vec![wrong_tone("好", "hao3", 2)]));
    }
    let weakest = store.weakest_sounds(student, at_day(5), 10).unwrap();
    let third = weakest.iter().find(|w| w.kind == SoundKind::Tone && w.sound == "3").unwrap();
    assert_eq!((third.tries, third.misses), (6, 4));
}
