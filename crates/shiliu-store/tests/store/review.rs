use shiliu_pinyin::Contrast;
use shiliu_store::{Curriculum, CurriculumItem, CurriculumUnit, Focus, ItemId, NextReason, PackId, UnitId};

use crate::helpers::{T0, add, at_day, attempt, fresh, ok, school, wrong_initial};

/// basics/u1: u1-01 … u1-05; basics/u2: u2-01 … u2-03, where u2-02 drills n/l when `drill` is set.
fn curriculum(drill: bool) -> Curriculum {
    let unit = |name: &str, n: usize| CurriculumUnit {
        pack: PackId::new("basics"),
        unit: UnitId::new(name),
        items: (1..=n)
            .map(|i| CurriculumItem {
                item: ItemId::new(format!("{name}-{i:02}")),
                focus: if drill && name == "u2" && i == 2 {
                    vec![Focus::Contrast(Contrast::NasalLateral)]
                } else {
                    vec![]
                },
            })
            .collect(),
    };
    Curriculum { units: vec![unit("u1", 5), unit("u2", 3)] }
}

fn names(items: &[shiliu_store::NextItem]) -> Vec<String> {
    items.iter().map(|i| i.item.to_string()).collect()
}

#[test]
fn new_items_come_from_assigned_units_in_order() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let student = s.students[0];
    let next = store.next_items(student, T0, 3, &curriculum(false)).unwrap();
    assert_eq!(names(&next), ["u1-01", "u1-02", "u1-03"], "without assignments the curriculum's order");
    store.transact(|tx| tx.set_assignment(s.class, &PackId::new("basics"), &UnitId::new("u2"), true)).unwrap();
    let next = store.next_items(student, T0, 5, &curriculum(false)).unwrap();
    assert_eq!(names(&next), ["u2-01", "u2-02", "u2-03"]);
    assert!(next.iter().all(|i| i.reason == NextReason::New));
    add(&mut store, &attempt(student, "u2-01", T0, 95.0, vec![ok("妈", "ma1")]));
    let next = store.next_items(student, T0, 5, &curriculum(false)).unwrap();
    assert_eq!(names(&next), ["u2-02", "u2-03"], "a tried item is not new");
}

#[test]
fn a_failed_item_comes_back_as_a_due_review() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let student = s.students[0];
    add(&mut store, &attempt(student, "u1-01", T0, 30.0, vec![ok("妈", "ma1")]));
    add(&mut store, &attempt(student, "u1-02", T0, 95.0, vec![ok("妈", "ma1")]));
    let next = store.next_items(student, at_day(1), 4, &curriculum(false)).unwrap();
    assert_eq!(next[0].item.as_str(), "u1-01");
    assert!(matches!(next[0].reason, NextReason::Review { due } if due <= at_day(1)));
    assert!(!names(&next).contains(&"u1-02".to_owned()), "an easy item is not due the next day");
}

#[test]
fn a_contrast_missed_across_items_becomes_a_drill() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let student = s.students[0];
    let nan = || wrong_initial("南", "nan2", "lan2", "n", "l", "n_l");
    add(&mut store, &attempt(student, "u1-01", T0, 85.0, vec![nan(), ok("方", "fang1")]));
    let next = store.next_items(student, at_day(1), 6, &curriculum(true)).unwrap();
    assert!(next.iter().all(|i| !matches!(i.reason, NextReason::WeakFocus { .. })), "one slip is not a weak contrast");
    add(&mut store, &attempt(student, "u1-03", T0.plus_days(0.05), 85.0, vec![ok("你", "ni3"), nan()]));
    let next = store.next_items(student, at_day(1), 6, &curriculum(true)).unwrap();
    let drill = next.iter().find(|i| matches!(i.reason, NextReason::WeakFocus { .. })).expect("a drill");
    assert_eq!(drill.item.as_str(), "u2-02", "the item declared as an n/l drill");
    assert_eq!(drill.reason, NextReason::WeakFocus { focus: "n_l".into() });
}

#[test]
fn with_no_declared_drill_the_item_where_the_contrast_was_missed_is_drilled() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let student = s.students[0];
    let nan = || wrong_initial("南", "nan2", "lan2", "n", "l", "n_l");
    add(&mut store, &attempt(student, "u1-01", T0, 85.0, vec![nan()]));
    add(&mut store, &attempt(student, "u1-03", T0.plus_days(0.05), 85.0, vec![nan(), ok("你", "ni3")]));
    add(&mut store, &attempt(student, "u1-03", T0.plus_days(0.06), 85.0, vec![nan(), ok("你", "ni3")]));
    let next = store.next_items(student, at_day(1), 6, &curriculum(false)).unwrap();
    let drill = next.iter().find(|i| matches!(i.reason, NextReason::WeakFocus { .. })).expect("a drill");
    assert_eq!(drill.item.as_str(), "u1-03", "missed there twice");
}

#[test]
fn a_contrast_said_right_again_is_not_drilled_until_due_again() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛"]);
    let student = s.students[0];
    let nan = || wrong_initial("南", "nan2", "lan2", "n", "l", "n_l");
    add(&mut store, &attempt(student, "u1-01", T0, 85.0, vec![nan()]));
    add(&mut store, &attempt(student, "u1-03", T0.plus_days(0.05), 85.0, vec![nan()]));
    // Right every day for a while: the n/l card's interval grows past the next day.
    for d in 1..6 {
        let at = T0.plus_days(d as f64 + 0.5);
        add(&mut store, &attempt(student, "u2-02", at, 95.0, vec![ok("南", "nan2"), ok("蓝", "lan2")]));
    }
    let next = store.next_items(student, T0.plus_days(5.6), 6, &curriculum(true)).unwrap();
    assert!(next.iter().all(|i| !matches!(i.reason, NextReason::WeakFocus { .. })), "{next:?}");
}
