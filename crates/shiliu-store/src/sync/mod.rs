//! What the sync layer builds on: per-device change counters, the `changes` view, the
//! conflicts table, rows as records ([`SyncRow`]) to export and apply, the sync layer's local
//! bookkeeping, and rebuilding derived state after attempts arrive.
//!
//! The exchange itself (keys, bundles, the plan, the transport) lives in the `shiliu-sync`
//! crate. After Kolibri's Morango: each peer knows the highest counter it holds per device
//! ([`Store::device_counters`]); the other sends [`Store::export_rows`] for every device where
//! it knows more. Mutable rows merge by last-writer-wins on their hybrid
//! logical clock, with the losing version kept in `conflicts` ([`Tx::record_conflict`]); attempts
//! are append-only and merge by id, like Anki's review log.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::derived::Scope;
use crate::error::{Result, StoreError};
use crate::ids::{ConflictId, DeviceId, StudentId};
use crate::people::student_key;
use crate::store::{Store, Tx};
use crate::time::Timestamp;

mod exchange;
mod rows;

pub use exchange::{HubState, ImportedBundle, PeerCounter, SyncIdentity};
pub use rows::{SyncDigest, SyncRow, SyncTable, Value};

/// One row's latest change (a row of the `changes` view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub device: DeviceId,
    pub counter: i64,
    pub table: String,
    /// The row's id; `a/b` (`a/b/c`) for rows identified by a pair (triple) of ids.
    pub row_id: String,
    /// `upsert`, `delete` (a tombstone) or `insert` (append-only attempts).
    pub op: String,
    pub hlc: Option<String>,
}

/// A device this database has heard of, and the highest change counter it holds from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceCounter {
    pub device: DeviceId,
    pub name: String,
    pub counter: i64,
    pub is_self: bool,
}

/// A losing version to keep aside.
#[derive(Debug, Clone)]
pub struct NewConflict {
    pub table: String,
    pub row_id: String,
    pub kept_hlc: String,
    pub lost_hlc: String,
    pub lost_device: DeviceId,
    /// The losing row, as JSON.
    pub lost_row: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub id: ConflictId,
    pub table: String,
    pub row_id: String,
    pub kept_hlc: String,
    pub lost_hlc: String,
    pub lost_device: DeviceId,
    pub lost_row: serde_json::Value,
    pub recorded: Timestamp,
    pub resolved: Option<Timestamp>,
}

fn row_to_conflict(r: &Row<'_>) -> rusqlite::Result<(Conflict, String)> {
    Ok((
        Conflict {
            id: r.get(0)?,
            table: r.get(1)?,
            row_id: r.get(2)?,
            kept_hlc: r.get(3)?,
            lost_hlc: r.get(4)?,
            lost_device: r.get(5)?,
            lost_row: serde_json::Value::Null,
            recorded: Timestamp::from_millis(r.get(7)?),
            resolved: r.get::<_, Option<i64>>(8)?.map(Timestamp::from_millis),
        },
        r.get(6)?,
    ))
}

impl Store {
    /// Every device known here with the highest counter held from it (this PC's is the last
    /// counter it issued).
    pub fn device_counters(&self) -> Result<Vec<DeviceCounter>> {
        let mut stmt = self.conn().prepare_cached(include_str!("../device/counters.sql"))?;
        let rows = stmt.query_map([], |r| {
            Ok(DeviceCounter { device: r.get(0)?, name: r.get(1)?, counter: r.get(2)?, is_self: r.get(3)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Rows whose latest change came from `device` with a counter above `after`, in counter
    /// order, at most `limit` of them (send in chunks).
    pub fn changes_since(&self, device: DeviceId, after: i64, limit: usize) -> Result<Vec<Change>> {
        let key: Option<i64> =
            self.conn().prepare_cached(include_str!("device_key.sql"))?.query_row([device], |r| r.get(0)).optional()?;
        let Some(key) = key else { return Ok(Vec::new()) };
        let mut stmt = self.conn().prepare_cached(include_str!("changes_since.sql"))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![key, after, limit], |r| {
            Ok(Change {
                device,
                counter: r.get(0)?,
                table: r.get(1)?,
                row_id: r.get(2)?,
                op: r.get(3)?,
                hlc: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Kept-aside versions, oldest first; only unresolved ones unless `all`.
    pub fn conflicts(&self, all: bool) -> Result<Vec<Conflict>> {
        let mut stmt = self.conn().prepare_cached(concat!(
            include_str!("conflict_select.sql"),
            " WHERE ?1 OR resolved_ms IS NULL ORDER BY recorded_ms"
        ))?;
        let rows = stmt.query_map([all], row_to_conflict)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(mut c, json)| {
                c.lost_row = serde_json::from_str(&json).map_err(StoreError::json("conflict row"))?;
                Ok(c)
            })
            .collect()
    }
}

impl Tx<'_> {
    /// Keeps the version that lost a last-writer-wins merge.
    pub fn record_conflict(&mut self, c: &NewConflict) -> Result<ConflictId> {
        let id = ConflictId::new();
        self.db().prepare_cached(include_str!("conflict_add.sql"))?.execute(params![
            id,
            c.table,
            c.row_id,
            c.kept_hlc,
            c.lost_hlc,
            c.lost_device,
            c.lost_row.to_string(),
            self.now().millis()
        ])?;
        Ok(id)
    }

    /// Marks a conflict as looked at.
    pub fn resolve_conflict(&mut self, id: ConflictId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(include_str!("conflict_resolve.sql"))?
            .execute(params![id, self.now().millis()])?;
        if n == 0 {
            return Err(StoreError::not_found("open conflict", id));
        }
        Ok(())
    }

    /// Recomputes a student's statistics and review cards from their attempts (everyone's when
    /// `None`): after attempts arrive from a peer, possibly older than those already here.
    pub fn rebuild_progress(&mut self, student: Option<StudentId>) -> Result<()> {
        match student {
            None => crate::derived::rebuild(self.db(), self.fsrs, Scope::Everyone),
            Some(s) => {
                let key = student_key(self.db(), s)?;
                crate::derived::rebuild(self.db(), self.fsrs, Scope::Students(&[key]))
            }
        }
    }

    /// Recomputes the statistics and review cards of several students in one pass (after an
    /// import). Students not here, or deleted, are skipped. Returns how many were rebuilt.
    pub fn rebuild_progress_of(&mut self, students: &[StudentId]) -> Result<usize> {
        let mut keys = Vec::with_capacity(students.len());
        for &s in students {
            match student_key(self.db(), s) {
                Ok(key) => keys.push(key),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        keys.sort_unstable();
        keys.dedup();
        crate::derived::rebuild(self.db(), self.fsrs, Scope::Students(&keys))?;
        Ok(keys.len())
    }
}
