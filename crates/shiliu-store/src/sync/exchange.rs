//! The sync layer's local bookkeeping: this PC's school membership and keys, the bundles it has
//! imported, what each peer and hub was last known to hold, and the conflicts it keeps.
//!
//! None of this travels between PCs (the device registry does, as synced rows). Keys are stored
//! as opaque bytes; the sync layer gives them meaning.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::Result;
use crate::ids::{ConflictId, DeviceId};
use crate::store::{Store, Tx};
use crate::sync::NewConflict;
use crate::time::Timestamp;

/// This PC's membership of a school. Secret: never shown, never exported.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncIdentity {
    /// The store device the keys belong to.
    pub device: DeviceId,
    pub school_id: String,
    pub school_name: String,
    pub founder_key: Vec<u8>,
    pub school_key: Vec<u8>,
    pub device_secret: Vec<u8>,
    pub joined: Timestamp,
}

impl std::fmt::Debug for SyncIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncIdentity")
            .field("device", &self.device)
            .field("school_id", &self.school_id)
            .field("school_name", &self.school_name)
            .finish_non_exhaustive()
    }
}

/// A bundle imported here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedBundle {
    pub id: String,
    pub origin: DeviceId,
    pub created: Timestamp,
    pub imported: Timestamp,
    pub rows: u64,
    /// Where it came from: a file path or a hub address.
    pub source: String,
}

/// What a peer was last known to hold from one origin device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerCounter {
    /// A device id, or `hub:<url>`.
    pub peer: String,
    pub device: DeviceId,
    pub counter: i64,
    pub seen: Timestamp,
}

/// How syncing with one hub went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubState {
    pub url: String,
    pub last_attempt: Option<Timestamp>,
    pub last_success: Option<Timestamp>,
    pub last_error: Option<String>,
}

fn row_to_bundle(r: &Row<'_>) -> rusqlite::Result<ImportedBundle> {
    Ok(ImportedBundle {
        id: r.get(0)?,
        origin: r.get(1)?,
        created: Timestamp::from_millis(r.get(2)?),
        imported: Timestamp::from_millis(r.get(3)?),
        rows: r.get::<_, i64>(4)?.max(0) as u64,
        source: r.get(5)?,
    })
}

impl Store {
    /// This PC's school membership, if it has joined one.
    pub fn sync_identity(&self) -> Result<Option<SyncIdentity>> {
        Ok(self
            .conn()
            .prepare_cached(include_str!("identity_get.sql"))?
            .query_row([], |r| {
                Ok(SyncIdentity {
                    device: r.get(0)?,
                    school_id: r.get(1)?,
                    school_name: r.get(2)?,
                    founder_key: r.get(3)?,
                    school_key: r.get(4)?,
                    device_secret: r.get(5)?,
                    joined: Timestamp::from_millis(r.get(6)?),
                })
            })
            .optional()?)
    }

    /// The import of bundle `id`, if it was imported here.
    pub fn imported_bundle(&self, id: &str) -> Result<Option<ImportedBundle>> {
        let sql = concat!(include_str!("bundle_select.sql"), " WHERE id = ?1");
        Ok(self.conn().prepare_cached(sql)?.query_row([id], row_to_bundle).optional()?)
    }

    /// The latest imported bundles, newest first.
    pub fn imported_bundles(&self, limit: usize) -> Result<Vec<ImportedBundle>> {
        let sql = concat!(include_str!("bundle_select.sql"), " ORDER BY imported_ms DESC, id LIMIT ?1");
        let mut stmt = self.conn().prepare_cached(sql)?;
        Ok(stmt.query_map([limit as i64], row_to_bundle)?.collect::<rusqlite::Result<_>>()?)
    }

