//! USB sticks: exporting a bundle into a folder, importing a bundle or a whole folder of them,
//! and the receipts that tell the volunteer (and the next export) what happened where.
//!
//! An export leaves out what every known PC of the school already holds (learnt from their
//! bundles and from receipts found on the stick), so routine bundles stay small; `full`
//! exports everything. Import is idempotent, so a full bundle is always safe. A stick can carry
//! bundles of many PCs: importing its folder takes them all, in an order that works.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use shiliu_store::{DeviceId, Store, Timestamp};

use crate::bundle::{EXTENSION, Manifest, Sealing, is_bundle_name, read_manifest, seal, verify_bundle, write_atomic};
use crate::error::{Result, SyncError};
use crate::identity::Member;
use crate::import::{BundleSummary, Preview, Source, apply, prepare};
use crate::keys::{canonical, verify};
use crate::registry::Registry;
use crate::vector::VersionVector;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    pub bundle: BundleSummary,
    pub bytes: u64,
    pub full: bool,
    /// Rows covered by this vector were left out.
    pub base: VersionVector,
    pub covers: VersionVector,
    /// Receipts and bundles found in the folder that told what other PCs hold.
    pub learnt_from: usize,
}

/// Builds a bundle of everything this PC holds above `base`.
pub(crate) fn build(store: &Store, member: &Member, base: &VersionVector) -> Result<Vec<u8>> {
    let covers = VersionVector::of_store(store)?;
    let mut rows = Vec::new();
    for (device, counter) in covers.iter() {
        if counter > base.get(device) {
            rows.extend(store.export_rows(device, base.get(device))?);
        }
    }
    let registry = Registry::load(store, &member.school)?;
    seal(
        Sealing {
            school: &member.school,
            school_key: &member.school_key,
            origin: member.device,
            origin_name: &member.device_name,
            device_key: &member.key,
            created_ms: Timestamp::now().millis(),
            base: base.clone(),
            covers,
            registry: &registry,
        },
        rows,
    )
}

/// What every other active PC of the school is known to hold: the rows an export may leave out.
fn common_base(store: &Store, member: &Member) -> Result<VersionVector> {
    let registry = Registry::load(store, &member.school)?;
    let peers = store.peer_counters()?;
    let mut base: Option<VersionVector> = None;
    for device in registry.active_devices().into_iter().filter(|d| *d != member.device) {
        let name = device.to_string();
        let mut holds = VersionVector::new();
        peers.iter().filter(|p| p.peer == name).for_each(|p| holds.raise(p.device, p.counter));
        base = Some(match base {
            None => holds,
            Some(b) => b.meet(&holds),
        });
    }
    Ok(base.unwrap_or_default())
}

/// Exports one bundle into `dir` (a stick's folder).
pub fn export_bundle(store: &mut Store, dir: &Path, full: bool) -> Result<ExportReport> {
    let member = Member::load(store)?;
    let learnt_from = learn_from_folder(store, &member, dir)?;
    let base = if full { VersionVector::new() } else { common_base(store, &member)? };
    let bytes = build(store, &member, &base)?;
    let manifest = read_manifest(&bytes)?;
    let name = bundle_file_name(&manifest);
    let path = write_atomic(dir, &name, &bytes)?;
    Ok(ExportReport {
        bundle: BundleSummary::of(&manifest, &name),
        path,
        bytes: bytes.len() as u64,
        full,
        base,
        covers: manifest.covers,
        learnt_from,
    })
}

fn bundle_file_name(m: &Manifest) -> String {
    let when = Timestamp::from_millis(m.created_ms).date_time().replace(['-', ':'], "").replace(' ', "-");
    format!("shiliu-{}-{}-{when}-{}.{EXTENSION}", &m.school[..8], m.origin.short(), &m.bundle[24..])
}

/// Reads receipts and bundle manifests in `dir` and records what they say other PCs hold.
/// Only signed statements of enrolled devices count.
fn learn_from_folder(store: &mut Store, member: &Member, dir: &Path) -> Result<usize> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(0) };
    let registry = Registry::load(store, &member.school)?;
    let mut facts: Vec<(DeviceId, VersionVector)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.ends_with(".json") && name.contains(".receipt-") {
            if let Some(r) = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Receipt>(&b).ok())
                && r.importer != member.device
                && r.verify(&registry).is_ok()
            {
                facts.push((r.importer, r.holds));
            }
        } else if is_bundle_name(&name)
            && let Ok(bytes) = std::fs::read(&path)
            && let Ok(m) = verify_bundle(&bytes, &member.school, &registry)
            && m.origin != member.device
        {
            facts.push((m.origin, m.covers));
        }
    }
    let n = facts.len();
    if n > 0 {
        store.transact(|tx| {
            for (peer, holds) in &facts {
                for (device, counter) in holds.iter() {
                    tx.note_peer_counter(&peer.to_string(), device, counter)?;
                }
            }
            Ok(())
        })?;
    }
    Ok(n)
}

