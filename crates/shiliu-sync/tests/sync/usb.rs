use shiliu_sync::{export_bundle, import_path, preview_import};

use crate::helpers::{attempts, class, fingerprint, school, stick};

#[test]
fn students_and_attempts_travel_by_stick_and_both_pcs_end_identical() {
    let (dir, mut pcs) = school(2);
    let usb = stick(&dir, "usb");
    let (_, students) = class(&mut pcs[0], "三年级一班", 3);
    attempts(&mut pcs[0], &students, 50);
    let out = export_bundle(&mut pcs[0], &usb, false).unwrap();
    assert_eq!(out.bundle.attempts, 50);
    let preview = preview_import(&pcs[1], &out.path).unwrap();
    assert_eq!(preview.changes["students"].new, 3);
    assert_eq!(preview.changes["attempts"].new, 50);
    assert!(pcs[1].students().unwrap().is_empty(), "a preview changes nothing");
    let report = import_path(&mut pcs[1], &out.path).unwrap();
    assert_eq!(report.receipts.len(), 1);
    let receipt = std::fs::read_to_string(&report.receipts[0]).unwrap();
    assert!(receipt.contains("imported") && receipt.contains("pc1"), "{receipt}");
    assert_eq!(pcs[1].students().unwrap().len(), 3);
    assert_eq!(pcs[1].count_attempts().unwrap(), 50);
    let progress = pcs[1].student_progress(students[0], shiliu_store::Timestamp::now(), None).unwrap();
    assert!(!progress.is_empty(), "progress is rebuilt from the imported attempts");
    // And back: pc0 learns pc1's certificate; then both hold exactly the same rows.
    let back = export_bundle(&mut pcs[1], &usb, false).unwrap();
    import_path(&mut pcs[0], &back.path).unwrap();
    assert_eq!(pcs[0].sync_digest().unwrap(), pcs[1].sync_digest().unwrap());
    let _ = fingerprint;
}

#[test]
fn importing_the_same_bundle_twice_is_a_harmless_no_op() {
    let (dir, mut pcs) = school(2);
    let usb = stick(&dir, "usb");
    let (_, students) = class(&mut pcs[0], "一班", 2);
    attempts(&mut pcs[0], &students, 10);
    let out = export_bundle(&mut pcs[0], &usb, false).unwrap();
    import_path(&mut pcs[1], &out.path).unwrap();
    let before = fingerprint(pcs[1].path());
    let again = import_path(&mut pcs[1], &out.path).unwrap();
    assert!(again.preview.bundles.is_empty());
    assert_eq!(again.preview.already_imported.len(), 1);
    assert_eq!(fingerprint(pcs[1].path()), before, "the database is unchanged");
    assert_eq!(pcs[1].count_attempts().unwrap(), 10, "no duplicates");
}

#[test]
fn a_pc_importing_a_stick_with_its_own_bundle_skips_it_and_is_not_its_own_peer() {
    let (dir, mut pcs) = school(2);
    let usb = stick(&dir, "usb");
    let (_, students) = class(&mut pcs[0], "一班", 2);
    attempts(&mut pcs[0], &students, 5);
    let own = export_bundle(&mut pcs[0], &usb, false).unwrap();
    export_bundle(&mut pcs[1], &usb, false).unwrap();
    let before = fingerprint(pcs[0].path());
    let alone = import_path(&mut pcs[0], &own.path).unwrap();
    assert!(alone.preview.bundles.is_empty() && alone.receipts.is_empty());
    assert_eq!(alone.preview.made_here.len(), 1);
    assert_eq!(fingerprint(pcs[0].path()), before, "its own bundle changes nothing");
    let report = import_path(&mut pcs[0], &usb).unwrap();
    assert_eq!((report.preview.bundles.len(), report.preview.made_here.len()), (1, 1));
    export_bundle(&mut pcs[0], &usb, false).unwrap();
    let peers = shiliu_sync::status(&pcs[0]).unwrap().peers;
    let this_pc = pcs[0].device().id.to_string();
    assert!(!peers.is_empty() && peers.iter().all(|p| p.peer != this_pc), "{peers:?}");
}

