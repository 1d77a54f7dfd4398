//! What an attempt holds, mirroring the scorer's result.

use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::ids::{AttemptId, DeviceId, ItemId, PackId, StudentId, UnitId};
use crate::time::Timestamp;

/// PSC-style judgement of one syllable (the scorer's `Verdict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    /// 语音缺陷: not wrong, not right either.
    Defect,
    /// 语音错误: another sound, or nothing.
    Error,
}

impl Verdict {
    pub(crate) fn code(self) -> u8 {
        match self {
            Verdict::Ok => 0,
            Verdict::Defect => 1,
            Verdict::Error => 2,
        }
    }
}

/// Which part of a syllable went wrong (the scorer's `ProblemKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Initial,
    Final,
    Tone,
    Omitted,
    Misread,
}

impl ProblemKind {
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::Initial => "initial",
            ProblemKind::Final => "final",
            ProblemKind::Tone => "tone",
            ProblemKind::Omitted => "omitted",
            ProblemKind::Misread => "misread",
        }
    }
}

/// The most important thing wrong with a syllable (the scorer's `Problem`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyllableProblem {
    pub kind: ProblemKind,
    /// The expected part ("sh", "ang", "3").
    pub expected: String,
    /// What was heard instead, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heard: Option<String>,
    /// The classic confusion it belongs to (`flat_retroflex`, `n_l`, `tone`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contrast: Option<String>,
}

/// One syllable's result (the fields of the scorer's `SyllableResult` that progress needs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyllableOutcome {
    pub hanzi: String,
    /// Surface pinyin with tone digit, after sandhi ("ni2").
    pub expected: String,
    /// What was heard, or `None` when nothing was said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heard: Option<String>,
    pub initial_ok: bool,
    pub final_ok: bool,
    /// Whether the tone was judged right; `None` in attempts saved before it was recorded,
    /// whose tone counts as right when the tone heard was the one expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone_ok: Option<bool>,
    /// 1–4, 5 for neutral.
    pub tone_expected: u8,
    /// `None` when the pitch could not be judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone_heard: Option<u8>,
    pub verdict: Verdict,
    pub score: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<SyllableProblem>,
}

/// The scorer's overall scores, each 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub overall: f32,
    pub accuracy: f32,
    pub completeness: f32,
    pub fluency: f32,
    pub tone: f32,
}

/// A scored attempt to save.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttempt {
    pub student: StudentId,
    pub pack: PackId,
    pub pack_version: String,
    pub unit: UnitId,
    pub item: ItemId,
    /// When the student spoke.
    pub at: Timestamp,
    /// Length of the recording.
    pub duration_ms: u32,
    pub scores: Scores,
    /// 一级甲等 … 不入级, as the scorer names it.
    pub psc_band: String,
    /// Share of the PSC part's points kept, 0–100.
    pub psc_percent: f32,
    /// Recording problems (`no_speech`, `too_quiet`, `clipped`, `noisy`…); empty when clean.
    pub quality: Vec<String>,
    /// Which speech model scored it (its file name or sha256).
    pub model_id: String,
    pub syllables: Vec<SyllableOutcome>,
}

/// A saved attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    pub id: AttemptId,
    pub student: StudentId,
    /// The PC it was made on.
    pub device: DeviceId,
    pub pack: PackId,
    pub pack_version: String,
    pub unit: UnitId,
    pub item: ItemId,
    pub at: Timestamp,
    pub duration_ms: u32,
    pub scores: Scores,
    pub psc_band: String,
    pub psc_percent: f32,
    pub quality: Vec<String>,
    pub model_id: String,
    pub syllables: Vec<SyllableOutcome>,
}

/// The quality flag of a recording with nothing said.
pub const NO_SPEECH: &str = "no_speech";
/// The quality flag of a recording of another text than the item's (the wrong line read).
pub const WRONG_TEXT: &str = "wrong_text";

/// Whether an attempt with these quality flags tells anything about the student's
/// pronunciation. One with nothing said, or another text read, is saved but moves no
/// statistics and no review card.
pub(crate) fn counts_for_progress<'a>(mut quality: impl Iterator<Item = &'a str>) -> bool {
    !quality.any(|q| q == NO_SPEECH || q == WRONG_TEXT)
}

impl NewAttempt {
    /// Whether the attempt says anything about the student's pronunciation.
    pub fn counts_for_progress(&self) -> bool {
        counts_for_progress(self.quality.iter().map(String::as_str))
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let s = &self.scores;
        for (what, v) in [
            ("overall score", s.overall),
            ("accuracy score", s.accuracy),
            ("completeness score", s.completeness),
            ("fluency score", s.fluency),
            ("tone score", s.tone),
            ("psc percent", self.psc_percent),
        ] {
            check_score(what, v)?;
        }
        for (what, v) in [
            ("pack id", self.pack.as_str()),
            ("unit id", self.unit.as_str()),
            ("item id", self.item.as_str()),
            ("pack version", &self.pack_version),
            ("model id", &self.model_id),
        ] {
            if v.trim().is_empty() {
                return Err(StoreError::invalid(what, "it is empty"));
            }
        }
        if let Some(q) = self.quality.iter().find(|q| q.is_empty() || q.contains(char::is_whitespace)) {
            return Err(StoreError::invalid("quality flag", format!("{q:?} is not a flag name")));
        }
        for (i, syl) in self.syllables.iter().enumerate() {
            check_score("syllable score", syl.score)?;
            let tones = [Some(syl.tone_expected), syl.tone_heard];
            if tones.iter().flatten().any(|t| !(1..=5).contains(t)) {
                return Err(StoreError::invalid("tone", format!("syllable {i} has a tone outside 1-5")));
            }
        }
        Ok(())
    }
}

fn check_score(what: &'static str, v: f32) -> Result<()> {
    if v.is_finite() && (0.0..=100.0).contains(&v) {
        Ok(())
    } else {
        Err(StoreError::invalid(what, format!("{v} is outside 0-100")))
    }
}
