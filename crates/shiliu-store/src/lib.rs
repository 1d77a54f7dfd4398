//! Shiliu's progress store: everything students and teachers do, on one classroom PC, in one
//! SQLite file that survives power cuts and is ready to merge with other PCs.
//!
//! * **One owner, one write path.** [`Store`] owns the connection; every write goes through
//!   [`Store::transact`], one transaction that commits or rolls back as a whole. WAL mode with
//!   `synchronous = FULL`: once `transact` returns, the write survives a pulled plug.
//! * **Sync-ready rows.** Ids are UUIDv7; each row records the device and per-device counter of
//!   its last change, mutable rows a hybrid logical clock for last-writer-wins, deletions are
//!   tombstones; see [`sync`](crate::Change) for what a peer can ask.
//! * **Attempts** mirror the scorer's result and drive statistics and spaced review (FSRS) over
//!   items and over sound contrasts; [`Store::next_items`] mixes due reviews, weak contrasts and
//!   new items.
//! * **Reports** for teachers read small derived tables, fast at a million attempts.
//! * **Backups** through SQLite's online backup API, rotated daily and weekly; [`restore`]
//!   refuses foreign or newer files.
//!
//! ```
//! use shiliu_store::{NewStudent, Store};
//!
//! let dir = tempfile::tempdir()?;
//! let mut store = Store::open(dir.path().join("shiliu.sqlite3"))?;
//! let (class, student) = store.transact(|tx| {
//!     let school = tx.ensure_facility("Xinglong Primary")?;
//!     let class = tx.add_class(school, "三年级一班", Some(3))?;
//!     let student = tx.add_student(school, &NewStudent { name: "卓玛".into(), ..Default::default() })?;
//!     tx.set_class_member(class, student, true)?;
//!     Ok((class, student))
//! })?;
//! assert_eq!(store.class_students(class)?[0].id, student);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attempt;
mod audio;
mod backup;
mod derived;
mod error;
mod hlc;
mod ids;
mod people;
mod report;
mod review;
mod schema;
mod store;
mod sync;
mod time;

pub use attempt::{
    Attempt, NO_SPEECH, NewAttempt, ProblemKind, Scores, SyllableOutcome, SyllableProblem, Verdict, WRONG_TEXT,
};
pub use audio::{NewRecording, NewReferenceAudio, PruneReport, Recording, ReferenceAudio, RetentionPolicy};
pub use backup::{BackupFile, KEEP_DAILY, KEEP_WEEKLY, RestoreReport, dated_backup_path, list_backups, restore};
pub use derived::SoundKind;
pub use error::{Result, StoreError};
pub use hlc::Hlc;
pub use ids::{
    AttemptId, ClassId, ConflictId, DeviceId, FacilityId, ItemId, PackId, RecordingId, ReferenceAudioId, StudentId,
    TeacherId, UnitId,
};
pub use people::{Assignment, Class, Facility, NewStudent, Student, StudentEdit, Teacher};
pub use report::{
    Confusion, DrillSource, DrillSuggestion, Heatmap, HeatmapCell, MIN_TRIES, PscWeek, RANK_RECENT_TRIES, RECENT_WEEKS,
    SoundStat, StudentSummary, Trend, UnitProgress,
};
pub use review::{
    Curriculum, CurriculumItem, CurriculumUnit, DESIRED_RETENTION, Focus, MASTERED_SCORE, NextItem, NextReason, Rating,
    WEAK_AFTER_LAPSES,
};
pub use schema::{APPLICATION_ID, LATEST_VERSION, check_file, content_fingerprint};
pub use store::{Device, Store, Tx};
pub use sync::{
    Change, Conflict, DeviceCounter, HubState, ImportedBundle, NewConflict, PeerCounter, SyncDigest, SyncIdentity,
    SyncRow, SyncTable, Value,
};
pub use time::{Timestamp, week_start};
