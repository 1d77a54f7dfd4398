//! Shared set-up: classroom PCs as database files driven through the `shiliu` binary, and
//! fingerprints of whole databases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const CODE: &str = "pomegranate 42";

/// One classroom PC: a database file, always reached through `shiliu … --db`.
pub struct Pc {
    pub db: PathBuf,
    data: PathBuf,
}

impl Pc {
    /// A fresh PC called `name` (its own data folder, so nothing leaks between PCs).
    pub fn new(dir: &Path, name: &str) -> Pc {
        let pc = Pc { db: dir.join(format!("{name}.sqlite3")), data: dir.join(format!("{name}-data")) };
        pc.ok(&["device", "rename", name]);
        pc
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shiliu"));
        c.args(args).arg("--db").arg(&self.db).env("SHILIU_DATA_DIR", &self.data).stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("shiliu runs")
    }

    /// Runs a command that must succeed; returns its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "shiliu {args:?} failed:\n{stdout}\n{stderr}");
        stdout
    }

    /// Runs a command that must fail; returns its standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let (stdout, stderr) = texts(&out);
        assert!(!out.status.success(), "shiliu {args:?} should have failed:\n{stdout}\n{stderr}");
        assert!(stderr.lines().any(|l| l.contains("error: ")), "{stderr}");
        stderr
    }

    /// Everything in the database, hashed: equal exactly when nothing changed.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.db)
    }
}

pub fn texts(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A school of `n` PCs called pc0, pc1…: pc0 founds it and writes a join file, the others join.
pub fn school(dir: &Path, n: usize) -> Vec<Pc> {
    let founder = Pc::new(dir, "pc0");
    founder.ok(&["school", "create", "Xinglong Primary"]);
    let out = founder.ok(&["school", "join-file", "--to", &dir.join("join").display().to_string(), "--code", CODE]);
    let file = written(&out);
    let mut pcs = vec![founder];
    for i in 1..n {
        let pc = Pc::new(dir, &format!("pc{i}"));
        pc.ok(&["school", "join", &file, "--code", CODE]);
        pcs.push(pc);
    }
    pcs
}

/// The path a command reported with "wrote PATH".
pub fn written(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("wrote "))
        .unwrap_or_else(|| panic!("no \"wrote\" line in {stdout}"))
        .trim()
        .to_owned()
}

/// A class with students on `pc`, through `shiliu class add` and `shiliu student add`.
pub fn class(pc: &Pc, class: &str, students: &[&str]) {
    pc.ok(&["class", "add", class, "--school", "Xinglong Primary", "--grade", "3"]);
    for s in students {
        pc.ok(&["student", "add", s, "--class", class]);
    }
}

pub fn students(pc: &Pc) -> String {
    pc.ok(&["student", "list"])
}

/// Every row of every table, hashed: equal before and after exactly when nothing changed.
pub fn fingerprint(path: &Path) -> String {
    shiliu_store::content_fingerprint(path).unwrap()
}

pub fn bundles_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "shbundle"))
        .collect();
    v.sort();
    v
}
