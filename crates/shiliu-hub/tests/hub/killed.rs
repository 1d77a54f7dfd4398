//! A hub killed (SIGKILL) in the middle of pushes and pulls loses nothing: after a restart,
//! retrying completes the exchange and every attempt arrives exactly once.

use std::sync::Mutex;
use std::time::Duration;

use shiliu_sync::sync_once;

use crate::helpers::{Postgres, add_attempts, add_students, lock, school, spawn_hub_binary};

pub fn kill_hub_during_syncs(hub_args: &[&str], label: &str) {
    let (_dir, stores) = school(3);
    let pcs: Vec<Mutex<_>> = stores.into_iter().map(Mutex::new).collect();
    let students = add_students(&mut lock(&pcs[0]), 20);
    add_attempts(&mut lock(&pcs[0]), &students, 30_000, 0);
    let s2 = add_students(&mut lock(&pcs[2]), 5);
    add_attempts(&mut lock(&pcs[2]), &s2, 3_000, 1_000_000);
    let mut rng = fastrand::Rng::with_seed(3);
    let (mut failed, mut kills) = (0, 0);
    for round in 0..8 {
        let (mut child, url) = spawn_hub_binary(hub_args);
        std::thread::scope(|scope| {
            let who = [0, 1, 2][round % 3];
            let (pcs, url) = (&pcs, &url);
            let job = scope.spawn(move || sync_once(&pcs[who], url));
            std::thread::sleep(Duration::from_millis(rng.u64(20..400)));
            child.kill().unwrap();
            child.wait().unwrap();
            kills += 1;
            if job.join().unwrap().is_err() {
                failed += 1;
            }
        });
    }
    // The hub comes back for good; everyone syncs twice.
    let (mut child, url) = spawn_hub_binary(hub_args);
    for _ in 0..2 {
        for pc in &pcs {
            sync_once(pc, &url).unwrap();
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let digests: Vec<_> = pcs.iter().map(|pc| lock(pc).sync_digest().unwrap()).collect();
    assert!(digests.windows(2).all(|w| w[0] == w[1]));
    for pc in &pcs {
        assert_eq!(lock(pc).count_attempts().unwrap(), 33_000);
    }
    println!(
        "{label}: hub killed {kills} times mid-sync ({failed} exchanges cut off); after restart all 3 PCs hold all 33000 attempts"
    );
}

#[test]
fn a_hub_killed_mid_sync_loses_nothing_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.sqlite3");
    kill_hub_during_syncs(&["--sqlite", db.to_str().unwrap()], "sqlite");
}

#[test]
fn a_hub_killed_mid_sync_loses_nothing_postgresql() {
    let Some(pg) = Postgres::start() else { return };
    let config = pg.database("killed");
    kill_hub_during_syncs(&["--postgres", &config, "--pool", "4"], "postgresql");
}