    /// Everything known about what peers hold.
    pub fn peer_counters(&self) -> Result<Vec<PeerCounter>> {
        let mut stmt = self.conn().prepare_cached(include_str!("peer_list.sql"))?;
        let rows = stmt.query_map([], |r| {
            Ok(PeerCounter {
                peer: r.get(0)?,
                device: r.get(1)?,
                counter: r.get(2)?,
                seen: Timestamp::from_millis(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn hub_states(&self) -> Result<Vec<HubState>> {
        let mut stmt = self.conn().prepare_cached(include_str!("hub_list.sql"))?;
        let rows = stmt.query_map([], |r| {
            Ok(HubState {
                url: r.get(0)?,
                last_attempt: r.get::<_, Option<i64>>(1)?.map(Timestamp::from_millis),
                last_success: r.get::<_, Option<i64>>(2)?.map(Timestamp::from_millis),
                last_error: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Tx<'_> {
    pub fn set_sync_identity(&mut self, id: &SyncIdentity) -> Result<()> {
        self.db().prepare_cached(include_str!("identity_put.sql"))?.execute(params![
            id.device,
            id.school_id,
            id.school_name,
            id.founder_key,
            id.school_key,
            id.device_secret,
            id.joined.millis()
        ])?;
        Ok(())
    }

    /// The local key of a device, adding it as a peer (named by its short id) when unknown.
    pub(crate) fn device_key_for(&mut self, device: DeviceId) -> Result<i64> {
        let found: Option<i64> =
            self.db().prepare_cached(include_str!("device_key.sql"))?.query_row([device], |r| r.get(0)).optional()?;
        if let Some(key) = found {
            return Ok(key);
        }
        self.note_device(device, &format!("PC {}", device.short()))?;
        Ok(self.db().prepare_cached(include_str!("device_key.sql"))?.query_row([device], |r| r.get(0))?)
    }

    /// Makes a peer device known here by the name in its certificate (which also replaces the
    /// name of a device known so far only by its id, until its own bundles name it).
    pub fn note_device(&mut self, device: DeviceId, name: &str) -> Result<()> {
        let now = self.now().millis();
        self.db().prepare_cached(include_str!("device_note.sql"))?.execute(params![device, name, now])?;
        self.db().prepare_cached(include_str!("device_name.sql"))?.execute(params![device, name])?;
        Ok(())
    }

    /// Takes the name a peer gave itself (`shiliu device rename`), carried by its bundle made at
    /// `made`, unless a newer bundle of its own already named it.
    pub fn name_peer(&mut self, device: DeviceId, name: &str, made: Timestamp) -> Result<()> {
        self.db().prepare_cached(include_str!("device_rename.sql"))?.execute(params![device, name, made.millis()])?;
        Ok(())
    }

    /// Records that this PC now holds every change of `device` up to `counter` (never lowers it;
    /// this PC's own counter is not touched).
    pub fn cover_counter(&mut self, device: DeviceId, counter: i64) -> Result<()> {
        self.device_key_for(device)?;
        self.db().prepare_cached(include_str!("device_cover.sql"))?.execute(params![device, counter])?;
        Ok(())
    }

    pub fn record_imported_bundle(&mut self, b: &ImportedBundle) -> Result<()> {
        self.db().prepare_cached(include_str!("bundle_add.sql"))?.execute(params![
            b.id,
            b.origin,
            b.created.millis(),
            b.imported.millis(),
            b.rows as i64,
            b.source
        ])?;
        Ok(())
    }

    /// Raises what `peer` is known to hold from `device` to at least `counter`.
    pub fn note_peer_counter(&mut self, peer: &str, device: DeviceId, counter: i64) -> Result<()> {
        let now = self.now().millis();
        self.db().prepare_cached(include_str!("peer_note.sql"))?.execute(params![peer, device, counter, now])?;
        Ok(())
    }

    /// Forgets what a peer was known to hold (a hub that lost its data).
    pub fn forget_peer(&mut self, peer: &str) -> Result<()> {
        self.db().prepare_cached(include_str!("peer_forget.sql"))?.execute([peer])?;
        Ok(())
    }

    /// Records a sync attempt with a hub: its outcome, and the time of success.
    pub fn set_hub_state(&mut self, url: &str, error: Option<&str>) -> Result<()> {
        let now = self.now().millis();
        let success = error.is_none().then_some(now);
        self.db().prepare_cached(include_str!("hub_put.sql"))?.execute(params![url, now, success, error])?;
        Ok(())
    }

    /// Keeps a losing version once: `None` when this very version is already kept.
    pub fn keep_conflict(&mut self, c: &NewConflict) -> Result<Option<ConflictId>> {
        let id = ConflictId::new();
        let n = self.db().prepare_cached(include_str!("conflict_keep.sql"))?.execute(params![
            id,
            c.table,
            c.row_id,
            c.kept_hlc,
            c.lost_hlc,
            c.lost_device,
            c.lost_row.to_string(),
            self.now().millis()
        ])?;
        Ok((n > 0).then_some(id))
    }
}
