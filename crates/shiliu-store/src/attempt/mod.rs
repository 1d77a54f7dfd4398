//! Attempts: one scored reading of one item, saved before the student sees the result.
//!
//! An attempt is append-only. Its per-syllable results are kept twice: as JSON on the attempt
//! (the record a peer receives, complete and self-describing) and as narrow rows in
//! `attempt_syllables` plus the weekly statistics and review cards derived from them (local,
//! rebuilt from the JSON whenever attempts arrive from elsewhere).
//!
//! The input types mirror the scorer's `ScoreResult` field for field, without depending on the
//! speech crate: the app copies a score into a [`NewAttempt`] and calls [`Tx::add_attempt`].

mod types;

pub(crate) use types::counts_for_progress;
pub use types::{
    Attempt, NO_SPEECH, NewAttempt, ProblemKind, Scores, SyllableOutcome, SyllableProblem, Verdict, WRONG_TEXT,
};

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::derived::{self, AttemptFacts};
use crate::error::{Result, StoreError};
use crate::ids::{AttemptId, StudentId};
use crate::people::student_key;
use crate::store::{Store, Tx};
use crate::time::Timestamp;

const SELECT: &str = include_str!("select.sql");

fn row_to_attempt(r: &Row<'_>) -> rusqlite::Result<(Attempt, String)> {
    let quality: String = r.get(16)?;
    let attempt = Attempt {
        id: r.get(0)?,
        student: r.get(1)?,
        device: r.get(2)?,
        pack: r.get(3)?,
        pack_version: r.get(4)?,
        unit: r.get(5)?,
        item: r.get(6)?,
        at: Timestamp::from_millis(r.get(7)?),
        duration_ms: r.get(8)?,
        scores: Scores {
            overall: r.get(9)?,
            accuracy: r.get(10)?,
            completeness: r.get(11)?,
            fluency: r.get(12)?,
            tone: r.get(13)?,
        },
        psc_band: r.get(14)?,
        psc_percent: r.get(15)?,
        quality: quality.split_whitespace().map(str::to_owned).collect(),
        model_id: r.get(17)?,
        syllables: Vec::new(),
    };
    Ok((attempt, r.get(18)?))
}

fn decode((mut attempt, json): (Attempt, String)) -> Result<Attempt> {
    attempt.syllables = serde_json::from_str(&json).map_err(StoreError::json("attempt syllables"))?;
    Ok(attempt)
}

pub(crate) fn get_attempt(db: &Connection, id: AttemptId) -> Result<Attempt> {
    let row = db
        .prepare_cached(&format!("{SELECT} WHERE a.id = ?1"))?
        .query_row([id], row_to_attempt)
        .optional()?
        .ok_or_else(|| StoreError::not_found("attempt", id))?;
    decode(row)
}

impl Store {
    pub fn get_attempt(&self, id: AttemptId) -> Result<Attempt> {
        get_attempt(self.conn(), id)
    }

    /// The student's latest attempts, newest first.
    pub fn recent_attempts(&self, student: StudentId, limit: usize) -> Result<Vec<Attempt>> {
        let key = student_key(self.conn(), student)?;
        let mut stmt =
            self.conn().prepare_cached(&format!("{SELECT} WHERE a.student_key = ?1 ORDER BY a.at_ms DESC LIMIT ?2"))?;
        let rows = stmt.query_map(params![key, limit as i64], row_to_attempt)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(decode).collect()
    }

    /// How many attempts the database holds (all students, all devices).
    pub fn count_attempts(&self) -> Result<u64> {
        let n: i64 = self.conn().query_row("SELECT count(*) FROM attempts", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}

impl Tx<'_> {
    /// Saves a scored attempt and updates the student's statistics and review cards. Returns
    /// once the attempt is part of this transaction; it is durable when `transact` returns.
    pub fn add_attempt(&mut self, new: &NewAttempt) -> Result<AttemptId> {
        new.validate()?;
        let student = student_key(self.db(), new.student)?;
        let facts = AttemptFacts::new(student, new)?;
        let json = serde_json::to_string(&new.syllables).map_err(StoreError::json("attempt syllables"))?;
        let id = AttemptId::new();
        let s = self.stamp();
        self.db().prepare_cached(include_str!("add.sql"))?.execute(params![
            id,
            student,
            new.pack,
            new.pack_version,
            new.unit,
            new.item,
            new.at.millis(),
            new.duration_ms,
            new.scores.overall,
            new.scores.accuracy,
            new.scores.completeness,
            new.scores.fluency,
            new.scores.tone,
            new.psc_band,
            new.psc_percent,
            new.quality.join(" "),
            new.model_id,
            json,
            s.device_key,
            s.counter
        ])?;
        let key = self.db().last_insert_rowid();
        derived::apply(self.db(), self.fsrs, key, &facts)?;
        Ok(id)
    }
}
