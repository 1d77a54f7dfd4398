//! What the sync screen shows: the school, its devices, what each peer and hub has seen, recent
//! imports, and the conflicts list with the teacher's two choices.

use serde::Serialize;
use shiliu_store::{ConflictId, DeviceId, HubState, ImportedBundle, Store, SyncRow, Timestamp};

use crate::error::{Result, SyncError};
use crate::identity::{DeviceInfo, SchoolInfo, devices, school};
use crate::vector::VersionVector;

/// What one peer (a PC or a hub) was last known to hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerInfo {
    /// A device id, or `hub:<url>`.
    pub peer: String,
    pub name: String,
    pub holds: VersionVector,
    pub last_heard: Timestamp,
    /// Changes this PC holds that the peer is not known to hold (sum over devices).
    pub behind_by: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncStatus {
    pub school: Option<SchoolInfo>,
    pub holds: VersionVector,
    pub devices: Vec<DeviceInfo>,
    pub peers: Vec<PeerInfo>,
    pub hubs: Vec<HubState>,
    pub recent_imports: Vec<ImportedBundle>,
    pub open_conflicts: usize,
}

/// The sync screen's state.
pub fn status(store: &Store) -> Result<SyncStatus> {
    let school = school(store)?;
    let holds = VersionVector::of_store(store)?;
    let devices = if school.is_some() { devices(store)? } else { Vec::new() };
    let names = store.device_counters()?;
    let mut peers: Vec<PeerInfo> = Vec::new();
    let this_pc = store.device().id.to_string();
    // (Databases from before own bundles were skipped may have noted this PC as its own peer.)
    for p in store.peer_counters()?.into_iter().filter(|p| p.peer != this_pc) {
        if peers.last().is_none_or(|l| l.peer != p.peer) {
            let name = match p.peer.parse::<DeviceId>() {
                Ok(id) => names.iter().find(|d| d.device == id).map_or_else(|| p.peer.clone(), |d| d.name.clone()),
                Err(_) => p.peer.clone(),
            };
            peers.push(PeerInfo {
                peer: p.peer.clone(),
                name,
                holds: VersionVector::new(),
                last_heard: p.seen,
                behind_by: 0,
            });
        }
        if let Some(last) = peers.last_mut() {
            last.holds.raise(p.device, p.counter);
            last.last_heard = last.last_heard.max(p.seen);
        }
    }
    for p in &mut peers {
        p.behind_by = holds.iter().map(|(d, c)| (c - p.holds.get(d)).max(0)).sum();
    }
    Ok(SyncStatus {
        school,
        holds,
        devices,
        peers,
        hubs: store.hub_states()?,
        recent_imports: store.imported_bundles(20)?,
        open_conflicts: store.conflicts(false)?.len(),
    })
}

/// A kept-aside version, next to the version that won.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictView {
    pub id: ConflictId,
    pub table: String,
    pub row_id: String,
    /// The version in use now (`null` when the row is gone).
    pub current: serde_json::Value,
    /// The version that lost.
    pub lost: serde_json::Value,
    pub lost_device: DeviceId,
    pub lost_device_name: String,
    pub recorded: Timestamp,
    pub resolved: Option<Timestamp>,
}

/// The conflicts list, oldest first; only open ones unless `all`.
pub fn conflicts(store: &Store, all: bool) -> Result<Vec<ConflictView>> {
    let names = store.device_counters()?;
    let mut out = Vec::new();
    for c in store.conflicts(all)? {
        let record: Option<SyncRow> = serde_json::from_value(c.lost_row["record"].clone()).ok();
        let current = match &record {
            Some(r) => store.get_sync_row(r.table, &r.key)?.map(|v| v.to_json()).unwrap_or(serde_json::Value::Null),
            None => serde_json::Value::Null,
        };
        out.push(ConflictView {
            id: c.id,
            table: c.table,
            row_id: c.row_id,
            current,
            lost: c.lost_row["columns"].clone(),
            lost_device: c.lost_device,
            lost_device_name: names
                .iter()
                .find(|d| d.device == c.lost_device)
                .map_or_else(String::new, |d| d.name.clone()),
            recorded: c.recorded,
            resolved: c.resolved,
        });
    }
    Ok(out)
}

/// The teacher's decision on a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// Keep the version in use; the conflict is closed.
    KeepCurrent,
    /// Bring the lost version back as a new edit from this PC (it then wins everywhere).
    UseLost,
}

/// Closes the open conflicts whose kept-aside version now says the same as the row in use:
/// another PC's teacher chose it (`--keep theirs` writes it again) or both PCs converged, and
/// there is nothing left to decide here. Returns how many were closed.
pub fn settle_conflicts(store: &mut Store) -> Result<usize> {
    let mut settled = Vec::new();
    for c in store.conflicts(false)? {
        let Ok(lost) = serde_json::from_value::<SyncRow>(c.lost_row["record"].clone()) else { continue };
        if store.get_sync_row(lost.table, &lost.key)?.is_some_and(|current| current.same_content(&lost)) {
            settled.push(c.id);
        }
    }
    if !settled.is_empty() {
        store.transact(|tx| settled.iter().try_for_each(|id| tx.resolve_conflict(*id)))?;
    }
    Ok(settled.len())
}

pub fn resolve_conflict(store: &mut Store, id: ConflictId, choice: ConflictChoice) -> Result<()> {
    let conflict = store
        .conflicts(true)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| SyncError::invalid("conflict", format!("no conflict {id}")))?;
    let record: Option<SyncRow> = serde_json::from_value(conflict.lost_row["record"].clone()).ok();
    store.transact(|tx| {
        if choice == ConflictChoice::UseLost
            && let Some(r) = &record
        {
            tx.write_local_version(r)?;
        }
        tx.resolve_conflict(id)
    })?;
    settle_conflicts(store)?;
    Ok(())
}
