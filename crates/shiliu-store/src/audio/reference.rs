//! Teachers' reference readings of items.

use rusqlite::{Row, params};
use serde::Serialize;

use super::check_relative;
use crate::error::{Result, StoreError};
use crate::ids::{ItemId, PackId, ReferenceAudioId, TeacherId};
use crate::store::{Store, Tx};
use crate::time::Timestamp;

#[derive(Debug, Clone)]
pub struct NewReferenceAudio {
    pub teacher: Option<TeacherId>,
    pub pack: PackId,
    pub item: ItemId,
    /// Path relative to the recordings folder.
    pub file: String,
    pub bytes: u64,
    pub duration_ms: u32,
    pub sample_rate: u32,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceAudio {
    pub id: ReferenceAudioId,
    pub teacher: Option<TeacherId>,
    pub pack: PackId,
    pub item: ItemId,
    pub file: String,
    pub bytes: u64,
    pub duration_ms: u32,
    pub sample_rate: u32,
    pub note: Option<String>,
    pub created: Timestamp,
}

fn row_to_reference_audio(r: &Row<'_>) -> rusqlite::Result<ReferenceAudio> {
    Ok(ReferenceAudio {
        id: r.get(0)?,
        teacher: r.get(1)?,
        pack: r.get(2)?,
        item: r.get(3)?,
        file: r.get(4)?,
        bytes: r.get::<_, i64>(5)?.max(0) as u64,
        duration_ms: r.get(6)?,
        sample_rate: r.get(7)?,
        note: r.get(8)?,
        created: Timestamp::from_millis(r.get(9)?),
    })
}

impl Store {
    /// Teachers' readings of an item, newest first.
    pub fn reference_audio(&self, pack: &PackId, item: &ItemId) -> Result<Vec<ReferenceAudio>> {
        let mut stmt = self.conn().prepare_cached(concat!(
            include_str!("reference_select.sql"),
            " AND pack_id = ?1 AND item_id = ?2 ORDER BY created_ms DESC"
        ))?;
        Ok(stmt.query_map(params![pack, item], row_to_reference_audio)?.collect::<rusqlite::Result<_>>()?)
    }
}

impl Tx<'_> {
    pub fn add_reference_audio(&mut self, new: &NewReferenceAudio) -> Result<ReferenceAudioId> {
        let file = check_relative(&new.file)?;
        let id = ReferenceAudioId::new();
        let s = self.stamp();
        self.db().prepare_cached(include_str!("reference_add.sql"))?.execute(params![
            id,
            new.teacher,
            new.pack,
            new.item,
            file,
            new.bytes as i64,
            new.duration_ms,
            new.sample_rate,
            new.note,
            self.now().millis(),
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(id)
    }

    /// Tombstones a reference reading (its file is the app's to delete).
    pub fn delete_reference_audio(&mut self, id: ReferenceAudioId) -> Result<()> {
        let s = self.stamp();
        let n = self.db().prepare_cached(include_str!("reference_delete.sql"))?.execute(params![
            id,
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        if n == 0 {
            return Err(StoreError::not_found("reference audio", id));
        }
        Ok(())
    }
}
