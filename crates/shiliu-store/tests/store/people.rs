use shiliu_store::{NewStudent, StudentEdit};

use crate::helpers::{fresh, school};

#[test]
fn a_new_database_knows_this_device_and_has_no_school_yet() {
    let (_dir, store) = fresh();
    assert!(!store.device().name.is_empty());
    assert_eq!(store.schema_version().unwrap(), shiliu_store::LATEST_VERSION);
    assert!(store.facilities().unwrap().is_empty());
    let counters = store.device_counters().unwrap();
    assert_eq!(counters.len(), 1);
    assert!(counters[0].is_self);
    assert_eq!(counters[0].device, store.device().id);
}

#[test]
fn classes_and_students_are_added_listed_and_edited() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["卓玛", "阿依古丽"]);
    let classes = store.classes().unwrap();
    assert_eq!(classes.len(), 1);
    assert_eq!((classes[0].name.as_str(), classes[0].grade, classes[0].students), ("三年级一班", Some(3), 2));
    let zhuoma = s.students[0];
    store
        .transact(|tx| {
            tx.edit_student(
                zhuoma,
                &StudentEdit {
                    name: Some("卓玛 ".into()),
                    avatar: Some(Some("yak".into())),
                    grade: Some(Some(4)),
                    first_language: Some(Some("bo".into())),
                    dialect: Some(Some("amdo".into())),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let student = store.get_student(zhuoma).unwrap();
    assert_eq!(student.name, "卓玛");
    assert_eq!(student.avatar.as_deref(), Some("yak"));
    assert_eq!(student.grade, Some(4));
    assert_eq!(student.first_language.as_deref(), Some("bo"));
    store.transact(|tx| tx.edit_student(zhuoma, &StudentEdit { avatar: Some(None), ..Default::default() })).unwrap();
    assert_eq!(store.get_student(zhuoma).unwrap().avatar, None);
    assert_eq!(store.get_student(zhuoma).unwrap().dialect.as_deref(), Some("amdo"), "untouched fields stay");
    assert_eq!(store.classes_of_student(zhuoma).unwrap()[0].id, s.class);
}

#[test]
fn a_second_class_with_the_same_name_is_a_conflict() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &[]);
    let e = store.transact(|tx| tx.add_class(s.facility, " 三年级一班", None)).unwrap_err();
    assert_eq!(e.code(), "store.conflict");
    let e = store.transact(|tx| tx.add_class(s.facility, "  ", None)).unwrap_err();
    assert_eq!(e.code(), "store.invalid_input");
}

#[test]
fn a_pin_is_checked_and_can_be_cleared() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &[]);
    let id = store
        .transact(|tx| {
            tx.add_student(
                s.facility,
                &NewStudent { name: "小明".into(), pin: Some("2468".into()), ..Default::default() },
            )
        })
        .unwrap();
    assert!(store.get_student(id).unwrap().has_pin);
    assert!(store.verify_pin(id, "2468").unwrap());
    assert!(!store.verify_pin(id, "2469").unwrap());
    assert!(!store.verify_pin(id, "").unwrap());
    let e =
        store.transact(|tx| tx.edit_student(id, &StudentEdit { pin: Some(Some("12".into())), ..Default::default() }));
    assert_eq!(e.unwrap_err().code(), "store.invalid_pin");
    store.transact(|tx| tx.edit_student(id, &StudentEdit { pin: Some(None), ..Default::default() })).unwrap();
    assert!(!store.get_student(id).unwrap().has_pin);
    assert!(store.verify_pin(id, "").unwrap());
}

#[test]
fn a_removed_student_disappears_from_lists_but_leaves_a_tombstone() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲", "乙"]);
    store.transact(|tx| tx.delete_student(s.students[0])).unwrap();
    assert_eq!(store.class_students(s.class).unwrap().len(), 1);
    assert_eq!(store.get_student(s.students[0]).unwrap_err().code(), "store.not_found");
    let changes = store.changes_since(store.device().id, 0, 100).unwrap();
    let last = changes.last().unwrap();
    assert_eq!((last.table.as_str(), last.op.as_str()), ("students", "delete"));
    assert_eq!(last.row_id, s.students[0].to_string());
}

#[test]
fn a_student_is_found_by_name_and_a_shared_name_needs_the_class() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["小明"]);
    let other = store
        .transact(|tx| {
            let class = tx.add_class(s.facility, "四年级", Some(4))?;
            let id = tx.add_student(s.facility, &NewStudent { name: "小明".into(), ..Default::default() })?;
            tx.set_class_member(class, id, true)?;
            Ok(class)
        })
        .unwrap();
    assert_eq!(store.find_student("小明", None).unwrap_err().code(), "store.conflict");
    assert_eq!(store.find_student("小明", Some(s.class)).unwrap().id, s.students[0]);
    assert_ne!(store.find_student("小明", Some(other)).unwrap().id, s.students[0]);
    assert_eq!(store.find_student(&s.students[0].to_string(), None).unwrap().id, s.students[0]);
    assert_eq!(store.find_student("小红", None).unwrap_err().code(), "store.not_found");
}

#[test]
fn two_students_of_one_name_in_one_class_are_told_apart_by_the_ids_the_error_names() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["李明", "李明"]);
    let err = store.find_student("李明", Some(s.class)).unwrap_err().to_string();
    assert!(!err.contains("name the class"), "the class was named: {err}");
    for id in &s.students {
        assert!(err.contains(&id.to_string()), "{err}");
        assert_eq!(store.find_student(&id.to_string(), Some(s.class)).unwrap().id, *id);
    }
}

#[test]
fn a_failed_transaction_leaves_nothing_behind() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &[]);
    let before = store.device_counters().unwrap()[0].counter;
    let e = store
        .transact(|tx| {
            tx.add_student(s.facility, &NewStudent { name: "ok".into(), ..Default::default() })?;
            tx.add_student(s.facility, &NewStudent { name: "".into(), ..Default::default() })
        })
        .unwrap_err();
    assert_eq!(e.code(), "store.invalid_input");
    assert!(store.students().unwrap().is_empty());
    assert_eq!(store.device_counters().unwrap()[0].counter, before, "no counter was used up");
}

#[test]
fn units_are_assigned_in_order_and_withdrawn() {
    let (_dir, mut store) = fresh();
    let s = school(&mut store, &["甲"]);
    let pack = shiliu_store::PackId::new("basics");
    store
        .transact(|tx| {
            for unit in ["u1", "u2", "u3"] {
                tx.set_assignment(s.class, &pack, &unit.into(), true)?;
            }
            tx.set_assignment(s.class, &pack, &"u2".into(), false)?;
            tx.set_assignment(s.class, &pack, &"u1".into(), true)
        })
        .unwrap();
    let units: Vec<String> = store.assignments(s.class).unwrap().into_iter().map(|a| a.unit.to_string()).collect();
    assert_eq!(units, ["u1", "u3"]);
    assert_eq!(store.student_assignments(s.students[0]).unwrap().len(), 2);
}
