//! Audio files the database points at: student recordings kept for the teacher, and teachers'
//! reference readings.
//!
//! Files live under the data folder's `recordings/`; rows hold their path relative to it, so the
//! folder can move with the data. Student recordings stay on this PC (a teacher may mark one
//! shareable for the sync layer) and are kept only within a retention limit — days and a count
//! per student — enforced by [`Store::prune_recordings`], which tombstones the rows first and
//! then deletes the files, sweeping again later for files a power cut left behind.

mod reference;

pub use reference::{NewReferenceAudio, ReferenceAudio};

use std::path::{Component, Path};

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::ids::{AttemptId, RecordingId, StudentId, TeacherId};
use crate::people::student_key;
use crate::store::{Store, Tx};
use crate::time::Timestamp;

/// A student recording to keep.
#[derive(Debug, Clone)]
pub struct NewRecording {
    pub student: StudentId,
    /// The attempt it was scored as, if any.
    pub attempt: Option<AttemptId>,
    /// Path relative to the recordings folder (`2026/05/<id>.wav`).
    pub file: String,
    pub bytes: u64,
    pub duration_ms: u32,
    pub created: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recording {
    pub id: RecordingId,
    pub student: StudentId,
    pub attempt: Option<AttemptId>,
    pub file: String,
    pub bytes: u64,
    pub duration_ms: u32,
    pub created: Timestamp,
    pub shareable: bool,
    pub reviewed: Option<Timestamp>,
    pub reviewed_by: Option<TeacherId>,
    pub note: Option<String>,
}

/// How long student recordings are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionPolicy {
    /// Recordings older than this many days are removed.
    pub keep_days: u32,
    /// Only each student's newest this many recordings are kept.
    pub keep_per_student: u32,
}

impl Default for RetentionPolicy {
    fn default() -> RetentionPolicy {
        RetentionPolicy { keep_days: 60, keep_per_student: 30 }
    }
}

/// What a prune did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    pub removed: u32,
    pub bytes_freed: u64,
}

const RECORDING_SELECT: &str = include_str!("recording_select.sql");
const KEEP_DAYS: &str = "recordings.keep_days";
const KEEP_PER_STUDENT: &str = "recordings.keep_per_student";

fn row_to_recording(r: &Row<'_>) -> rusqlite::Result<Recording> {
    Ok(Recording {
        id: r.get(0)?,
        student: r.get(1)?,
        attempt: r.get(2)?,
        file: r.get(3)?,
        bytes: r.get::<_, i64>(4)?.max(0) as u64,
        duration_ms: r.get(5)?,
        created: Timestamp::from_millis(r.get(6)?),
        shareable: r.get(7)?,
        reviewed: r.get::<_, Option<i64>>(8)?.map(Timestamp::from_millis),
        reviewed_by: r.get(9)?,
        note: r.get(10)?,
    })
}

/// A path inside the recordings folder: relative, without `..`, written with `/`.
pub(crate) fn check_relative(file: &str) -> Result<String> {
    let path = Path::new(file);
    let inside = !file.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside {
        return Err(StoreError::invalid("audio file", format!("{file:?} is not a path inside the recordings folder")));
    }
    Ok(file.replace('\\', "/"))
}

fn setting(db: &Connection, key: &str) -> Result<Option<String>> {
    Ok(db.prepare_cached(include_str!("setting_get.sql"))?.query_row([key], |r| r.get(0)).optional()?)
}

fn get_recording(db: &Connection, id: RecordingId) -> Result<Recording> {
    db.prepare_cached(&format!("{RECORDING_SELECT} WHERE id = ?1 AND deleted = 0"))?
        .query_row([id], row_to_recording)
        .optional()?
        .ok_or_else(|| StoreError::not_found("recording", id))
}

