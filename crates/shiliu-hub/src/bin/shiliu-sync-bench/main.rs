//! `shiliu-sync-bench`: sync benchmarks that print figures. They are not tests: nothing here
//! passes or fails on time. A separate binary so a release build needs no whisper.cpp.
//!
//! ```sh
//! cargo run --release -p shiliu-hub --bin shiliu-sync-bench -- bundle              # 100,000 attempts
//! cargo run --release -p shiliu-hub --bin shiliu-sync-bench -- hub --secs 60       # 50 clients, SQLite and PostgreSQL
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use shiliu_store::{
    ItemId, NewAttempt, NewStudent, PackId, Scores, Store, StudentId, SyllableOutcome, Timestamp, UnitId, Verdict,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

mod hub_load;

const CODE: &str = "bench passphrase";

#[derive(Parser)]
#[command(name = "shiliu-sync-bench", about = "Sync benchmarks: USB bundle export/import, hub ingest")]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Export and import of one bundle holding many attempts (goal: import of 100,000 ≤ 3 s).
    Bundle {
        #[arg(long, default_value_t = 100_000)]
        attempts: usize,
        #[arg(long, default_value_t = 300)]
        students: usize,
        /// Runs (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Many PCs pushing and pulling through one hub on loopback at once.
    Hub {
        /// Concurrent clients, each a distinct device.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// Schools the clients belong to (devices are spread evenly).
        #[arg(long, default_value_t = 10)]
        schools: usize,
        /// Seconds of load per storage.
        #[arg(long, default_value_t = 60)]
        secs: u64,
        /// New attempts each client records before each exchange.
        #[arg(long, default_value_t = 20)]
        attempts: usize,
        /// PostgreSQL connection settings; without it a throw-away local server is started
        /// when PostgreSQL is installed.
        #[arg(long, value_name = "CONFIG")]
        postgres: Option<String>,
        /// Only SQLite.
        #[arg(long)]
        no_postgres: bool,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Bench::Bundle { attempts, students, runs } => bench_bundle(attempts, students, runs.max(1)),
        Bench::Hub { clients, schools, secs, attempts, postgres, no_postgres } => {
            hub_load::bench_hub(clients, schools.clamp(1, clients.max(1)), secs, attempts, postgres, no_postgres)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Data

fn new_attempt(student: StudentId, n: u64) -> NewAttempt {
    let syllable = |hanzi: &str, pinyin: &str, tone: u8, ok: bool| SyllableOutcome {
        hanzi: hanzi.into(),
        expected: pinyin.into(),
        heard: Some(pinyin.into()),
        initial_ok: ok,
        final_ok: true,
        tone_ok: Some(true),
        tone_expected: tone,
        tone_heard: Some(tone),
        verdict: if ok { Verdict::Ok } else { Verdict::Error },
        score: if ok { 92.0 } else { 35.0 },
        problem: None,
    };
    let score = (n * 37 % 100) as f32;
    NewAttempt {
        student,
        pack: PackId::new("basics"),
        pack_version: "1.0.0".into(),
        unit: UnitId::new(format!("u{:02}", n % 15)),
        item: ItemId::new(format!("u{:02}-{:03}", n % 15, n % 86)),
        at: Timestamp::from_millis(1_709_510_400_000 + n as i64 * 45_000),
        duration_ms: 1200 + (n % 900) as u32,
        scores: Scores { overall: score, accuracy: score, completeness: 100.0, fluency: 88.0, tone: score },
        psc_band: "二级甲等".into(),
        psc_percent: score,
        quality: vec![],
        model_id: "whisper-base-q8_0".into(),
        syllables: vec![syllable("南", "nan2", 2, !n.is_multiple_of(3)), syllable("方", "fang1", 1, true)],
    }
}

fn add_students(store: &mut Store, n: usize) -> Result<Vec<StudentId>> {
    Ok(store.transact(|tx| {
        let facility = tx.ensure_facility("Bench School")?;
        let class = tx.add_class(facility, "一班", Some(3))?;
        (0..n)
            .map(|i| {
                let id = tx.add_student(facility, &NewStudent { name: format!("学生{i}"), ..Default::default() })?;
                tx.set_class_member(class, id, true)?;
                Ok(id)
            })
            .collect()
    })?)
}

fn add_attempts(store: &mut Store, students: &[StudentId], count: usize, from: u64) -> Result<()> {
    let mut done = 0;
    while done < count {
        let n = (count - done).min(5000);
        store.transact(|tx| {
            for i in done..done + n {
                tx.add_attempt(&new_attempt(students[i % students.len()], from + i as u64))?;
            }
            Ok(())
        })?;
        done += n;
    }
    Ok(())
}

/// A school: its founder and `joiners` PCs that joined with a join file, in `dir`.
fn school(dir: &Path, name: &str, joiners: usize) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let founder_path = dir.join("pc0.sqlite3");
    let mut founder = Store::open(&founder_path)?;
    founder.transact(|tx| tx.rename_device("pc0"))?;
    shiliu_sync::create_school(&mut founder, name)?;
    let join = shiliu_sync::write_join_file(&founder, dir, Some(CODE), 1)?;
    let mut paths = vec![founder_path];
    for i in 1..=joiners {
        let path = dir.join(format!("pc{i}.sqlite3"));
        let mut s = Store::open(&path)?;
        s.transact(|tx| tx.rename_device(&format!("pc{i}")))?;
        shiliu_sync::join_school(&mut s, &join.path, CODE)?;
        paths.push(path);
    }
    Ok(paths)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn range(v: &[f64]) -> String {
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{min:.2}–{max:.2}")
}

// ---------------------------------------------------------------------------------------------
// Bundle export and import

fn bench_bundle(attempts: usize, students: usize, runs: usize) -> Result<()> {
    let dir = tempfile::Builder::new().prefix("shiliu-bench").tempdir()?;
    let setup = Instant::now();
    let paths = school(&dir.path().join("school"), "Bench School", 1)?;
    let mut a = Store::open(&paths[0])?;
    let ids = add_students(&mut a, students)?;
    add_attempts(&mut a, &ids, attempts, 0)?;
    println!("shiliu-sync-bench bundle — {attempts} attempts of {students} students, {runs} runs, median (min–max)");
    println!("set-up (recording the attempts): {:.1} s", setup.elapsed().as_secs_f64());

    let (mut export_s, mut import_s, mut reimport_s, mut mb) = (vec![], vec![], vec![], vec![]);
    for run in 0..runs {
        let stick = dir.path().join(format!("stick{run}"));
        let t = Instant::now();
        let out = shiliu_sync::export_bundle(&mut a, &stick, true)?;
        export_s.push(t.elapsed().as_secs_f64());
        mb.push(out.bytes as f64 / 1e6);
        if out.bundle.attempts != attempts as u64 {
            return Err(format!("the bundle holds {} attempts, not {attempts}", out.bundle.attempts).into());
        }

        // Each run imports into a fresh copy of the joined PC.
        let target = dir.path().join(format!("b{run}.sqlite3"));
        Store::open(&paths[1])?.backup_to(&target)?;
        let mut b = Store::open(&target)?;
        let t = Instant::now();
        let report = shiliu_sync::import_path(&mut b, &out.path)?;
        import_s.push(t.elapsed().as_secs_f64());
        let got = b.count_attempts()?;
        if got != attempts as u64 || report.preview.bundles.len() != 1 {
            return Err(format!("the import left {got} attempts").into());
        }
        let t = Instant::now();
        let again = shiliu_sync::import_path(&mut b, &out.path)?;
        reimport_s.push(t.elapsed().as_secs_f64());
        if !again.preview.bundles.is_empty() || again.preview.already_imported.len() != 1 {
            return Err("the re-import was not a no-op".into());
        }
        println!(
            "  run {}: export {:.2} s, {:.1} MB, import {:.2} s, re-import {:.3} s",
            run + 1,
            export_s[run],
            mb[run],
            import_s[run],
            reimport_s[run]
        );
    }
    println!("export (full)        {:>8.2} s   ({})", median(export_s.clone()), range(&export_s));
    println!(
        "bundle size          {:>8.1} MB  ({:.0} bytes per attempt)",
        median(mb.clone()),
        median(mb) * 1e6 / attempts as f64
    );
    println!("import               {:>8.2} s   ({})   goal ≤ 3 s", median(import_s.clone()), range(&import_s));
    println!("re-import (no-op)    {:>8.3} s   ({})", median(reimport_s.clone()), range(&reimport_s));
    Ok(())
}
