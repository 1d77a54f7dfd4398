//! Importing bundles: verify, order, plan, preview, apply in one transaction.
//!
//! A batch (one file, a stick's folder, a hub's answer) is imported as a unit. Bundles already
//! imported are replays and do nothing. The rest are ordered so that each one's base is
//! covered by this PC plus the bundles before it; a bundle whose base is not covered waits
//! (its rows would refer to rows this PC lacks). The accepted bundles' rows are planned
//! together and applied in one store transaction: either all of them land, with this PC's
//! version vector raised to what they cover, or nothing changes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use shiliu_store::{DeviceId, ImportedBundle, Store, StudentId, SyncRow, SyncTable, Timestamp, Tx};

use crate::bundle::{Manifest, OpenBundle, open};
use crate::error::{Result, SyncError};
use crate::identity::Member;
use crate::plan::{LocalRows, Plan, TableChanges, plan};
use crate::registry::{Cutoff, Registry, cert_of_row, revocation_of_row};
use crate::vector::VersionVector;

/// One bundle as a preview or report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleSummary {
    pub id: String,
    /// Where it was read from (a file name, or the hub).
    pub source: String,
    pub origin: DeviceId,
    pub origin_name: String,
    pub created: Timestamp,
    pub rows: u64,
    pub attempts: u64,
}

impl BundleSummary {
    pub(crate) fn of(m: &Manifest, source: &str) -> BundleSummary {
        BundleSummary {
            id: m.bundle.clone(),
            source: source.to_owned(),
            origin: m.origin,
            origin_name: m.origin_name.clone(),
            created: Timestamp::from_millis(m.created_ms),
            rows: m.rows(),
            attempts: m.counts.get("attempts").copied().unwrap_or(0),
        }
    }
}

/// A bundle that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refused {
    pub source: String,
    pub code: String,
    pub message: String,
}

/// A conflict an import will record, as the teacher sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictPreview {
    pub table: String,
    pub row_id: String,
    pub kept_hlc: String,
    pub lost_hlc: String,
    pub lost: serde_json::Value,
}

/// What an import will do (or did).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    /// Bundles whose rows are applied.
    pub bundles: Vec<BundleSummary>,
    /// Bundles imported before: nothing to do.
    pub already_imported: Vec<BundleSummary>,
    /// Bundles this PC exported itself (left on a stick it relays): it holds all they carry.
    pub made_here: Vec<BundleSummary>,
    /// Bundles that build on changes this PC lacks; import them after the others.
    pub waiting: Vec<Refused>,
    /// Bundles refused: damaged, tampered, foreign, from unknown or revoked devices.
    pub refused: Vec<Refused>,
    /// Rows relayed from a revoked PC that it made after its revocation (or vouched for by it
    /// after that): left out.
    pub left_out: u64,
    /// Per table (`students`, `attempts`…).
    pub changes: BTreeMap<String, TableChanges>,
    pub conflicts: Vec<ConflictPreview>,
    /// This PC's version vector after the import.
    pub holds_after: VersionVector,
}

impl Preview {
    pub fn new_rows(&self) -> u64 {
        self.changes.values().map(|c| c.new + c.updated + c.deleted).sum()
    }
}

/// A bundle read from somewhere, not yet opened.
pub struct Source {
    pub label: String,
    pub bytes: Vec<u8>,
}

/// A batch checked and planned, ready to preview or apply.
pub struct Prepared {
    pub preview: Preview,
    accepted: Vec<OpenBundle>,
    plan: Plan,
    covered: VersionVector,
    first_error: Option<SyncError>,
}

impl Prepared {
    pub fn accepted(&self) -> &[OpenBundle] {
        &self.accepted
    }

    /// The first bundle refused or left waiting, as an error.
    pub fn take_first_error(&mut self) -> Option<SyncError> {
        self.first_error.take()
    }
}