/// The bundle files at `path`: the file itself, or every bundle in the folder.
/// The bundle at `path`, or the bundles in the folder at `path` (an error when it has none).
fn bundle_files(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        let join_ext = format!(".{}", crate::join::JOIN_EXTENSION);
        if path.to_string_lossy().to_ascii_lowercase().ends_with(&join_ext) {
            return Err(SyncError::invalid(
                "bundle",
                format!("{} is a join file, not a bundle: `shiliu school join FILE` uses it", path.display()),
            ));
        }
        return Ok(vec![path.to_owned()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| SyncError::file("list", path, e))?;
    let mut files: Vec<PathBuf> =
        entries.flatten().filter(|e| is_bundle_name(&e.file_name().to_string_lossy())).map(|e| e.path()).collect();
    if files.is_empty() {
        return Err(SyncError::invalid("folder", format!("{} holds no shiliu bundles", path.display())));
    }
    files.sort();
    Ok(files)
}

fn sources(paths: &[PathBuf]) -> Result<Vec<Source>> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| SyncError::file("read", p, e))?;
            Ok(Source { label: p.display().to_string(), bytes })
        })
        .collect()
}

/// What importing the bundle (or folder of bundles) at `path` would do. Changes nothing.
pub fn preview_import(store: &Store, path: &Path) -> Result<Preview> {
    let member = Member::load(store)?;
    let files = bundle_files(path)?;
    Ok(prepare(store, &member, sources(&files)?)?.preview)
}

/// What an import did, and the receipts it left next to the bundles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    pub preview: Preview,
    pub receipts: Vec<PathBuf>,
    /// Receipts that could not be written (a read-only or full stick); the import stands.
    pub receipt_problems: Vec<String>,
}

/// Imports the bundle (or every bundle in the folder) at `path` in one transaction, then writes
/// a receipt next to each bundle applied or found already imported. A single file that is
/// refused or must wait is an error; in a folder, refused bundles are listed in the preview.
pub fn import_path(store: &mut Store, path: &Path) -> Result<ImportReport> {
    let member = Member::load(store)?;
    let files = bundle_files(path)?;
    let mut prepared = prepare(store, &member, sources(&files)?)?;
    if files.len() == 1
        && let Some(e) = prepared.take_first_error()
    {
        return Err(e);
    }
    let shas: Vec<(String, String)> =
        prepared.accepted().iter().map(|b| (b.manifest.bundle.clone(), b.sha256.clone())).collect();
    let preview = apply(store, prepared)?;
    let holds = VersionVector::of_store(store)?;
    let mut receipts = Vec::new();
    let mut receipt_problems = Vec::new();
    let now = Timestamp::now();
    for b in preview.bundles.iter().chain(&preview.already_imported) {
        let applied = preview.bundles.contains(b);
        let summary = if applied {
            format!(
                "imported {} rows ({} attempts) from {} on {}",
                b.rows, b.attempts, b.origin_name, member.device_name
            )
        } else {
            format!("already imported on {}; nothing to do", member.device_name)
        };
        let sha = shas.iter().find(|(id, _)| *id == b.id).map(|(_, s)| s.clone()).unwrap_or_default();
        let receipt = Receipt::sign(&member, b, sha, now, summary, holds.clone());
        let file = PathBuf::from(&b.source);
        let dir = file.parent().map(Path::to_owned).unwrap_or_default();
        // The importer's whole id: the first characters of the ids of PCs enrolled within a
        // minute of each other are the same (they start with the time).
        let name = format!(
            "{}.receipt-{}.json",
            file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            member.device
        );
        let text = serde_json::to_vec_pretty(&receipt).map_err(|e| SyncError::invalid("receipt", e.to_string()))?;
        // The import is done and committed by now; a stick that is read-only or full only
        // costs the receipt (the next export then sends a little more than needed).
        match write_atomic(&dir, &name, &text) {
            Ok(path) => receipts.push(path),
            Err(e) => receipt_problems.push(e.to_string()),
        }
    }
    Ok(ImportReport { preview, receipts, receipt_problems })
}

/// Left next to a bundle after importing it: for the volunteer, what was imported where and
/// when; for the next export from any PC, what this PC now holds. Signed by the importer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub kind: String,
    pub school: String,
    pub bundle: String,
    pub bundle_sha256: String,
    pub origin_name: String,
    pub importer: DeviceId,
    pub importer_name: String,
    pub imported_ms: i64,
    pub imported_at: String,
    pub summary: String,
    pub rows: u64,
    pub holds: VersionVector,
    pub signature: String,
}

const RECEIPT_DOMAIN: &str = "shiliu-receipt-v1";

impl Receipt {
    fn sign(
        m: &Member,
        b: &BundleSummary,
        sha: String,
        now: Timestamp,
        summary: String,
        holds: VersionVector,
    ) -> Receipt {
        let mut r = Receipt {
            kind: "shiliu-receipt".into(),
            school: m.school.clone(),
            bundle: b.id.clone(),
            bundle_sha256: sha,
            origin_name: b.origin_name.clone(),
            importer: m.device,
            importer_name: m.device_name.clone(),
            imported_ms: now.millis(),
            imported_at: format!("{} UTC", now.date_time()),
            summary,
            rows: b.rows,
            holds,
            signature: String::new(),
        };
        r.signature = m.key.sign(RECEIPT_DOMAIN, &canonical(&r));
        r
    }

    /// Checks the importer's signature against the registry.
    pub fn verify(&self, registry: &Registry) -> Result<()> {
        if self.school != registry.school() {
            return Err(SyncError::WrongSchool { expected: registry.school().into(), found: self.school.clone() });
        }
        let cert = registry.trusted(self.importer)?;
        let mut unsigned = self.clone();
        unsigned.signature.clear();
        verify(&cert.key, RECEIPT_DOMAIN, &canonical(&unsigned), &self.signature)
    }
}
