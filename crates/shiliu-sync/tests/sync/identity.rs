use shiliu_store::{DeviceId, Store, Timestamp};
use shiliu_sync::{
    DeviceCert, DeviceKey, Issuer, Registry, Sealing, devices, export_bundle, import_path, join_school, revoke_device,
    seal, write_join_file,
};

use crate::helpers::{CODE, all_meet, attempts, class, fingerprint, school, stick};

#[test]
fn a_wrong_join_code_is_refused_and_the_pc_stays_out_of_the_school() {
    let (dir, pcs) = school(1);
    let join = write_join_file(&pcs[0], &stick(&dir, "usb"), None, 7).unwrap();
    assert_eq!(join.code.len(), 19);
    let mut new = Store::open(dir.path().join("new.sqlite3")).unwrap();
    let e = join_school(&mut new, &join.path, "AAAA-BBBB-CCCC-DDDD").unwrap_err();
    assert_eq!(e.code(), "sync.wrong_code");
    assert!(new.sync_identity().unwrap().is_none());
    let bytes = std::fs::read(&join.path).unwrap();
    assert!(!bytes.windows(8).any(|w| w == b"Xinglong"), "the stick shows no school name");
    join_school(&mut new, &join.path, &join.code.to_lowercase()).unwrap();
    assert_eq!(new.sync_identity().unwrap().unwrap().school_name, "Xinglong Primary");
}

#[test]
fn two_join_files_written_in_a_row_onto_one_stick_both_stay_and_open_with_their_own_codes() {
    let (dir, pcs) = school(1);
    let usb = stick(&dir, "usb");
    let first = write_join_file(&pcs[0], &usb, None, 7).unwrap();
    let second = write_join_file(&pcs[0], &usb, None, 7).unwrap();
    assert_ne!(first.path, second.path, "the second join file does not replace the first");
    for (n, join) in [first, second].iter().enumerate() {
        let mut new = Store::open(dir.path().join(format!("new{n}.sqlite3"))).unwrap();
        join_school(&mut new, &join.path, &join.code).unwrap();
    }
}

#[test]
fn devices_learn_of_each_other_through_bundles() {
    let (dir, mut pcs) = school(3);
    let usb = stick(&dir, "usb");
    all_meet(&mut pcs, &usb);
    let list = devices(&pcs[2]).unwrap();
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|d| d.valid && d.revoked.is_none()));
    assert_eq!(list.iter().filter(|d| d.is_self).count(), 1);
    assert_eq!(list[0].enrolled_by, "founder");
}

#[test]
fn a_pc_renamed_after_joining_is_shown_by_its_new_name_on_the_others_and_an_older_bundle_does_not_undo_it() {
    let (dir, mut pcs) = school(2);
    let pc1 = pcs[1].device().id;
    let name_on_pc0 = |pcs: &[Store]| devices(&pcs[0]).unwrap().into_iter().find(|d| d.id == pc1).unwrap().name;
    let before_rename = export_bundle(&mut pcs[1], &stick(&dir, "old"), false).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    pcs[1].transact(|tx| tx.rename_device("二楼机房 3号")).unwrap();
    let after_rename = export_bundle(&mut pcs[1], &stick(&dir, "new"), false).unwrap();
    assert_eq!(devices(&pcs[1]).unwrap().iter().find(|d| d.is_self).unwrap().name, "二楼机房 3号");
    import_path(&mut pcs[0], &after_rename.path).unwrap();
    assert_eq!(name_on_pc0(&pcs), "二楼机房 3号");
    import_path(&mut pcs[0], &before_rename.path).unwrap();
    assert_eq!(name_on_pc0(&pcs), "二楼机房 3号", "the older bundle's name does not come back");
    let status = shiliu_sync::status(&pcs[0]).unwrap();
    assert!(status.peers.iter().any(|p| p.name == "二楼机房 3号"), "{:?}", status.peers);
}

