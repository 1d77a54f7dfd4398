//! The hub on a real PostgreSQL server (started by the test in a temporary folder; skipped
//! with a message where PostgreSQL is not installed).

use crate::convergence::{Tally, run_seed};
use crate::helpers::{Backend, Postgres};

#[test]
fn pcs_converge_through_a_hub_stored_in_postgresql() {
    let Some(pg) = Postgres::start() else { return };
    let mut tally = Tally::default();
    for seed in 100..104 {
        let config = pg.database(&format!("converge{seed}"));
        run_seed(seed, move |_| Backend::Postgres(config), &mut tally);
    }
    println!("convergence (postgresql hub): {tally:?}");
    assert_eq!(tally.seeds, 4);
    assert!(tally.hub_syncs > 0);
}
