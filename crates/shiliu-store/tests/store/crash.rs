//! Crash safety: a writer process is killed with SIGKILL at random moments, 100 times. After
//! every kill the database must open, pass `PRAGMA integrity_check`, and hold every attempt the
//! writer reported as saved (it prints an attempt's id only after `transact` returned).
//!
//! The writer is this test binary run again with [`WRITER_ENV`] set, executing only
//! `crash::writer_child`; without the variable that test returns at once.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shiliu_store::{AttemptId, NewStudent, Store, StudentEdit, Timestamp};

use crate::helpers::{attempt, ok, wrong_initial, wrong_tone};

const WRITER_ENV: &str = "SHILIU_STORE_CRASH_WRITER_DB";
const ROUNDS: usize = 100;

#[test]
fn writer_child() {
    let Some(path) = std::env::var_os(WRITER_ENV) else { return };
    let path = Path::new(&path);
    let mut store = Store::open(path).unwrap();
    let student = match store.students().unwrap().first() {
        Some(s) => s.id,
        None => store
            .transact(|tx| {
                let school = tx.ensure_facility("Crash Test Primary")?;
                let class = tx.add_class(school, "一班", Some(1))?;
                let id = tx.add_student(school, &NewStudent { name: "卓玛".into(), ..Default::default() })?;
                tx.set_class_member(class, id, true)?;
                Ok(id)
            })
            .unwrap(),
    };
    let mut out = std::io::stdout().lock();
    for n in 0u64.. {
        let syllables = match n % 3 {
            0 => vec![ok("你", "ni3"), ok("好", "hao3")],
            1 => vec![wrong_initial("南", "nan2", "lan2", "n", "l", "n_l"), ok("方", "fang1")],
            _ => vec![wrong_tone("马", "ma3", 2), ok("上", "shang4"), ok("来", "lai2")],
        };
        let a = attempt(student, &format!("u{}-{:02}", n % 7, n % 20), Timestamp::now(), (n % 100) as f32, syllables);
        let id = store.transact(|tx| tx.add_attempt(&a)).unwrap();
        writeln!(out, "saved {id}").unwrap();
        out.flush().unwrap();
        if n % 5 == 4 {
            let edit = StudentEdit { grade: Some(Some((n % 6 + 1) as u8)), ..Default::default() };
            store.transact(|tx| tx.edit_student(student, &edit)).unwrap();
        }
        if n % 40 == 39 {
            store.backup_to(&path.with_extension("backup")).unwrap();
        }
    }
}

#[test]
fn killing_a_writer_at_random_moments_never_loses_a_saved_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shiliu.sqlite3");
    let wal = dir.path().join("shiliu.sqlite3-wal");
    let backup = db.with_extension("backup");
    let stderr_log = dir.path().join("writer.stderr");
    let exe = std::env::current_exe().unwrap();
    let seed = Timestamp::now().millis() as u64;
    let mut rng = fastrand::Rng::with_seed(seed);
    let started = Instant::now();
    let mut saved: Vec<AttemptId> = Vec::new();
    let mut hot_wal_rounds = 0;
    for round in 0..ROUNDS {
        let log = std::fs::File::create(&stderr_log).unwrap();
        let mut child = Command::new(&exe)
            .args(["--exact", "crash::writer_child", "--nocapture", "--test-threads=1", "--quiet"])
            .env(WRITER_ENV, &db)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut ids = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(id) = line.strip_prefix("saved ").and_then(|t| t.parse::<AttemptId>().ok()) {
                    ids.push(id);
                }
            }
            ids
        });
        std::thread::sleep(Duration::from_millis(rng.u64(5..=150)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let ids = reader.join().unwrap();
        let log = std::fs::read_to_string(&stderr_log).unwrap();
        assert!(!log.contains("panicked"), "round {round} (seed {seed}): the writer failed:\n{log}");
        if std::fs::metadata(&wal).map(|m| m.len() > 0).unwrap_or(false) {
            hot_wal_rounds += 1;
        }

        let store = Store::open(&db).unwrap_or_else(|e| panic!("round {round} (seed {seed}): cannot open: {e}"));
        store.check_integrity().unwrap_or_else(|e| panic!("round {round} (seed {seed}): {e}"));
        for id in &ids {
            store.get_attempt(*id).unwrap_or_else(|e| panic!("round {round} (seed {seed}): saved attempt lost: {e}"));
        }
        saved.extend(ids);
        assert!(store.count_attempts().unwrap() >= saved.len() as u64);
        drop(store);
        if backup.exists() {
            shiliu_store::check_file(&backup)
                .unwrap_or_else(|e| panic!("round {round}: a backup under its name is whole: {e}"));
        }
    }
    let store = Store::open(&db).unwrap();
    for id in &saved {
        store.get_attempt(*id).unwrap();
    }
    let changes = store.changes_since(store.device().id, 0, usize::MAX / 2).unwrap();
    assert!(changes.windows(2).all(|w| w[0].counter < w[1].counter), "counters stay unique after crashes");
    eprintln!(
        "crash test: {ROUNDS} SIGKILLs in {:.1} s, {} attempts reported saved, {} in the database, \
         {hot_wal_rounds} kills left a non-empty WAL to recover (seed {seed})",
        started.elapsed().as_secs_f64(),
        saved.len(),
        store.count_attempts().unwrap(),
    );
}
