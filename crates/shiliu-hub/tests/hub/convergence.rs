//! The convergence property: six PCs make random changes (attempts, new students, concurrent
//! edits of the same student on two PCs, deletions, classes) and exchange them in random
//! orders through USB sticks, sticks relaying other PCs' bundles, and the hub. After a final
//! round through the hub, every PC holds identical data: every attempt made anywhere, once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use shiliu_store::{AttemptId, NewStudent, Store, StudentEdit, StudentId, SyncTable};
use shiliu_sync::{export_bundle, import_path, is_bundle_name, sync_once};

use crate::helpers::{Backend, Hub, add_attempts, lock, school};

const PCS: usize = 6;
const OPS: usize = 140;

#[derive(Default, Debug)]
pub struct Tally {
    pub seeds: u64,
    pub ops: u64,
    pub exports: u64,
    pub imports: u64,
    pub relays: u64,
    pub hub_syncs: u64,
    pub concurrent_edits: u64,
    pub deletions: u64,
    pub attempts: u64,
    pub conflicts_kept: u64,
}

fn live_students(store: &Store) -> Vec<StudentId> {
    store.students().unwrap().into_iter().map(|s| s.id).collect()
}

fn has_bundles(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|e| is_bundle_name(&e.file_name().to_string_lossy()))
}

/// Runs one seed against a hub at `url`; returns what happened.
pub fn run_seed(seed: u64, backend: impl FnOnce(&Path) -> Backend, tally: &mut Tally) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let (dir, stores) = school(PCS);
    let hub = Hub::start(backend(dir.path()));
    let pcs: Vec<Mutex<Store>> = stores.into_iter().map(Mutex::new).collect();
    let sticks: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("stick{i}"))).collect();
    sticks.iter().for_each(|s| std::fs::create_dir_all(s).unwrap());
    let mut made: BTreeSet<AttemptId> = BTreeSet::new();
    let mut students_made: BTreeSet<StudentId> = BTreeSet::new();
    for step in 0..OPS {
        let p = rng.usize(..PCS);
        let roll = rng.u8(..100);
        let mut pc = lock(&pcs[p]);
        let live = live_students(&pc);
        match roll {
            0..=21 if !live.is_empty() => {
                let n = rng.usize(1..6);
                let who: Vec<StudentId> = (0..n).map(|_| live[rng.usize(..live.len())]).collect();
                made.extend(add_attempts(&mut pc, &who, n, seed * 100_000 + step as u64 * 10));
            }
            22..=31 if !pc.facilities().unwrap().is_empty() => {
                let f = pc.facilities().unwrap()[0].id;
                let name = format!("学生 {seed}-{step}");
                let id = pc.transact(|tx| tx.add_student(f, &NewStudent { name, ..Default::default() })).unwrap();
                students_made.insert(id);
            }
            32..=39 if !live.is_empty() => {
                let id = live[rng.usize(..live.len())];
                let edit = StudentEdit { grade: Some(Some(rng.u8(1..7))), ..Default::default() };
                pc.transact(|tx| tx.edit_student(id, &edit)).unwrap();
            }
            40..=45 if !live.is_empty() => {
                // The same student edited on two PCs before they meet.
                let id = live[rng.usize(..live.len())];
                drop(pc);
                let q = (p + 1 + rng.usize(..PCS - 1)) % PCS;
                for (who, name) in [(p, "甲"), (q, "乙")] {
                    let mut s = lock(&pcs[who]);
                    if s.get_student(id).is_ok() {
                        let edit = StudentEdit { name: Some(format!("{name} {seed}-{step}")), ..Default::default() };
                        s.transact(|tx| tx.edit_student(id, &edit)).unwrap();
                    }
                }
                tally.concurrent_edits += 1;
                continue;
            }
            46..=48 if live.len() > 2 => {
                let id = live[rng.usize(..live.len())];
                pc.transact(|tx| tx.delete_student(id)).unwrap();
                tally.deletions += 1;
            }
            49..=52 if !live.is_empty() => {
                let f = pc.facilities().unwrap()[0].id;
                let member = live[rng.usize(..live.len())];
                pc.transact(|tx| {
                    let c = tx.add_class(f, &format!("班 {seed}-{step}"), None)?;
                    tx.set_class_member(c, member, true)
                })
                .unwrap();
            }
            53..=67 => {
                export_bundle(&mut pc, &sticks[rng.usize(..sticks.len())], rng.u8(..10) == 0).unwrap();
                tally.exports += 1;
            }
            68..=82 => {
                let stick = &sticks[rng.usize(..sticks.len())];
                if has_bundles(stick) {
                    let report = import_path(&mut pc, stick).unwrap();
                    assert!(report.preview.refused.is_empty(), "seed {seed}: {:?}", report.preview.refused);
                    tally.imports += 1;
                }
            }
            83..=87 => {
                let (a, b) = (rng.usize(..sticks.len()), rng.usize(..sticks.len()));
                for e in std::fs::read_dir(&sticks[a]).unwrap().flatten() {
                    let name = e.file_name();
                    if is_bundle_name(&name.to_string_lossy()) && a != b {
                        std::fs::copy(e.path(), sticks[b].join(&name)).unwrap();
                    }
                }
                tally.relays += 1;
            }
            _ => {
                drop(pc);
                sync_once(&pcs[p], &hub.url).unwrap_or_else(|e| panic!("seed {seed}: hub sync failed: {e}"));
                tally.hub_syncs += 1;
                continue;
            }
        }
        tally.ops += 1;
    }
    // Final round: everyone pushes, then everyone pulls.
    for _ in 0..2 {
        for pc in &pcs {
            sync_once(pc, &hub.url).unwrap();
        }
    }
    let digests: Vec<_> = pcs.iter().map(|pc| lock(pc).sync_digest().unwrap()).collect();
    assert!(digests.windows(2).all(|w| w[0] == w[1]), "seed {seed}: PCs differ: {digests:?}");
    for pc in &pcs {
        let pc = lock(pc);
        assert_eq!(pc.count_attempts().unwrap(), made.len() as u64, "seed {seed}: attempts lost or duplicated");
        for id in &made {
            pc.get_attempt(*id).unwrap_or_else(|e| panic!("seed {seed}: attempt {id} missing: {e}"));
        }
        for s in &students_made {
            assert!(pc.has_sync_row(SyncTable::Students, &[s.to_string()]).unwrap(), "seed {seed}: student lost");
        }
        tally.conflicts_kept += pc.conflicts(true).unwrap().len() as u64;
    }
    tally.attempts += made.len() as u64;
    tally.seeds += 1;
}

#[test]
fn six_pcs_converge_through_sticks_relays_and_the_hub_for_many_seeds() {
    let seeds: u64 = std::env::var("SHILIU_CONVERGENCE_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    let mut tally = Tally::default();
    let start = std::time::Instant::now();
    for seed in 0..seeds {
        run_seed(seed, |dir| Backend::Sqlite(dir.join("hub.sqlite3")), &mut tally);
    }
    println!("convergence (sqlite hub): {tally:?} in {:.1} s", start.elapsed().as_secs_f64());
    assert!(tally.concurrent_edits > 0 && tally.conflicts_kept > 0 && tally.deletions > 0);
}