/// Opens, orders and plans `sources` against `store`. Changes nothing.
pub fn prepare(store: &Store, member: &Member, sources: Vec<Source>) -> Result<Prepared> {
    let registry = Registry::load(store, &member.school)?;
    let mut preview = Preview {
        bundles: vec![],
        already_imported: vec![],
        made_here: vec![],
        waiting: vec![],
        refused: vec![],
        left_out: 0,
        changes: BTreeMap::new(),
        conflicts: vec![],
        holds_after: VersionVector::new(),
    };
    let mut opened = Vec::new();
    let mut ids = BTreeSet::new();
    let mut first_error = None;
    for s in sources {
        // A replay, or a bundle this PC made, is recognised from its manifest alone, before any
        // decryption. (A forged manifest gains nothing: the bundle is then just not imported.)
        if let Ok(m) = crate::bundle::read_manifest(&s.bytes)
            && m.school == member.school
        {
            if m.origin == member.device {
                preview.made_here.push(BundleSummary::of(&m, &s.label));
                continue;
            }
            if store.imported_bundle(&m.bundle)?.is_some() {
                preview.already_imported.push(BundleSummary::of(&m, &s.label));
                continue;
            }
        }
        match open(&s.bytes, &member.school, &member.school_key, &registry) {
            Err(e) => {
                preview.refused.push(Refused { source: s.label, code: e.code().into(), message: e.to_string() });
                first_error.get_or_insert(e);
            }
            Ok(b) => {
                if store.imported_bundle(&b.manifest.bundle)?.is_some() || !ids.insert(b.manifest.bundle.clone()) {
                    preview.already_imported.push(BundleSummary::of(&b.manifest, &s.label));
                } else {
                    opened.push((s.label, b));
                }
            }
        }
    }
    let batch = batch_registry(&registry, &opened.iter().map(|(_, b)| b).collect::<Vec<_>>());
    let mut start = VersionVector::of_store(store)?;
    // Changes of a PC that is revoked (or was enrolled by one after its revocation) are not
    // waited for: those this PC lacks would be refused anyway.
    for (_, b) in &opened {
        for (device, counter) in b.manifest.base.iter() {
            if batch.refuses_changes_of_device(device) {
                start.raise(device, counter);
            }
        }
    }
    let (order, covered) = chain(&start, opened.iter().map(|(_, b)| &b.manifest).collect());
    let mut accepted = Vec::new();
    let mut slots: Vec<Option<(String, OpenBundle)>> = opened.into_iter().map(Some).collect();
    for i in order {
        if let Some((label, b)) = slots[i].take() {
            preview.bundles.push(BundleSummary::of(&b.manifest, &label));
            accepted.push(b);
        }
    }
    for (label, b) in slots.into_iter().flatten() {
        let missing: Vec<String> = covered
            .shortfall(&b.manifest.base)
            .iter()
            .map(|(d, have, need)| format!("{} up to {need}, have {have}", d.short()))
            .collect();
        let e = SyncError::NeedsEarlier { missing: missing.join("; ") };
        preview.waiting.push(Refused { source: label, code: e.code().into(), message: e.to_string() });
        first_error.get_or_insert(e);
    }
    let (rows, left_out) = usable_rows(&batch, &accepted)?;
    preview.left_out = left_out;
    let plan = plan(&rows, &LocalRows::read(store, &rows)?);
    if let Some(s) = plan.missing_students.first() {
        return Err(SyncError::NeedsEarlier { missing: format!("the student {s} its attempts belong to") });
    }
    preview.changes = plan.tables.iter().map(|(t, c)| (t.name().to_owned(), *c)).collect();
    preview.conflicts = plan
        .conflicts
        .iter()
        .map(|c| ConflictPreview {
            table: c.table.clone(),
            row_id: c.row_id.clone(),
            kept_hlc: c.kept_hlc.clone(),
            lost_hlc: c.lost_hlc.clone(),
            lost: c.lost_row["columns"].clone(),
        })
        .collect();
    preview.holds_after = covered.clone();
    Ok(Prepared { preview, accepted, plan, covered, first_error })
}

/// Orders bundles so each one's base is covered by `start` plus those before it. Returns the
/// accepted indexes in order and the vector they reach together.
pub fn chain(start: &VersionVector, manifests: Vec<&Manifest>) -> (Vec<usize>, VersionVector) {
    let mut idx: Vec<usize> = (0..manifests.len()).collect();
    idx.sort_by(|a, b| {
        (manifests[*a].created_ms, &manifests[*a].bundle).cmp(&(manifests[*b].created_ms, &manifests[*b].bundle))
    });
    let mut covered = start.clone();
    let mut order = Vec::new();
    loop {
        let before = order.len();
        for &i in &idx {
            if !order.contains(&i) && covered.covers(&manifests[i].base) {
                covered.merge(&manifests[i].covers);
                order.push(i);
            }
        }
        if order.len() == before {
            return (order, covered);
        }
    }
}