#[test]
fn a_stick_relays_bundles_of_many_pcs_and_one_folder_import_takes_them_all() {
    let (dir, mut pcs) = school(4);
    let usb = stick(&dir, "usb");
    for (i, pc) in pcs.iter_mut().take(3).enumerate() {
        let (_, s) = class(pc, &format!("班{i}"), 2);
        attempts(pc, &s, 20 + i);
        export_bundle(pc, &usb, false).unwrap();
    }
    let report = import_path(&mut pcs[3], &usb).unwrap();
    assert_eq!(report.preview.bundles.len(), 3);
    assert!(report.preview.refused.is_empty() && report.preview.waiting.is_empty());
    assert_eq!(pcs[3].count_attempts().unwrap(), 20 + 21 + 22);
    assert_eq!(pcs[3].classes().unwrap().len(), 3);
    assert_eq!(report.receipts.len(), 3);
}

#[test]
fn an_export_leaves_out_what_the_other_pcs_already_hold() {
    let (dir, mut pcs) = school(2);
    let usb = stick(&dir, "usb");
    let (_, students) = class(&mut pcs[0], "一班", 2);
    attempts(&mut pcs[0], &students, 30);
    let first = export_bundle(&mut pcs[0], &usb, false).unwrap();
    import_path(&mut pcs[1], &first.path).unwrap();
    let back = export_bundle(&mut pcs[1], &usb, false).unwrap();
    import_path(&mut pcs[0], &back.path).unwrap();
    // pc1's receipt and bundle are on the stick: nothing needs carrying now.
    let second = export_bundle(&mut pcs[0], &usb, false).unwrap();
    assert_eq!(second.bundle.rows, 0, "{second:?}");
    attempts(&mut pcs[0], &students, 5);
    let third = export_bundle(&mut pcs[0], &usb, false).unwrap();
    assert_eq!(third.bundle.attempts, 5);
    let full = export_bundle(&mut pcs[0], &usb, true).unwrap();
    assert_eq!(full.bundle.attempts, 35);
    import_path(&mut pcs[1], &third.path).unwrap();
    assert_eq!(pcs[1].count_attempts().unwrap(), 35);
}

#[test]
fn a_bundle_building_on_changes_a_pc_lacks_waits_until_they_arrive() {
    let (dir, mut pcs) = school(3);
    let usb = stick(&dir, "usb");
    let other = stick(&dir, "other");
    let (_, students) = class(&mut pcs[0], "一班", 2);
    attempts(&mut pcs[0], &students, 10);
    let first = export_bundle(&mut pcs[0], &usb, false).unwrap();
    import_path(&mut pcs[1], &first.path).unwrap();
    let pc1 = export_bundle(&mut pcs[1], &usb, false).unwrap();
    import_path(&mut pcs[0], &pc1.path).unwrap();
    attempts(&mut pcs[0], &students, 4);
    // pc0 knows only pc1, which holds the first 10 attempts: the next bundle leaves them out.
    let second = export_bundle(&mut pcs[0], &usb, false).unwrap();
    assert_eq!(second.bundle.attempts, 4);
    let lonely = other.join(second.path.file_name().unwrap());
    std::fs::copy(&second.path, &lonely).unwrap();
    let before = fingerprint(pcs[2].path());
    let e = import_path(&mut pcs[2], &lonely).unwrap_err();
    assert_eq!(e.code(), "sync.needs_earlier", "{e}");
    assert_eq!(fingerprint(pcs[2].path()), before);
    // The stick with every bundle works, whatever order its files are in.
    import_path(&mut pcs[2], &usb).unwrap();
    assert_eq!(pcs[2].count_attempts().unwrap(), 14);
}

#[test]
fn every_pc_that_imports_a_bundle_leaves_its_own_receipt_next_to_it() {
    let (dir, mut pcs) = school(3);
    let usb = stick(&dir, "usb");
    let out = export_bundle(&mut pcs[0], &usb, false).unwrap();
    let first = import_path(&mut pcs[1], &usb).unwrap().receipts;
    let second = import_path(&mut pcs[2], &usb).unwrap().receipts;
    assert_ne!(first, second, "PCs enrolled in the same minute share the start of their ids");
    let receipts = std::fs::read_dir(&usb)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".receipt-"))
        .count();
    assert_eq!(receipts, 2, "next to {}", out.path.display());
}
