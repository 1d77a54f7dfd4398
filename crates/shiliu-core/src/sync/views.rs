//! What the sync screen draws: `shiliu-sync`'s types flattened into plain views (times as
//! milliseconds, ids as text), and the functions that flatten them.

use std::path::Path;

use serde::Serialize;
use shiliu_sync::{HubSyncStatus, Preview};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "SyncView.ts")]
pub struct SyncView {
    /// Null until this PC founded or joined a school.
    pub school: Option<SchoolView>,
    pub this_device: String,
    pub devices: Vec<DeviceView>,
    pub peers: Vec<PeerView>,
    pub hub: HubView,
    pub recent_imports: Vec<ImportedView>,
    pub open_conflicts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "SchoolView.ts")]
pub struct SchoolView {
    pub id: String,
    pub name: String,
    #[ts(type = "number")]
    pub joined: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "DeviceView.ts")]
pub struct DeviceView {
    pub id: String,
    pub name: String,
    pub is_self: bool,
    #[ts(type = "number")]
    pub enrolled: i64,
    pub revoked: bool,
    /// Changes of this device that this PC holds.
    #[ts(type = "number")]
    pub held_here: i64,
}

/// Another PC (or a hub) and how far behind this PC it was when last heard from.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "PeerView.ts")]
pub struct PeerView {
    pub name: String,
    #[ts(type = "number")]
    pub last_heard: i64,
    #[ts(type = "number")]
    pub behind_by: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "HubView.ts")]
pub struct HubView {
    /// Null when no hub is set.
    pub url: Option<String>,
    pub syncing: bool,
    #[ts(type = "number | null")]
    pub last_success: Option<i64>,
    pub last_error: Option<String>,
    /// Seconds until the next try.
    #[ts(type = "number")]
    pub next_in_s: u64,
    pub failures_in_a_row: u32,
    /// Rows sent and received by the last exchange.
    #[ts(type = "number")]
    pub last_pushed: u64,
    #[ts(type = "number")]
    pub last_pulled: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ImportedView.ts")]
pub struct ImportedView {
    pub source: String,
    #[ts(type = "number")]
    pub imported: i64,
    #[ts(type = "number")]
    pub rows: u64,
}

/// What an import will do (before) or did (after).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ImportPreview.ts")]
pub struct ImportPreview {
    pub bundles: Vec<BundleView>,
    /// Bundles imported before, or made on this PC: skipped.
    pub already_imported: u32,
    /// Refused bundles and bundles that must wait for others, with the reason.
    pub refused: Vec<RefusedView>,
    pub changes: Vec<TableChangeView>,
    pub conflicts: u32,
    /// Files with a receipt for the volunteer (after an import).
    pub receipts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "BundleView.ts")]
pub struct BundleView {
    pub file: String,
    pub from: String,
    #[ts(type = "number")]
    pub created: i64,
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub attempts: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "RefusedView.ts")]
pub struct RefusedView {
    pub file: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "TableChangeView.ts")]
pub struct TableChangeView {
    pub table: String,
    #[ts(type = "number")]
    pub new: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub deleted: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ExportDone.ts")]
pub struct ExportDone {
    pub file: String,
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub attempts: u64,
    #[ts(type = "number")]
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "JoinFileView.ts")]
pub struct JoinFileView {
    pub file: String,
    /// The code the teacher types on the new PC; it is not stored anywhere.
    pub code: String,
    #[ts(type = "number")]
    pub expires: i64,
}

/// A version that lost to a newer edit on another PC, kept for the teacher to decide.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ConflictItem.ts")]
pub struct ConflictItem {
    pub id: String,
    /// students | classes | teachers | assignments …
    pub table: String,
    /// The fields that differ: name, the version in use, the version kept aside.
    pub fields: Vec<ConflictField>,
    pub lost_on: String,
    #[ts(type = "number")]
    pub recorded: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ConflictField.ts")]
pub struct ConflictField {
    pub name: String,
    pub current: String,
    pub lost: String,
}

pub(super) fn hub_view(url: &str, s: &HubSyncStatus) -> HubView {
    HubView {
        url: Some(url.to_owned()),
        syncing: s.syncing,
        last_success: s.last_success.map(|t| t.millis()),
        last_error: s.last_error.clone(),
        next_in_s: s.next_in_s,
        failures_in_a_row: s.failures_in_a_row,
        last_pushed: s.last_report.as_ref().map_or(0, |r| r.pushed_rows),
        last_pulled: s.last_report.as_ref().map_or(0, |r| r.pulled_rows),
    }
}

pub(super) fn preview_view(p: &Preview, receipts: Vec<String>) -> ImportPreview {
    let file = |source: &str| {
        Path::new(source).file_name().map_or_else(|| source.to_owned(), |n| n.to_string_lossy().into_owned())
    };
    ImportPreview {
        bundles: p
            .bundles
            .iter()
            .map(|b| BundleView {
                file: file(&b.source),
                from: b.origin_name.clone(),
                created: b.created.millis(),
                rows: b.rows,
                attempts: b.attempts,
            })
            .collect(),
        already_imported: (p.already_imported.len() + p.made_here.len()) as u32,
        refused: p
            .refused
            .iter()
            .chain(&p.waiting)
            .map(|r| RefusedView { file: file(&r.source), code: r.code.clone(), message: r.message.clone() })
            .collect(),
        changes: p
            .changes
            .iter()
            .filter(|(_, c)| c.new + c.updated + c.deleted > 0)
            .map(|(t, c)| TableChangeView { table: t.clone(), new: c.new, updated: c.updated, deleted: c.deleted })
            .collect(),
        conflicts: p.conflicts.len() as u32,
        receipts,
    }
}

/// The fields of a conflicting row that differ, as text (ids and bookkeeping left out).
pub(super) fn differing_fields(current: &serde_json::Value, lost: &serde_json::Value) -> Vec<ConflictField> {
    let text = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let Some(lost) = lost.as_object() else { return Vec::new() };
    lost.iter()
        .filter(|(name, _)| !name.ends_with("id") && !name.starts_with("hlc") && *name != "updated")
        .filter(|(name, value)| current.get(name.as_str()) != Some(*value))
        .map(|(name, value)| ConflictField {
            name: name.clone(),
            current: text(current.get(name.as_str())),
            lost: text(Some(value)),
        })
        .collect()
}