#[test]
fn a_revoked_pcs_bundles_are_refused_wherever_the_revocation_arrives() {
    let (dir, mut pcs) = school(3);
    let usb = stick(&dir, "usb");
    all_meet(&mut pcs, &usb);
    let pc1 = pcs[1].device().id;
    revoke_device(&mut pcs[0], pc1, "stolen").unwrap();
    let news = export_bundle(&mut pcs[0], &stick(&dir, "news"), false).unwrap();
    import_path(&mut pcs[2], &news.path).unwrap();
    assert!(devices(&pcs[2]).unwrap().iter().any(|d| d.id == pc1 && d.revoked.is_some()));
    let (_, s) = class(&mut pcs[1], "贼班", 1);
    attempts(&mut pcs[1], &s, 3);
    let from_revoked = export_bundle(&mut pcs[1], &stick(&dir, "thief"), false).unwrap();
    for pc in [0, 2] {
        let before = fingerprint(pcs[pc].path());
        let e = import_path(&mut pcs[pc], &from_revoked.path).unwrap_err();
        assert_eq!(e.code(), "sync.revoked_device", "{e}");
        assert_eq!(fingerprint(pcs[pc].path()), before);
    }
}

#[test]
fn a_bundle_signed_by_a_device_the_school_never_enrolled_is_refused() {
    let (dir, mut pcs) = school(2);
    // Someone who copied the school key out of a database still cannot sign as a member.
    let id = pcs[0].sync_identity().unwrap().unwrap();
    let rogue_key = DeviceKey::generate().unwrap();
    let rogue = DeviceId::new();
    let cert = DeviceCert::issue(
        &id.school_id,
        rogue,
        &rogue_key.public(),
        "rogue",
        Timestamp::now().millis(),
        Issuer::Device { id: pcs[0].device().id },
        &rogue_key,
    );
    let mut reg = Registry::new(&id.school_id);
    reg.add_cert(cert);
    let row = pcs[0].sync_rows(shiliu_store::SyncTable::SyncDevices).unwrap();
    let bytes = seal(
        Sealing {
            school: &id.school_id,
            school_key: &id.school_key,
            origin: rogue,
            origin_name: "rogue",
            device_key: &rogue_key,
            created_ms: Timestamp::now().millis(),
            base: Default::default(),
            covers: Default::default(),
            registry: &reg,
        },
        row,
    )
    .unwrap();
    let path = stick(&dir, "usb").join("rogue.shbundle");
    std::fs::write(&path, bytes).unwrap();
    let before = fingerprint(pcs[1].path());
    let e = import_path(&mut pcs[1], &path).unwrap_err();
    assert_eq!(e.code(), "sync.unknown_device", "{e}");
    assert_eq!(fingerprint(pcs[1].path()), before);
}

#[test]
fn a_bundle_of_another_school_is_refused() {
    let (dir, mut pcs) = school(2);
    let mut other = Store::open(dir.path().join("other.sqlite3")).unwrap();
    shiliu_sync::create_school(&mut other, "Another School").unwrap();
    let (_, s) = class(&mut other, "外班", 1);
    attempts(&mut other, &s, 2);
    let out = export_bundle(&mut other, &stick(&dir, "usb"), false).unwrap();
    let before = fingerprint(pcs[1].path());
    let e = import_path(&mut pcs[1], &out.path).unwrap_err();
    assert_eq!(e.code(), "sync.wrong_school", "{e}");
    assert_eq!(fingerprint(pcs[1].path()), before);
    let _ = CODE;
}

