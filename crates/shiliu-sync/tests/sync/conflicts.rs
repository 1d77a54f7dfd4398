use shiliu_store::{NewStudent, Store, StudentEdit};
use shiliu_sync::{ConflictChoice, conflicts, export_bundle, import_path, resolve_conflict};

use crate::helpers::{school, stick};

fn exchange(a: &mut Store, b: &mut Store, usb: &std::path::Path) {
    let x = export_bundle(a, usb, true).unwrap();
    import_path(b, &x.path).unwrap();
    let y = export_bundle(b, usb, true).unwrap();
    import_path(a, &y.path).unwrap();
}

fn rename(store: &mut Store, id: shiliu_store::StudentId, name: &str) {
    store.transact(|tx| tx.edit_student(id, &StudentEdit { name: Some(name.into()), ..Default::default() })).unwrap();
}

#[test]
fn concurrent_edits_of_one_student_converge_and_the_loser_waits_for_the_teacher() {
    let (dir, mut pcs) = school(2);
    let usb = stick(&dir, "usb");
    let (a, b) = pcs.split_at_mut(1);
    let (a, b) = (&mut a[0], &mut b[0]);
    let facility = a.transact(|tx| tx.ensure_facility("Xinglong Primary")).unwrap();
    let id =
        a.transact(|tx| tx.add_student(facility, &NewStudent { name: "卓玛".into(), ..Default::default() })).unwrap();
    exchange(a, b, &usb);
    rename(a, id, "卓玛 (A)");
    std::thread::sleep(std::time::Duration::from_millis(5));
    rename(b, id, "卓玛 (B)");
    exchange(a, b, &usb);
    assert_eq!(a.get_student(id).unwrap().name, "卓玛 (B)", "the later edit wins");
    assert_eq!(a.sync_digest().unwrap(), b.sync_digest().unwrap());
    let seen = conflicts(a, false).unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].lost["display_name"], "卓玛 (A)");
    assert_eq!(seen[0].current["display_name"], "卓玛 (B)");
    assert_eq!(conflicts(b, false).unwrap().len(), 1, "b saw the same two versions meet");
    // The teacher brings the lost name back; it wins everywhere as a new edit.
    resolve_conflict(a, seen[0].id, ConflictChoice::UseLost).unwrap();
    assert!(conflicts(a, false).unwrap().is_empty());
    exchange(a, b, &usb);
    assert_eq!(b.get_student(id).unwrap().name, "卓玛 (A)");
    assert!(
        conflicts(b, false).unwrap().is_empty(),
        "no new conflict, and b's own copy closes: what it kept aside is in use again"
    );
}

#[test]
fn a_deletion_reaches_the_other_pc_as_a_tombstone() {
    let (dir, mut pcs) = school(2);
    let usb = stick(&dir, "usb");
    let (a, b) = pcs.split_at_mut(1);
    let (a, b) = (&mut a[0], &mut b[0]);
    let (_, students) = crate::helpers::class(a, "一班", 2);
    exchange(a, b, &usb);
    b.transact(|tx| tx.delete_student(students[0])).unwrap();
    exchange(a, b, &usb);
    assert_eq!(a.students().unwrap().len(), 1);
    assert_eq!(a.get_student(students[0]).unwrap_err().code(), "store.not_found");
    assert!(conflicts(a, false).unwrap().is_empty());
    assert_eq!(a.sync_digest().unwrap(), b.sync_digest().unwrap());
}
