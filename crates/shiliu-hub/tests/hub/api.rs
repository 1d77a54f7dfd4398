use std::sync::Mutex;

use shiliu_sync::{SyncError, export_bundle, import_path, revoke_device, sync_once};

use crate::helpers::{Backend, Hub, add_attempts, add_students, lock, school};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().new_agent()
}

#[test]
fn a_pull_without_a_device_signature_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(Backend::Sqlite(dir.path().join("hub.sqlite3")));
    let mut resp = agent()
        .post(format!("{}/v1/pull", hub.url))
        .send(r#"{"school":"00000000000000000000000000000000","holds":{}}"#)
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body = resp.body_mut().read_to_string().unwrap();
    assert!(body.contains("hub.unauthorized"), "{body}");
}

#[test]
fn two_pcs_that_never_meet_share_everything_through_the_hub_and_the_report_sees_only_counts() {
    let (dir, stores) = school(2);
    let hub = Hub::start(Backend::Sqlite(dir.path().join("hub.sqlite3")));
    let pcs: Vec<Mutex<_>> = stores.into_iter().map(Mutex::new).collect();
    let students = add_students(&mut lock(&pcs[0]), 3);
    add_attempts(&mut lock(&pcs[0]), &students, 40, 0);
    let first = sync_once(&pcs[0], &hub.url).unwrap();
    let own_rows = {
        let pc0 = lock(&pcs[0]);
        pc0.export_rows(pc0.device().id, 0).unwrap().len() as u64
    };
    assert_eq!(first.pushed_rows, own_rows);
    let second = sync_once(&pcs[1], &hub.url).unwrap();
    assert_eq!(second.pulled_bundles, 1);
    assert_eq!(lock(&pcs[1]).count_attempts().unwrap(), 40);
    sync_once(&pcs[0], &hub.url).unwrap();
    assert_eq!(lock(&pcs[0]).sync_digest().unwrap(), lock(&pcs[1]).sync_digest().unwrap());
    let again = sync_once(&pcs[1], &hub.url).unwrap();
    assert_eq!((again.pushed_rows, again.pulled_bundles), (0, 0), "nothing new: nothing moves");
    let status = shiliu_sync::status(&lock(&pcs[1])).unwrap();
    assert!(status.hubs[0].last_success.is_some() && status.hubs[0].last_error.is_none());
    let page = agent().get(&hub.url).call().unwrap().body_mut().read_to_string().unwrap();
    assert!(page.contains("40 attempts"), "{page}");
    assert!(!page.contains("学生"), "no student names on the hub");
    let json = agent().get(format!("{}/v1/report", hub.url)).call().unwrap().body_mut().read_to_string().unwrap();
    assert!(json.contains("\"attempts\":40"), "{json}");
}

#[test]
fn a_revoked_pc_is_turned_away_by_the_hub() {
    let (dir, stores) = school(2);
    let hub = Hub::start(Backend::Sqlite(dir.path().join("hub.sqlite3")));
    let pcs: Vec<Mutex<_>> = stores.into_iter().map(Mutex::new).collect();
    sync_once(&pcs[1], &hub.url).unwrap();
    sync_once(&pcs[0], &hub.url).unwrap();
    let pc1 = lock(&pcs[1]).device().id;
    revoke_device(&mut lock(&pcs[0]), pc1, "lost").unwrap();
    sync_once(&pcs[0], &hub.url).unwrap();
    add_students(&mut lock(&pcs[1]), 1);
    match sync_once(&pcs[1], &hub.url) {
        Err(SyncError::HubRefused { status: 401 | 403, .. }) => {}
        other => panic!("a revoked pc was served: {other:?}"),
    }
}

#[test]
fn a_bundle_building_on_what_the_hub_lacks_is_refused_and_the_client_recovers() {
    let (dir, mut stores) = school(2);
    let usb = dir.path().join("usb");
    add_students(&mut stores[0], 2);
    let first = export_bundle(&mut stores[0], &usb, false).unwrap();
    import_path(&mut stores[1], &first.path).unwrap();
    let back = export_bundle(&mut stores[1], &usb, false).unwrap();
    import_path(&mut stores[0], &back.path).unwrap();
    add_students(&mut stores[0], 1);
    let incremental = export_bundle(&mut stores[0], &usb, false).unwrap();
    assert!(!incremental.base.is_empty());
    let hub = Hub::start(Backend::Sqlite(dir.path().join("hub.sqlite3")));
    let mut resp =
        agent().post(format!("{}/v1/bundles", hub.url)).send(&std::fs::read(&incremental.path).unwrap()[..]).unwrap();
    assert_eq!(resp.status().as_u16(), 409, "{}", resp.body_mut().read_to_string().unwrap());
    let pcs: Vec<Mutex<_>> = stores.into_iter().map(Mutex::new).collect();
    let report = sync_once(&pcs[0], &hub.url).unwrap();
    assert!(report.pushed_rows > 0);
}
