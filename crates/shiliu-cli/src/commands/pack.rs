//! `shiliu pack …`: check lesson packs while writing them, make publisher keys, build signed
//! `.shiliupack` files, and verify, trust, install and list packs on a classroom PC.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use shiliu_lessons::{
    CheckReport, Counts, InstallOptions, LessonError, Limits, PACK_EXTENSION, Pack, PublicKey, SecretKey,
};
use shiliu_paths::DataDir;

#[derive(Subcommand)]
pub enum PackCommand {
    /// Check a pack folder: errors, warnings and what it drills. Exits non-zero on errors.
    Check {
        /// The pack folder (with pack.toml).
        dir: PathBuf,
        /// One JSON object instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Make a publisher keypair: NAME.key (private: keep it off classroom PCs) and NAME.pub.
    Keygen {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, default_value = "publisher")]
        name: String,
    },
    /// Check a pack folder and write it as a signed pack file (OUT may be a folder).
    Build {
        src: PathBuf,
        out: PathBuf,
        /// The publisher's private key file.
        #[arg(long, value_name = "PRIVATE")]
        key: PathBuf,
    },
    /// Verify a pack file's signature and every file in it, without installing it.
    Verify { file: PathBuf },
    /// Verify a pack file and install it for this PC's students.
    Install {
        file: PathBuf,
        /// Install even if the same version is already installed.
        #[arg(long)]
        reinstall: bool,
    },
    /// List the built-in and installed packs.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Plan a labelled test set from a pack folder's syllables, words and sentences: each once
    /// as written and once with one syllable changed (initial, final or tone), as a corpus
    /// manifest for scripts/synth-labelled-set.py to record and `shiliu eval` to score.
    LabelledSet {
        /// The pack folder (with pack.toml).
        dir: PathBuf,
        /// Where to write the manifest.
        #[arg(long, value_name = "MANIFEST.tsv")]
        out: PathBuf,
        /// Which slips are chosen; the same seed always plans the same set.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Trust a publisher's public key (a .pub file) for pack signatures on this PC.
    Trust {
        key: PathBuf,
        /// A name to show for the publisher (default: the file name).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Keeps the stable error code visible, so a volunteer can report exactly what went wrong.
pub(crate) fn coded(e: LessonError) -> anyhow::Error {
    anyhow!("{e} [{}]", e.code())
}

pub fn run(cmd: PackCommand, data: &DataDir) -> Result<()> {
    match cmd {
        PackCommand::Check { dir, json } => check(&dir, json),
        PackCommand::Keygen { out, name } => {
            let (private, public) = shiliu_lessons::write_keypair(&out, &name).map_err(coded)?;
            println!("private key: {} (keep it secret; never copy it to a classroom pc)", private.display());
            println!("public key:  {} ({})", public.display(), PublicKey::read(&public).map_err(coded)?);
            Ok(())
        }
        PackCommand::Build { src, out, key } => build(&src, &out, &key),
        PackCommand::LabelledSet { dir, out, seed } => super::labelled_set::write(&dir, &out, seed),
        PackCommand::Verify { file } => {
            let trusted = shiliu_lessons::trusted_keys(data).map_err(coded)?;
            let v = shiliu_lessons::verify_pack(&file, &trusted, &Limits::default()).map_err(coded)?;
            println!(
                "ok: {} {}, {} files, {} bytes, signed by {} ({})",
                v.manifest.id,
                v.manifest.version,
                v.manifest.files.len(),
                v.bytes,
                v.publisher.name,
                v.publisher.key
            );
            Ok(())
        }
        PackCommand::Install { file, reinstall } => {
            if file.is_dir() {
                bail!(
                    "{} is a folder: install takes a signed pack file (`shiliu pack build FOLDER OUT --key KEY` makes one)",
                    file.display()
                );
            }
            let options = InstallOptions { reinstall, ..InstallOptions::default() };
            let done = shiliu_lessons::install_pack(data, &file, &options).map_err(coded)?;
            let replaced = done.replaced.map(|v| format!(" (replaced {v})")).unwrap_or_default();
            println!(
                "installed {} {}{replaced}, signed by {}, in {}",
                done.id,
                done.version,
                done.publisher,
                done.dir.display()
            );
            Ok(())
        }
        PackCommand::List { json } => list(data, json),
        PackCommand::Trust { key, name } => {
            let public = PublicKey::read(&key).map_err(coded)?;
            let name =
                name.unwrap_or_else(|| key.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned()));
            let trusted = shiliu_lessons::trust_key(data, public, &name).map_err(coded)?;
            println!("trusted {}: {}", trusted.name, trusted.key);
            Ok(())
        }
    }
}

fn check(dir: &Path, json: bool) -> Result<()> {
    let report = shiliu_lessons::check_dir(dir).map_err(coded)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    match report.errors.len() {
        0 => Ok(()),
        n => Err(anyhow!("{} has {n} error(s)", dir.display())),
    }
}

fn build(src: &Path, out: &Path, key: &Path) -> Result<()> {
    let secret = SecretKey::read(key).map_err(coded)?;
    let out = if out.is_dir() {
        let pack = Pack::load_dir(src).map_err(coded)?;
        out.join(format!("{}-{}.{PACK_EXTENSION}", pack.id(), pack.version()))
    } else {
        out.to_path_buf()
    };
    let manifest = shiliu_lessons::build_pack(src, &out, &secret, &Limits::default()).map_err(|e| match e {
        LessonError::Invalid { .. } => {
            anyhow!("{} [{}]; run `shiliu pack check {}` for details", e, e.code(), src.display())
        }
        other => coded(other),
    })?;
    let bytes: u64 = manifest.files.iter().map(|f| f.size).sum();
    println!(
        "built {} {}: {} files, {bytes} bytes, signed by {} -> {}",
        manifest.id,
        manifest.version,
        manifest.files.len(),
        manifest.publisher,
        out.display()
    );
    Ok(())
}

fn list(data: &DataDir, json: bool) -> Result<()> {
    let builtin = shiliu_lessons::builtin_packs().map_err(coded)?;
    let installed = shiliu_lessons::installed_packs(data).map_err(coded)?;
    let trusted = shiliu_lessons::trusted_keys(data).map_err(coded)?;
    let publisher_of = |pack: &Pack| {
        shiliu_lessons::installed_publisher(pack).map(|key| {
            let name = trusted.iter().find(|t| t.key == key).map_or("no longer trusted", |t| t.name.as_str());
            format!("{name} ({key})")
        })
    };
    let rows: Vec<serde_json::Value> = builtin
        .iter()
        .map(|p| (p, "built-in"))
        .chain(installed.iter().map(|p| (p, "installed")))
        .map(|(p, source)| {
            serde_json::json!({
                "id": p.id(),
                "version": p.version().to_string(),
                "source": source,
                "title": p.manifest.title,
                "units": p.units.len(),
                "items": p.items().count(),
                "publisher": publisher_of(p),
            })
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for (row, pack) in rows.iter().zip(builtin.iter().chain(&installed)) {
        println!(
            "{:<10} {:<16} {:<8} {} / {}: {} units, {} items",
            row["source"].as_str().unwrap_or_default(),
            pack.id(),
            pack.version(),
            pack.manifest.title.zh,
            pack.manifest.title.en,
            pack.units.len(),
            pack.items().count()
        );
        if let Some(publisher) = publisher_of(pack) {
            println!("{:<10} signed by {publisher}", "");
        }
    }
    println!("embedded lesson files: {} KiB", shiliu_lessons::embedded_bytes().div_ceil(1024));
    Ok(())
}

/// The check report as tables a content author can scan.
fn render(r: &CheckReport) -> String {
    let c = &r.coverage;
    let mut out = String::new();
    if let (Some(id), Some(version)) = (&r.pack, &r.version) {
        out += &format!("pack {id} {version}: {} units, {} items\n", c.units, c.items);
        out += &format!("  {}\n\n", counts_line(&c.kinds, true));
        for u in &c.per_unit {
            out += &format!("  {:<14} {:<42} {:>4} items  {}\n", u.id, u.file, u.items, counts_line(&u.kinds, false));
        }
        out += "\nitems drilling each sound (surface syllables; 0 = never practised)\n";
        out += &table("initials", &c.initials);
        out += &table("finals", &c.finals);
        out += &table("tones", &c.tones);
        out += &table("sandhi", &c.sandhi);
        out += &format!("  {:<10} {}\n  {:<10} {}\n", "neutral", c.neutral, "erhua", c.erhua);
        out += &table("contrasts", &c.contrasts);
    }
    for (title, issues) in [("warnings", &r.warnings), ("errors", &r.errors)] {
        if !issues.is_empty() {
            out += &format!("\n{title} ({})\n", issues.len());
            for issue in issues.iter() {
                out += &format!("  [{}] {issue}\n", issue.rule);
            }
        }
    }
    out += &match r.errors.len() {
        0 => format!("\nok: no errors, {} warning(s)\n", r.warnings.len()),
        n => format!("\n{n} error(s), {} warning(s)\n", r.warnings.len()),
    };
    out
}

/// `syllable 30, word 15`, leaving out zeros (or keeping them, for a pack-wide view).
fn counts_line(counts: &Counts, keep_zero: bool) -> String {
    let parts: Vec<String> =
        counts.iter().filter(|(_, n)| keep_zero || *n > 0).map(|(name, n)| format!("{name} {n}")).collect();
    parts.join(", ")
}

/// One labelled block of `name count` cells, wrapped to fit a terminal.
fn table(label: &str, counts: &Counts) -> String {
    const WIDTH: usize = 100;
    let mut out = format!("  {label:<10}");
    let mut column = 12;
    for (name, n) in counts.iter() {
        let cell = format!("{name:>7} {n:<5}");
        if column + cell.chars().count() > WIDTH {
            out += &format!("\n  {:<10}", "");
            column = 12;
        }
        column += cell.chars().count();
        out += &cell;
    }
    out.push('\n');
    out
}