#[test]
fn a_pc_restored_from_a_backup_joins_its_school_again_and_syncs_what_was_added_since() {
    let (dir, mut pcs) = school(2);
    let backup = dir.path().join("backup.sqlite3");
    pcs[1].backup_to(&backup).unwrap();
    let restored = pcs.pop().unwrap();
    let old_identity = restored.device().id;
    let db = restored.path().to_owned();
    drop(restored);
    shiliu_store::restore(&db, &backup, &dir.path().join("backups")).unwrap();
    let mut pc = Store::open(&db).unwrap();
    let (_, s) = class(&mut pc, "补录班", 1);
    let added = attempts(&mut pc, &s, 2);
    assert_eq!(export_bundle(&mut pc, &stick(&dir, "usb"), false).unwrap_err().code(), "sync.identity_changed");

    let join = write_join_file(&pcs[0], &stick(&dir, "join"), None, 7).unwrap();
    join_school(&mut pc, &join.path, &join.code).unwrap();
    let bundle = export_bundle(&mut pc, &stick(&dir, "usb2"), false).unwrap();
    import_path(&mut pcs[0], &bundle.path).unwrap();
    for a in added {
        assert!(pcs[0].get_attempt(a).is_ok(), "the founder has what the restored pc added");
    }
    let again = write_join_file(&pcs[0], &stick(&dir, "join2"), None, 7).unwrap();
    assert_eq!(join_school(&mut pc, &again.path, &again.code).unwrap_err().code(), "sync.already_joined");

    // The old identity is retired, not revoked, and exports stop catering for it.
    let list = devices(&pcs[0]).unwrap();
    let old = list.iter().find(|d| d.id == old_identity).unwrap();
    assert_eq!((old.retired.map(|(_, by)| by), old.revoked), (Some(pc.device().id), None));
    let usb = stick(&dir, "usb3");
    let out = export_bundle(&mut pcs[0], &usb, false).unwrap();
    import_path(&mut pc, &out.path).unwrap();
    export_bundle(&mut pc, &usb, false).unwrap();
    import_path(&mut pcs[0], &usb).unwrap();
    assert_eq!(export_bundle(&mut pcs[0], &usb, false).unwrap().bundle.rows, 0, "nothing is left to carry");
}

#[test]
fn a_stolen_pc_cannot_add_data_enrol_pcs_or_revoke_honest_pcs_after_its_revocation_even_through_relays() {
    let (dir, mut pcs) = school(4);
    let usb = stick(&dir, "usb");
    all_meet(&mut pcs, &usb);
    let (thief, honest) = (pcs[2].device().id, pcs[1].device().id);
    revoke_device(&mut pcs[0], thief, "stolen").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));

    // The thief adds students, writes a join file and revokes pc1; pc3 has not heard of the
    // revocation yet, takes it all in, and relays it to pc0.
    let (_, added) = class(&mut pcs[2], "贼班", 2);
    let join = write_join_file(&pcs[2], &stick(&dir, "thief-join"), None, 7).unwrap();
    let mut accomplice = Store::open(dir.path().join("accomplice.sqlite3")).unwrap();
    join_school(&mut accomplice, &join.path, &join.code).unwrap();
    let (_, smuggled) = class(&mut accomplice, "同伙班", 1);
    revoke_device(&mut pcs[2], honest, "evil").unwrap();
    let from_thief = export_bundle(&mut pcs[2], &stick(&dir, "thief"), true).unwrap();
    let from_accomplice = export_bundle(&mut accomplice, &stick(&dir, "accomplice"), true).unwrap();
    import_path(&mut pcs[3], &from_thief.path).unwrap();
    import_path(&mut pcs[3], &from_accomplice.path).unwrap();
    let relay = export_bundle(&mut pcs[3], &stick(&dir, "relay"), true).unwrap();

    let report = import_path(&mut pcs[0], &relay.path).unwrap();
    assert!(report.preview.left_out > 0, "{:?}", report.preview);
    for s in added.iter().chain(&smuggled) {
        assert!(pcs[0].get_student(*s).is_err(), "the thief's and its accomplice's students stay out");
    }
    let list = devices(&pcs[0]).unwrap();
    assert!(list.iter().find(|d| d.id == honest).unwrap().revoked.is_none(), "pc1 is not locked out");
    assert!(!list.iter().any(|d| d.id == accomplice.device().id && d.valid), "the accomplice is not enrolled");
    let e = import_path(&mut pcs[0], &from_accomplice.path).unwrap_err();
    assert!(["sync.unknown_device", "sync.bad_certificate"].contains(&e.code()), "{e}");
}
