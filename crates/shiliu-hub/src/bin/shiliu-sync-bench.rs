//! `shiliu-sync-bench`: sync benchmarks that print figures. They are not tests: nothing here
//! passes or fails on time. A separate binary so a release build needs no whisper.cpp.
//!
//! ```sh
//! cargo run --release -p shiliu-hub --bin shiliu-sync-bench -- bundle              # 100,000 attempts
//! cargo run --release -p shiliu-hub --bin shiliu-sync-bench -- hub --secs 60       # 50 clients, SQLite and PostgreSQL
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use shiliu_store::{
    ItemId, NewAttempt, NewStudent, PackId, Scores, Store, StudentId, SyllableOutcome, Timestamp, UnitId, Verdict,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

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
            bench_hub(clients, schools.clamp(1, clients.max(1)), secs, attempts, postgres, no_postgres)
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

// ---------------------------------------------------------------------------------------------
// Hub ingest

enum Backend {
    Sqlite(PathBuf),
    Postgres(String),
}

/// A hub served by this process (its own runtime, two workers) until dropped.
struct Hub {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hub {
    fn start(backend: Backend) -> Result<Hub> {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<std::result::Result<std::net::SocketAddr, String>>();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                Ok(rt) => rt,
                Err(e) => return drop(addr_tx.send(Err(e.to_string()))),
            };
            rt.block_on(async move {
                let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                    Ok(l) => l,
                    Err(e) => return drop(addr_tx.send(Err(e.to_string()))),
                };
                let addr = listener.local_addr().map_err(|e| e.to_string());
                let shutdown = async move {
                    let _ = stopped.await;
                };
                let served = match backend {
                    Backend::Sqlite(path) => match shiliu_hub::SqliteStorage::open(&path) {
                        Ok(storage) => {
                            let _ = addr_tx.send(addr);
                            shiliu_hub::serve(listener, storage, shutdown).await
                        }
                        Err(e) => Err(e),
                    },
                    Backend::Postgres(config) => match shiliu_hub::PostgresStorage::connect(&config, 8).await {
                        Ok(storage) => {
                            let _ = addr_tx.send(addr);
                            shiliu_hub::serve(listener, storage, shutdown).await
                        }
                        Err(e) => Err(e),
                    },
                };
                if let Err(e) = served {
                    let _ = addr_tx.send(Err(e.to_string()));
                }
            });
        });
        let addr = addr_rx.recv().map_err(|_| "the hub did not start")??;
        Ok(Hub { url: format!("http://{addr}"), stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One client's tally.
#[derive(Default)]
struct Tally {
    latencies: Vec<f64>,
    errors: Vec<String>,
    pushed_bytes: u64,
    pushed_rows: u64,
    pulled_rows: u64,
}

/// The clients' PCs, made once and copied for each storage so every run starts alike.
struct Fleet {
    /// One database per client.
    pcs: Vec<PathBuf>,
}

fn make_fleet(dir: &Path, clients: usize, schools: usize) -> Result<Fleet> {
    let mut pcs = Vec::new();
    let per = clients.div_ceil(schools);
    let mut made = 0;
    let mut s = 0;
    while made < clients {
        let n = per.min(clients - made);
        let paths = school(&dir.join(format!("school{s}")), &format!("Bench School {s}"), n - 1)?;
        for p in &paths {
            let mut store = Store::open(p)?;
            add_students(&mut store, 5)?;
        }
        pcs.extend(paths);
        made += n;
        s += 1;
    }
    Ok(Fleet { pcs })
}

fn run_load(fleet: &Fleet, work: &Path, hub: &Hub, secs: u64, attempts: usize) -> Result<(Vec<Tally>, f64)> {
    std::fs::create_dir_all(work)?;
    let mut stores = Vec::new();
    for (i, p) in fleet.pcs.iter().enumerate() {
        let to = work.join(format!("client{i}.sqlite3"));
        Store::open(p)?.backup_to(&to)?;
        stores.push(Arc::new(Mutex::new(Store::open(&to)?)));
    }
    // A first exchange each, not timed: the hub learns every school's registry.
    for s in &stores {
        shiliu_sync::sync_once(s, &hub.url)?;
    }
    let start = Arc::new(std::sync::Barrier::new(stores.len() + 1));
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for (i, store) in stores.into_iter().enumerate() {
        let (url, start, stop) = (hub.url.clone(), start.clone(), stop.clone());
        threads.push(std::thread::spawn(move || -> Tally {
            let mut tally = Tally::default();
            let students: Vec<StudentId> = store
                .lock()
                .map(|s| s.students().unwrap_or_default())
                .unwrap_or_default()
                .iter()
                .map(|s| s.id)
                .collect();
            let mut n = (i as u64) << 32;
            start.wait();
            while !stop.load(Ordering::Relaxed) {
                if let Ok(mut s) = store.lock()
                    && let Err(e) = add_attempts(&mut s, &students, attempts, n)
                {
                    tally.errors.push(format!("recording: {e}"));
                }
                n += attempts as u64;
                let t = Instant::now();
                match shiliu_sync::sync_once(&store, &url) {
                    Ok(r) => {
                        tally.latencies.push(t.elapsed().as_secs_f64());
                        tally.pushed_bytes += r.pushed_bytes;
                        tally.pushed_rows += r.pushed_rows;
                        tally.pulled_rows += r.pulled_rows;
                    }
                    Err(e) => tally.errors.push(e.to_string()),
                }
            }
            tally
        }));
    }
    start.wait();
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    let tallies: Vec<Tally> = threads.into_iter().map(|t| t.join().unwrap_or_default()).collect();
    Ok((tallies, t.elapsed().as_secs_f64()))
}

fn report(label: &str, tallies: &[Tally], elapsed: f64) {
    let mut lat: Vec<f64> = tallies.iter().flat_map(|t| t.latencies.iter().copied()).collect();
    lat.sort_by(f64::total_cmp);
    let errors: Vec<&String> = tallies.iter().flat_map(|t| &t.errors).collect();
    let exchanges = lat.len() + errors.len();
    let bytes: u64 = tallies.iter().map(|t| t.pushed_bytes).sum();
    let pushed: u64 = tallies.iter().map(|t| t.pushed_rows).sum();
    let pulled: u64 = tallies.iter().map(|t| t.pulled_rows).sum();
    println!("{label}");
    println!("  exchanges       {exchanges} in {elapsed:.1} s ({:.1}/s)", exchanges as f64 / elapsed);
    println!("  errors          {}", errors.len());
    for e in errors.iter().take(3) {
        println!("    {e}");
    }
    println!(
        "  pushed          {:.2} MB ({:.3} MB/s), {pushed} rows ({:.0} rows/s)",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / elapsed,
        pushed as f64 / elapsed
    );
    println!("  pulled          {pulled} rows ({:.0} rows/s)", pulled as f64 / elapsed);
    println!(
        "  latency         p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        percentile(&lat, 0.5) * 1e3,
        percentile(&lat, 0.95) * 1e3,
        lat.last().copied().unwrap_or(f64::NAN) * 1e3
    );
}

fn bench_hub(
    clients: usize,
    schools: usize,
    secs: u64,
    attempts: usize,
    postgres: Option<String>,
    no_postgres: bool,
) -> Result<()> {
    let dir = tempfile::Builder::new().prefix("shiliu-bench").tempdir()?;
    let t = Instant::now();
    let fleet = make_fleet(&dir.path().join("fleet"), clients, schools)?;
    println!(
        "shiliu-sync-bench hub — {clients} concurrent clients (distinct devices of {schools} schools), each recording {attempts} attempts then exchanging (push + pull) in a loop for {secs} s; hub in this process on loopback, 2 worker threads; {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("set-up ({} PCs joined): {:.1} s", fleet.pcs.len(), t.elapsed().as_secs_f64());

    let hub = Hub::start(Backend::Sqlite(dir.path().join("hub.sqlite3")))?;
    let (tallies, elapsed) = run_load(&fleet, &dir.path().join("sqlite-run"), &hub, secs, attempts)?;
    drop(hub);
    report("SQLite hub", &tallies, elapsed);

    if no_postgres {
        return Ok(());
    }
    let local;
    let config = match postgres {
        Some(c) => c,
        None => match LocalPostgres::start()? {
            Some(pg) => {
                local = pg;
                local.config.clone()
            }
            None => {
                println!("PostgreSQL hub: skipped (no /usr/lib/postgresql/*/bin/initdb; pass --postgres CONFIG)");
                return Ok(());
            }
        },
    };
    let hub = Hub::start(Backend::Postgres(config))?;
    let (tallies, elapsed) = run_load(&fleet, &dir.path().join("postgres-run"), &hub, secs, attempts)?;
    drop(hub);
    report("PostgreSQL hub", &tallies, elapsed);
    Ok(())
}

/// A throw-away PostgreSQL server in a folder of its own, stopped when dropped.
struct LocalPostgres {
    config: String,
    bin: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

fn as_postgres(program: &Path) -> Command {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl LocalPostgres {
    fn start() -> Result<Option<LocalPostgres>> {
        let Some(bin) = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|d| d.flatten().map(|e| e.path().join("bin")).filter(|b| b.join("initdb").exists()).max())
        else {
            return Ok(None);
        };
        // A folder of its own: the server runs as the postgres user when this runs as root.
        let dir = tempfile::Builder::new().prefix("shiliu-bench-pg").tempdir()?;
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data)?;
        let _ = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status();
        let ok = as_postgres(&bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .status()?
            .success();
        if !ok {
            return Err("initdb failed".into());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let opts = format!("-k {} -p {port} -c listen_addresses='' -c max_connections=100", data.display());
        let ok = as_postgres(&bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(data.join("log"))
            .args(["-w", "start"])
            .stdout(Stdio::null())
            .status()?
            .success();
        if !ok {
            return Err(format!(
                "pg_ctl start failed: {}",
                std::fs::read_to_string(data.join("log")).unwrap_or_default()
            )
            .into());
        }
        let config = format!("host={} port={port} user=postgres dbname=postgres", data.display());
        Ok(Some(LocalPostgres { config, bin, data, _dir: dir }))
    }
}

impl Drop for LocalPostgres {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "fast", "stop"])
            .stdout(Stdio::null())
            .status();
    }
}