/// The registry once a batch's bundles are in: their headers' certificates and revocations,
/// and their registry rows.
fn batch_registry(known: &Registry, bundles: &[&OpenBundle]) -> Registry {
    let mut reg = known.clone();
    for b in bundles {
        reg = b.manifest.registry_over(&reg);
        for row in &b.rows {
            if let Some(cert) = cert_of_row(row) {
                reg.add_cert(cert);
            }
            if let Some(r) = revocation_of_row(row) {
                reg.add_revocation(r);
            }
        }
    }
    reg
}

/// The rows of a batch that may be applied, and how many were left out: changes a revoked PC
/// made after its revocation, and what a revoked PC vouched for afterwards (PCs it enrolled,
/// their changes, revocations it signed). Honest PCs may relay such rows, having received
/// them before they heard of the revocation. A registry entry that does not verify at all
/// (no signer could make one; it means damage or tampering by a school member) refuses the
/// whole batch.
fn usable_rows(reg: &Registry, bundles: &[OpenBundle]) -> Result<(Vec<SyncRow>, u64)> {
    let lenient = reg.ignoring_revocations();
    let mut cutoffs: BTreeMap<DeviceId, Cutoff> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut left_out = 0;
    for row in bundles.iter().flat_map(|b| b.rows.iter()) {
        let verdict = match row.table {
            SyncTable::SyncDevices => {
                let cert = cert_of_row(row).ok_or_else(|| SyncError::cert("a registry row without a certificate"))?;
                reg.verify_cert(&cert).map_err(|e| (e, lenient.verify_cert(&cert).is_ok()))
            }
            SyncTable::SyncRevocations => {
                let r =
                    revocation_of_row(row).ok_or_else(|| SyncError::cert("a revocation row without a statement"))?;
                reg.verify_revocation(&r).map_err(|e| (e, lenient.verify_revocation(&r).is_ok()))
            }
            _ => Ok(()),
        };
        match verdict {
            Err((e, false)) => return Err(e),
            Err((_, true)) => left_out += 1,
            Ok(()) if cutoffs.entry(row.origin).or_insert_with(|| reg.change_cutoff(row.origin)).refuses(row) => {
                left_out += 1
            }
            Ok(()) => rows.push(row.clone()),
        }
    }
    Ok((rows, left_out))
}

/// Applies a prepared batch in one transaction. Returns the preview of what was done.
pub fn apply(store: &mut Store, prepared: Prepared) -> Result<Preview> {
    let Prepared { preview, accepted, plan, covered, .. } = prepared;
    if accepted.is_empty() {
        return Ok(preview);
    }
    store.transact(|tx| apply_in(tx, &accepted, &plan, &covered))?;
    crate::status::settle_conflicts(store)?;
    Ok(preview)
}

fn apply_in(
    tx: &mut Tx<'_>,
    accepted: &[OpenBundle],
    plan: &Plan,
    covered: &VersionVector,
) -> shiliu_store::Result<()> {
    if let Some(hlc) = plan.max_hlc.as_deref().and_then(|h| h.parse().ok()) {
        tx.observe_hlc(hlc);
    }
    for b in accepted {
        for cert in &b.manifest.certs {
            tx.note_device(cert.device, &cert.name)?;
        }
    }
    // Each PC's bundles carry the name it goes by now; the newest one wins.
    for b in accepted {
        let m = &b.manifest;
        tx.name_peer(m.origin, &m.origin_name, Timestamp::from_millis(m.created_ms))?;
    }
    for row in &plan.writes {
        tx.apply_sync_row(row)?;
    }
    for c in &plan.conflicts {
        tx.keep_conflict(c)?;
    }
    for (device, counter) in covered.iter() {
        tx.cover_counter(device, counter)?;
    }
    let now = tx.now();
    for b in accepted {
        let m = &b.manifest;
        let peer = m.origin.to_string();
        for (device, counter) in m.covers.iter() {
            tx.note_peer_counter(&peer, device, counter)?;
        }
        tx.record_imported_bundle(&ImportedBundle {
            id: m.bundle.clone(),
            origin: m.origin,
            created: Timestamp::from_millis(m.created_ms),
            imported: now,
            rows: m.rows(),
            source: b.sha256.clone(),
        })?;
    }
    // Once for the whole batch: each affected student's attempts are replayed in one pass.
    let students: Vec<StudentId> = plan.students.iter().filter_map(|s| s.parse().ok()).collect();
    tx.rebuild_progress_of(&students)?;
    Ok(())
}
