//! `shiliu sync export|import|status|conflicts|resolve|hub`: carrying progress between the
//! school's PCs by USB stick, and through a district hub whenever one is reachable.
//!
//! Every command here is a thin layer over `shiliu-sync`; refusals (a damaged, tampered or
//! foreign bundle, a revoked device, an unreachable hub) come back as its coded errors and
//! leave the database as it was.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use shiliu_paths::DataDir;
use shiliu_sync::{ConflictChoice, HubSync, HubSyncStatus, Preview};

use super::db::DbArg;
use super::table::Table;

#[derive(Args)]
pub struct SyncArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(subcommand)]
    command: SyncCommand,
}

impl SyncArgs {
    /// Talks to the hub over the network (the others only read and write local files).
    pub fn uses_network(&self) -> bool {
        matches!(self.command, SyncCommand::Hub { .. })
    }
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Write one bundle of this PC's progress into a folder (a stick).
    Export {
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// Everything this PC holds, not only what the other PCs are not known to hold.
        #[arg(long)]
        full: bool,
    },
    /// Import a bundle, or every bundle in a folder (a stick relaying many PCs): shows what is
    /// new and the conflicts, applies it all in one transaction, leaves a receipt next to each
    /// bundle.
    Import {
        #[arg(value_name = "FILE|DIR")]
        path: PathBuf,
        /// Only show what the import would do.
        #[arg(long)]
        dry_run: bool,
    },
    /// What this PC holds and what each other PC and hub was last known to hold.
    Status,
    /// Versions that lost a conflict (kept aside for the teacher).
    Conflicts {
        /// Also the conflicts already resolved.
        #[arg(long)]
        all: bool,
    },
    /// Decide a conflict: keep the version in use (mine) or bring back the one that lost (theirs).
    Resolve {
        /// The conflict's id (from `shiliu sync conflicts`), or its start.
        id: String,
        #[arg(long, value_enum)]
        keep: Keep,
    },
    /// Push to and pull from a hub: one exchange, or with --watch keep syncing (with backoff
    /// while the hub is unreachable) until interrupted. Stopping at any moment loses nothing.
    Hub {
        #[arg(long)]
        url: String,
        #[arg(long)]
        watch: bool,
        /// With --watch: seconds between exchanges after a success.
        #[arg(long, default_value_t = 300, value_name = "SECS")]
        interval: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Keep {
    /// The version in use on this PC now.
    Mine,
    /// The version that lost, brought back as a new edit from this PC.
    Theirs,
}

pub fn run(args: SyncArgs, data: &DataDir) -> Result<()> {
    match args.command {
        SyncCommand::Export { to, full } => {
            let mut store = args.db.open_existing(data)?;
            let out = shiliu_sync::export_bundle(&mut store, &to, full)?;
            println!("wrote {}", out.path.display());
            println!(
                "  {} rows ({} attempts), {}{}",
                out.bundle.rows,
                out.bundle.attempts,
                megabytes(out.bytes),
                if out.full { ", full export" } else { "" }
            );
            if !out.full && !out.base.is_empty() {
                println!("  left out {} changes every other pc of the school already holds", out.base.total());
            }
            if out.learnt_from > 0 {
                println!("  learnt what other pcs hold from {} receipts and bundles in the folder", out.learnt_from);
            }
        }
        SyncCommand::Import { path, dry_run } => import(&args.db, data, &path, dry_run)?,
        SyncCommand::Status => {
            let store = args.db.open_existing(data)?;
            print_status(&shiliu_sync::status(&store)?);
        }
        SyncCommand::Conflicts { all } => {
            let store = args.db.open_existing(data)?;
            let list = shiliu_sync::conflicts(&store, all)?;
            if list.is_empty() {
                println!("no {}conflicts", if all { "" } else { "open " });
                return Ok(());
            }
            let mut table = Table::new(&["id", "table", "row", "in use", "lost", "lost on", "recorded", "resolved"]);
            for c in list {
                table.row(vec![
                    c.id.to_string(),
                    c.table,
                    c.row_id,
                    compact(&c.current, &c.lost),
                    compact(&c.lost, &c.current),
                    if c.lost_device_name.is_empty() { c.lost_device.to_string() } else { c.lost_device_name },
                    c.recorded.date_time(),
                    c.resolved.map(|r| r.date_time()).unwrap_or_default(),
                ]);
            }
            print!("{}", table.render());
            println!("decide one with `shiliu sync resolve ID --keep mine|theirs`");
        }
        SyncCommand::Resolve { id, keep } => {
            let mut store = args.db.open_existing(data)?;
            let which = id.trim().to_ascii_lowercase();
            let matches: Vec<_> = shiliu_sync::conflicts(&store, true)?
                .into_iter()
                .filter(|c| which.len() >= 4 && c.id.to_string().starts_with(&which))
                .collect();
            let conflict = match matches.as_slice() {
                [one] => one,
                [] => bail!("no conflict {id:?}: `shiliu sync conflicts --all` lists them"),
                _ => bail!("several conflicts start with {id:?}; give more of the id"),
            };
            if let Some(when) = conflict.resolved {
                bail!("conflict {} was already resolved on {}", conflict.id, when.date_time());
            }
            let choice = match keep {
                Keep::Mine => ConflictChoice::KeepCurrent,
                Keep::Theirs => ConflictChoice::UseLost,
            };
            shiliu_sync::resolve_conflict(&mut store, conflict.id, choice)?;
            match keep {
                Keep::Mine => println!("kept the version in use of {} {}", conflict.table, conflict.row_id),
                Keep::Theirs => println!(
                    "brought back the version of {} {} from {}; it reaches the other pcs with the next sync",
                    conflict.table, conflict.row_id, conflict.lost_device_name
                ),
            }
        }
        SyncCommand::Hub { url, watch, interval } => {
            let store = args.db.open_existing(data)?;
            if watch {
                watch_hub(store, &url, Duration::from_secs(interval.max(1)));
            } else {
                let store = Mutex::new(store);
                let report = shiliu_sync::sync_once(&store, &url)?;
                println!("synced with {url}");
                println!(
                    "  pushed {} rows ({}), pulled {} rows in {} bundles",
                    report.pushed_rows,
                    megabytes(report.pushed_bytes),
                    report.pulled_rows,
                    report.pulled_bundles
                );
                print_left_out(&report);
            }
        }
    }
    Ok(())
}

fn import(db: &DbArg, data: &DataDir, path: &Path, dry_run: bool) -> Result<()> {
    let mut store = db.open_existing(data)?;
    let single = path.is_file();
    let (preview, receipts) = if dry_run {
        let preview =
            shiliu_sync::preview_import(&store, path).with_context(|| format!("cannot read {}", path.display()))?;
        if single && let Some(r) = preview.refused.iter().chain(&preview.waiting).next() {
            bail!("{} was refused: {}", path.display(), r.message);
        }
        (preview, Vec::new())
    } else {
        let report =
            shiliu_sync::import_path(&mut store, path).with_context(|| format!("cannot import {}", path.display()))?;
        for problem in &report.receipt_problems {
            eprintln!("warning: imported, but no receipt was left on the stick: {problem}");
        }
        (report.preview, report.receipts)
    };
    print_preview(&preview);
    let rows: u64 = preview.bundles.iter().map(|b| b.rows).sum();
    if dry_run {
        println!(
            "dry run: nothing was changed; without --dry-run {} ({rows} rows) would be imported",
            bundles(preview.bundles.len())
        );
    } else if preview.bundles.is_empty() {
        println!("nothing new to import");
    } else {
        println!("imported {} ({rows} rows) in one transaction", bundles(preview.bundles.len()));
    }
    for r in &receipts {
        println!("receipt: {}", r.display());
    }
    let problems = preview.refused.len() + preview.waiting.len();
    if problems > 0 {
        bail!(
            "{problems} of {} bundles in {} were not imported (see above){}",
            problems + preview.bundles.len() + preview.already_imported.len() + preview.made_here.len(),
            path.display(),
            match (dry_run, preview.bundles.is_empty()) {
                (true, false) => "; the others would be",
                (false, false) => "; the others were",
                _ => "",
            }
        );
    }
    Ok(())
}

fn print_preview(p: &Preview) {
    if !p.bundles.is_empty() {
        let mut t = Table::new(&["bundle", "from", "created", "rows", "attempts"]).numeric(&[3, 4]);
        for b in &p.bundles {
            t.row(vec![
                file_name(&b.source),
                b.origin_name.clone(),
                b.created.date_time(),
                b.rows.to_string(),
                b.attempts.to_string(),
            ]);
        }
        print!("{}", t.render());
    }
    for b in &p.already_imported {
        println!("already imported: {} (from {}); nothing to do", file_name(&b.source), b.origin_name);
    }
    for b in &p.made_here {
        println!("made on this pc: {}; nothing to import", file_name(&b.source));
    }
    if p.changes.values().any(|c| c.new + c.updated + c.deleted + c.unchanged > 0) {
        println!();
        let mut t = Table::new(&["table", "new", "updated", "deleted", "unchanged"]).numeric(&[1, 2, 3, 4]);
        for (name, c) in &p.changes {
            t.row(vec![
                name.clone(),
                c.new.to_string(),
                c.updated.to_string(),
                c.deleted.to_string(),
                c.unchanged.to_string(),
            ]);
        }
        print!("{}", t.render());
    }
    if !p.conflicts.is_empty() {
        println!();
        let n = p.conflicts.len();
        println!(
            "{n} conflict{}: the newer edit wins, the other is kept for the teacher (`shiliu sync conflicts`)",
            if n == 1 { "" } else { "s" }
        );
        for c in &p.conflicts {
            println!("  {} {}: kept aside {}", c.table, c.row_id, compact(&c.lost, &serde_json::Value::Null));
        }
    }
    for r in &p.waiting {
        println!("waiting: {}: {}", file_name(&r.source), r.message);
    }
    if p.left_out > 0 {
        println!("left out {} rows a revoked pc made after its revocation (relayed by other pcs)", p.left_out);
    }
    for r in &p.refused {
        println!("refused: {}: {}", file_name(&r.source), r.message);
    }
}

fn print_status(s: &shiliu_sync::SyncStatus) {
    match &s.school {
        Some(school) => println!("school:  {} ({})", school.name, school.id),
        None => {
            println!("this pc has not joined a school: `shiliu school create NAME` or `shiliu school join FILE`");
            return;
        }
    }
    println!("holds:   {} changes from {} devices", s.holds.total(), s.holds.iter().count());
    println!("open conflicts: {}", s.open_conflicts);
    println!();
    if s.peers.is_empty() {
        println!("no other pc or hub heard from yet");
    } else {
        let mut t = Table::new(&["peer", "holds", "behind by", "last heard", "id"]).numeric(&[1, 2]);
        for p in &s.peers {
            t.row(vec![
                p.name.clone(),
                p.holds.total().to_string(),
                p.behind_by.to_string(),
                p.last_heard.date_time(),
                p.peer.clone(),
            ]);
        }
        print!("{}", t.render());
    }
    for h in &s.hubs {
        println!();
        println!("hub {}", h.url);
        println!(
            "  last success: {}",
            h.last_success.map_or_else(|| "never".to_owned(), |t| format!("{} UTC", t.date_time()))
        );
        if let Some(e) = &h.last_error {
            println!("  last error:   {e}");
        }
    }
    if !s.recent_imports.is_empty() {
        println!();
        let mut t = Table::new(&["imported", "from", "created", "rows", "sha256"]).numeric(&[3]);
        let names = |id| s.devices.iter().find(|d| d.id == id).map_or_else(|| id.to_string(), |d| d.name.clone());
        for b in &s.recent_imports {
            t.row(vec![
                b.imported.date_time(),
                names(b.origin),
                b.created.date_time(),
                b.rows.to_string(),
                b.source.chars().take(16).collect(),
            ]);
        }
        print!("{}", t.render());
    }
}

/// Runs the background loop in the foreground, printing each result, until interrupted.
fn watch_hub(store: shiliu_store::Store, url: &str, interval: Duration) {
    let mut sync = HubSync::new(Arc::new(Mutex::new(store)), url);
    sync.interval = interval;
    println!("syncing with {url} every {} s; Ctrl-C stops (safely, at any moment)", interval.as_secs());
    sync.run(|s: &HubSyncStatus| {
        if s.syncing {
            return;
        }
        let now = shiliu_store::Timestamp::now().date_time();
        match (&s.last_error, &s.last_report) {
            (Some(e), _) => {
                println!("{now}  failed ({} in a row): {e}; next try in {} s", s.failures_in_a_row, s.next_in_s)
            }
            (None, Some(r)) => {
                println!(
                    "{now}  ok: pushed {} rows ({}), pulled {} rows in {} bundles; next in {} s",
                    r.pushed_rows,
                    megabytes(r.pushed_bytes),
                    r.pulled_rows,
                    r.pulled_bundles,
                    s.next_in_s
                );
                print_left_out(r);
            }
            (None, None) => {}
        }
    });
}

/// What an exchange did not take from the hub, and why.
fn print_left_out(report: &shiliu_sync::HubReport) {
    for why in &report.skipped {
        println!("  skipped a bundle: {why}");
    }
    if report.left_out_rows > 0 {
        println!("  left out {} rows a revoked pc made after its revocation", report.left_out_rows);
    }
}

fn bundles(n: usize) -> String {
    if n == 1 { "1 bundle".to_owned() } else { format!("{n} bundles") }
}

fn file_name(source: &str) -> String {
    Path::new(source).file_name().map_or_else(|| source.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// A row as one short line: the columns whose values differ from `other` (all of them when
/// `other` is not a row), cut at 60 characters.
fn compact(v: &serde_json::Value, other: &serde_json::Value) -> String {
    let text = match v {
        serde_json::Value::Null => "(gone)".to_owned(),
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(k, value)| other.get(k.as_str()) != Some(*value) && !k.ends_with("_ms"))
            .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    };
    if text.chars().count() > 60 { format!("{}…", text.chars().take(59).collect::<String>()) } else { text }
}

fn megabytes(bytes: u64) -> String {
    if bytes < 100_000 { format!("{:.1} kB", bytes as f64 / 1e3) } else { format!("{:.2} MB", bytes as f64 / 1e6) }
}
