//! Shared set-up: a school of PCs, hubs in this process (SQLite or PostgreSQL) or as a child
//! process, and a throw-away PostgreSQL server.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use shiliu_store::{
    ItemId, NewAttempt, NewStudent, PackId, Scores, Store, StudentId, SyllableOutcome, Timestamp, UnitId, Verdict,
};

const CODE: &str = "hub test passphrase";

/// `n` PCs of one school (copies of a template: joining costs an Argon2id derivation each).
pub fn school(n: usize) -> (tempfile::TempDir, Vec<Store>) {
    static TEMPLATE: OnceLock<tempfile::TempDir> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut founder = Store::open(dir.path().join("pc0.sqlite3")).unwrap();
        founder.transact(|tx| tx.rename_device("pc0")).unwrap();
        shiliu_sync::create_school(&mut founder, "Xinglong Primary").unwrap();
        let join = shiliu_sync::write_join_file(&founder, dir.path(), Some(CODE), 7).unwrap();
        for i in 1..8 {
            let mut s = Store::open(dir.path().join(format!("pc{i}.sqlite3"))).unwrap();
            s.transact(|tx| tx.rename_device(&format!("pc{i}"))).unwrap();
            shiliu_sync::join_school(&mut s, &join.path, CODE).unwrap();
        }
        dir
    });
    let dir = tempfile::tempdir().unwrap();
    let stores = (0..n)
        .map(|i| {
            let to = dir.path().join(format!("pc{i}.sqlite3"));
            Store::open(template.path().join(format!("pc{i}.sqlite3"))).unwrap().backup_to(&to).unwrap();
            Store::open(&to).unwrap()
        })
        .collect();
    (dir, stores)
}

pub fn add_students(store: &mut Store, n: usize) -> Vec<StudentId> {
    store
        .transact(|tx| {
            let f = tx.ensure_facility("Xinglong Primary")?;
            (0..n).map(|i| tx.add_student(f, &NewStudent { name: format!("学生{i}"), ..Default::default() })).collect()
        })
        .unwrap()
}

pub fn new_attempt(student: StudentId, n: u64) -> NewAttempt {
    let syl = |h: &str, p: &str| SyllableOutcome {
        hanzi: h.into(),
        expected: p.into(),
        heard: Some(p.into()),
        initial_ok: !n.is_multiple_of(3),
        final_ok: true,
        tone_ok: Some(true),
        tone_expected: 2,
        tone_heard: Some(2),
        verdict: if !n.is_multiple_of(3) { Verdict::Ok } else { Verdict::Error },
        score: 80.0,
        problem: None,
    };
    let score = (n % 100) as f32;
    NewAttempt {
        student,
        pack: PackId::new("basics"),
        pack_version: "1.0.0".into(),
        unit: UnitId::new(format!("u{}", n % 5)),
        item: ItemId::new(format!("u{}-{:02}", n % 5, n % 17)),
        at: Timestamp::from_millis(1_709_510_400_000 + n as i64 * 60_000),
        duration_ms: 1500,
        scores: Scores { overall: score, accuracy: score, completeness: 100.0, fluency: 90.0, tone: score },
        psc_band: "二级甲等".into(),
        psc_percent: score,
        quality: vec![],
        model_id: "whisper-base-q8_0".into(),
        syllables: vec![syl("南", "nan2"), syl("人", "ren2")],
    }
}

pub fn add_attempts(
    store: &mut Store,
    students: &[StudentId],
    count: usize,
    salt: u64,
) -> Vec<shiliu_store::AttemptId> {
    let mut out = Vec::new();
    for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
        out.extend(
            store
                .transact(|tx| {
                    chunk
                        .iter()
                        .map(|&i| tx.add_attempt(&new_attempt(students[i % students.len()], salt + i as u64)))
                        .collect::<Result<Vec<_>, _>>()
                })
                .unwrap(),
        );
    }
    out
}

/// A hub served by this process until dropped.
pub struct Hub {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub enum Backend {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Hub {
    pub fn start(backend: Backend) -> Hub {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let shutdown = async move {
                    let _ = stopped.await;
                };
                match backend {
                    Backend::Sqlite(path) => {
                        shiliu_hub::serve(listener, shiliu_hub::SqliteStorage::open(&path).unwrap(), shutdown)
                            .await
                            .unwrap()
                    }
                    Backend::Postgres(config) => {
                        let storage = shiliu_hub::PostgresStorage::connect(&config, 8).await.unwrap();
                        shiliu_hub::serve(listener, storage, shutdown).await.unwrap()
                    }
                }
            });
        });
        let addr = addr_rx.recv().unwrap();
        Hub { url: format!("http://{addr}"), stop: Some(stop), thread: Some(thread) }
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

/// The hub binary as a child process; returns it and its address.
pub fn spawn_hub_binary(args: &[&str]) -> (Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shiliu-hub"))
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    (child, url)
}

/// A PostgreSQL server of its own in a temporary folder, stopped when dropped.
pub struct Postgres {
    pub config: String,
    bin: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

fn as_postgres_user(cmd: &Path) -> Command {
    let root = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(cmd);
        c
    } else {
        Command::new(cmd)
    }
}

impl Postgres {
    /// Starts a server, or says why it cannot (no PostgreSQL installed) and returns `None`.
    pub fn start() -> Option<Postgres> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max();
        let Some(bin) = bin else {
            println!(
                "skipped: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); `./dev test` installs it"
            );
            return None;
        };
        let dir = tempfile::Builder::new().prefix("shiliu-pg").tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let _ = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status();
        let ok = as_postgres_user(&bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "initdb failed");
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let opts = format!("-k {} -p {port} -c listen_addresses='' -c fsync=on -c max_connections=200", data.display());
        let ok = as_postgres_user(&bin.join("pg_ctl"))
            .args(["-D"])
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(data.join("log"))
            .args(["-w", "start"])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "pg_ctl start failed: {}", std::fs::read_to_string(data.join("log")).unwrap_or_default());
        let config = format!("host={} port={port} user=postgres dbname=postgres", data.display());
        Some(Postgres { config, bin, data, _dir: dir })
    }

    /// A fresh database on this server, for one hub.
    pub fn database(&self, name: &str) -> String {
        let ok = as_postgres_user(&self.bin.join("createdb"))
            .args(["-h"])
            .arg(&self.data)
            .args([
                "-p",
                self.config.split("port=").nth(1).unwrap().split_whitespace().next().unwrap(),
                "-U",
                "postgres",
                name,
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "createdb {name} failed");
        self.config.replace("dbname=postgres", &format!("dbname={name}"))
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_postgres_user(&self.bin.join("pg_ctl"))
            .args(["-D"])
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .status();
    }
}

/// Locks a PC's store.
pub fn lock(m: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    m.lock().unwrap()
}
