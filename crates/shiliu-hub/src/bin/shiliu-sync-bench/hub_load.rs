//! The hub ingest benchmark: many PCs pushing and pulling through one hub on loopback at
//! once, against SQLite and PostgreSQL storage.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shiliu_store::{Store, StudentId};

use super::{Result, add_attempts, add_students, percentile, school};

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

pub(super) fn bench_hub(
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