impl Store {
    /// The student's kept recordings, newest first.
    pub fn recordings(&self, student: StudentId) -> Result<Vec<Recording>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{RECORDING_SELECT} WHERE student_id = ?1 AND deleted = 0 ORDER BY created_ms DESC"
        ))?;
        Ok(stmt.query_map([student], row_to_recording)?.collect::<rusqlite::Result<_>>()?)
    }

    /// A local setting of this PC (never synced): microphone choice, a student's pitch profile…
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        setting(self.conn(), key)
    }

    pub fn retention(&self) -> Result<RetentionPolicy> {
        let default = RetentionPolicy::default();
        let read = |key, fallback: u32| -> Result<u32> {
            Ok(setting(self.conn(), key)?.and_then(|v| v.parse().ok()).unwrap_or(fallback))
        };
        Ok(RetentionPolicy {
            keep_days: read(KEEP_DAYS, default.keep_days)?,
            keep_per_student: read(KEEP_PER_STUDENT, default.keep_per_student)?,
        })
    }

    /// Removes recordings beyond the retention policy: rows are tombstoned in one transaction,
    /// then their files under `dir` are deleted. Files of rows tombstoned earlier (a power cut
    /// between the two steps) are deleted too.
    pub fn prune_recordings(&mut self, dir: &Path, now: Timestamp) -> Result<PruneReport> {
        let policy = self.retention()?;
        let cutoff = now.minus_days(i64::from(policy.keep_days));
        let mut stmt = self.conn().prepare_cached(&format!(
            "{RECORDING_SELECT} WHERE deleted = 0 ORDER BY student_id, created_ms DESC, id DESC"
        ))?;
        let all = stmt.query_map([], row_to_recording)?.collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        let mut expired = Vec::new();
        let mut rank = 0;
        for (i, r) in all.iter().enumerate() {
            rank = if i > 0 && all[i - 1].student == r.student { rank + 1 } else { 0 };
            if r.created < cutoff || rank >= policy.keep_per_student {
                expired.push(r.clone());
            }
        }
        self.transact(|tx| {
            for r in &expired {
                tx.update_recording(r, true)?;
            }
            Ok(())
        })?;
        let mut report = PruneReport::default();
        let mut stmt = self.conn().prepare_cached(include_str!("recording_tombstoned.sql"))?;
        let files = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        for file in files {
            let path = dir.join(&file);
            match std::fs::metadata(&path) {
                Ok(meta) => {
                    std::fs::remove_file(&path).map_err(|e| StoreError::file("delete", &path, e))?;
                    report.removed += 1;
                    report.bytes_freed += meta.len();
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::file("read", &path, e)),
            }
        }
        Ok(report)
    }
}

impl Tx<'_> {
    pub fn add_recording(&mut self, new: &NewRecording) -> Result<RecordingId> {
        student_key(self.db(), new.student)?;
        let file = check_relative(&new.file)?;
        let id = RecordingId::new();
        let s = self.stamp();
        self.db().prepare_cached(include_str!("recording_add.sql"))?.execute(params![
            id,
            new.student,
            new.attempt,
            file,
            new.bytes as i64,
            new.duration_ms,
            new.created.millis(),
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(id)
    }

    /// Records that a teacher listened to a recording, with an optional note for the student.
    pub fn review_recording(&mut self, id: RecordingId, teacher: Option<TeacherId>, note: Option<&str>) -> Result<()> {
        let mut r = get_recording(self.db(), id)?;
        r.reviewed = Some(self.now());
        r.reviewed_by = teacher;
        r.note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        self.update_recording(&r, false)
    }

    /// Lets the sync layer carry this recording's audio to other PCs (a teacher's decision).
    pub fn set_recording_shareable(&mut self, id: RecordingId, shareable: bool) -> Result<()> {
        let mut r = get_recording(self.db(), id)?;
        r.shareable = shareable;
        self.update_recording(&r, false)
    }

    /// Writes a local setting (see [`Store::setting`]).
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.db().prepare_cached(include_str!("setting_put.sql"))?.execute(params![key, value])?;
        Ok(())
    }

    pub fn set_retention(&mut self, policy: RetentionPolicy) -> Result<()> {
        if policy.keep_per_student == 0 {
            return Err(StoreError::invalid("retention", "keep at least one recording per student"));
        }
        let mut put = self.db().prepare_cached(include_str!("setting_put.sql"))?;
        put.execute(params![KEEP_DAYS, policy.keep_days.to_string()])?;
        put.execute(params![KEEP_PER_STUDENT, policy.keep_per_student.to_string()])?;
        Ok(())
    }

    fn update_recording(&mut self, r: &Recording, deleted: bool) -> Result<()> {
        let s = self.stamp();
        self.db().prepare_cached(include_str!("recording_update.sql"))?.execute(params![
            r.id,
            r.shareable,
            r.reviewed.map(Timestamp::millis),
            r.reviewed_by,
            r.note,
            deleted,
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_paths_must_stay_inside_the_recordings_folder() {
        assert_eq!(check_relative("2026/05/a.wav").unwrap(), "2026/05/a.wav");
        for bad in ["", "/etc/passwd", "../a.wav", "a/../../b.wav"] {
            assert_eq!(check_relative(bad).unwrap_err().code(), "store.invalid_input", "{bad}");
        }
    }
}
