//! State derived from attempts: the narrow syllable rows, weekly sound and confusion statistics,
//! and the FSRS cards. It is written in the same transaction as the attempt, and can be rebuilt
//! from the attempts alone (after an upgrade, and after a sync brings a peer's attempts, which
//! may be older than the ones already here).

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use shiliu_pinyin::{Contrast, Syllable, Tone, confusable_neighbours};

use crate::attempt::{NewAttempt, SyllableOutcome, Verdict};
use crate::error::{Result, StoreError};
use crate::ids::{ItemId, PackId, UnitId};
use crate::review::{self, Focus, Rating};
use crate::time::Timestamp;

/// Kinds of sound the statistics count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SoundKind {
    Initial,
    Final,
    Tone,
    Contrast,
}

impl SoundKind {
    pub fn name(self) -> &'static str {
        match self {
            SoundKind::Initial => "initial",
            SoundKind::Final => "final",
            SoundKind::Tone => "tone",
            SoundKind::Contrast => "contrast",
        }
    }

    pub fn from_name(name: &str) -> Option<SoundKind> {
        [SoundKind::Initial, SoundKind::Final, SoundKind::Tone, SoundKind::Contrast]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

/// What one attempt contributes to derived state.
pub(crate) struct AttemptFacts<'a> {
    student: i64,
    pack: &'a PackId,
    unit: &'a UnitId,
    item: &'a ItemId,
    at: Timestamp,
    overall: f32,
    psc_band: &'a str,
    psc_percent: f32,
    counts: bool,
    syllables: Vec<(Syllable, &'a SyllableOutcome)>,
}

impl<'a> AttemptFacts<'a> {
    pub fn new(student: i64, a: &'a NewAttempt) -> Result<AttemptFacts<'a>> {
        Ok(AttemptFacts {
            student,
            pack: &a.pack,
            unit: &a.unit,
            item: &a.item,
            at: a.at,
            overall: a.scores.overall,
            psc_band: &a.psc_band,
            psc_percent: a.psc_percent,
            counts: a.counts_for_progress(),
            syllables: parse_syllables(&a.syllables)?,
        })
    }
}

fn parse_syllables(syllables: &[SyllableOutcome]) -> Result<Vec<(Syllable, &SyllableOutcome)>> {
    syllables
        .iter()
        .map(|s| {
            Syllable::parse_allowing_rare(&s.expected)
                .map(|p| (p, s))
                .map_err(|e| StoreError::invalid("expected pinyin", e.to_string()))
        })
        .collect()
}

/// Writes everything derived from one attempt.
pub(crate) fn apply(db: &Connection, fsrs: &fsrs::FSRS, attempt_key: i64, f: &AttemptFacts<'_>) -> Result<()> {
    let mut add = db.prepare_cached(include_str!("syllable_add.sql"))?;
    for (idx, (parsed, s)) in f.syllables.iter().enumerate() {
        add.execute(params![
            attempt_key,
            idx as i64,
            f.student,
            f.at.millis(),
            parsed.initial.name(),
            parsed.final_.name(),
            s.tone_expected,
            s.tone_heard,
            s.initial_ok,
            s.final_ok,
            s.verdict.code(),
            s.score,
            s.problem.as_ref().map(|p| p.kind.name()),
            s.problem.as_ref().and_then(|p| p.contrast.as_deref()),
        ])?;
    }
    if !f.counts {
        return Ok(());
    }
    let week = f.at.week();
    // (kind, sound) → (tries, misses), and focus → worst rating, for this attempt.
    let mut sounds: BTreeMap<(SoundKind, String), (u32, u32)> = BTreeMap::new();
    let mut focus: BTreeMap<Focus, Rating> = BTreeMap::new();
    let mut confusion = db.prepare_cached(include_str!("confusion_add.sql"))?;
    let mut confusion_total = db.prepare_cached(include_str!("confusion_total_add.sql"))?;
    for (parsed, s) in &f.syllables {
        let mut count = |kind, sound: &str, missed: bool| {
            let e = sounds.entry((kind, sound.to_owned())).or_default();
            e.0 += 1;
            e.1 += u32::from(missed);
        };
        count(SoundKind::Initial, parsed.initial.name(), !s.initial_ok);
        count(SoundKind::Final, parsed.final_.name(), !s.final_ok);
        let missed_contrast =
            s.problem.as_ref().and_then(|p| p.contrast.as_deref()).and_then(|c| Contrast::from_name(c).ok());
        let mut exercised: Vec<Contrast> =
            confusable_neighbours(parsed).into_iter().map(|(_, c)| c).filter(|&c| c != Contrast::Tone).collect();
        exercised.extend(missed_contrast.filter(|&c| c != Contrast::Tone));
        exercised.sort_unstable();
        exercised.dedup();
        for c in exercised {
            let missed = missed_contrast == Some(c);
            count(SoundKind::Contrast, c.name(), missed);
            worsen(&mut focus, Focus::Contrast(c), rate(missed, s.verdict));
        }
        if let (Some(heard), Some(tone)) = (s.tone_heard, Tone::from_number(s.tone_expected)) {
            let missed = heard != s.tone_expected;
            count(SoundKind::Tone, &s.tone_expected.to_string(), missed);
            worsen(&mut focus, Focus::Tone(tone), rate(missed, s.verdict));
        }
        if let Some(p) = &s.problem {
            let (kind, heard, contrast) =
                (p.kind.name(), p.heard.as_deref().unwrap_or(""), p.contrast.as_deref().unwrap_or(""));
            confusion.execute(params![f.student, week, kind, p.expected, heard, contrast, f.pack, f.item])?;
            confusion_total.execute(params![f.student, kind, p.expected, heard, contrast, f.pack, f.item])?;
        }
    }
    let mut add_sound = db.prepare_cached(include_str!("sound_add.sql"))?;
    let mut add_total = db.prepare_cached(include_str!("total_add.sql"))?;
    for ((kind, sound), (tries, misses)) in sounds {
        add_sound.execute(params![f.student, kind.name(), sound, week, tries, misses])?;
        add_total.execute(params![f.student, kind.name(), sound, tries, misses])?;
    }
    db.prepare_cached(include_str!("psc_add.sql"))?.execute(params![f.student, week, f.psc_band, f.psc_percent])?;
    review::review_item(db, fsrs, f.student, (f.pack, f.unit, f.item), f.overall, f.at)?;
    for (focus, rating) in focus {
        review::review_focus(db, fsrs, f.student, focus, rating, f.at)?;
    }
    Ok(())
}

fn rate(missed: bool, verdict: Verdict) -> Rating {
    match (missed, verdict) {
        (true, _) => Rating::Again,
        (false, Verdict::Ok) => Rating::Good,
        (false, _) => Rating::Hard,
    }
}

/// Keeps the worst rating an attempt gave a focus.
fn worsen(map: &mut BTreeMap<Focus, Rating>, focus: Focus, rating: Rating) {
    let e = map.entry(focus).or_insert(rating);
    *e = (*e).min(rating);
}

/// Recomputes derived state from attempts, for one student (by local key) or for everyone.
pub(crate) fn rebuild(db: &Connection, fsrs: &fsrs::FSRS, student: Option<i64>) -> Result<()> {
    let derived = [
        "attempt_syllables",
        "sound_stats",
        "sound_totals",
        "psc_stats",
        "confusion_stats",
        "confusion_totals",
        "item_reviews",
        "focus_reviews",
    ];
    for table in derived {
        db.execute(&format!("DELETE FROM {table} WHERE ?1 IS NULL OR student_key = ?1"), [student])?;
    }
    let mut stmt = db.prepare(include_str!("replay.sql"))?;
    let mut rows = stmt.query([student])?;
    while let Some(r) = rows.next()? {
        let attempt_key: i64 = r.get(0)?;
        let quality: String = r.get(7)?;
        let json: String = r.get(8)?;
        let outcomes: Vec<SyllableOutcome> =
            serde_json::from_str(&json).map_err(StoreError::json("attempt syllables"))?;
        let (pack, unit, item) = (r.get(2)?, r.get(3)?, r.get(4)?);
        let psc_band: String = r.get(9)?;
        let facts = AttemptFacts {
            student: r.get(1)?,
            pack: &pack,
            unit: &unit,
            item: &item,
            at: Timestamp::from_millis(r.get(5)?),
            overall: r.get(6)?,
            psc_band: &psc_band,
            psc_percent: r.get(10)?,
            counts: !quality.split_whitespace().any(|q| q == crate::attempt::NO_SPEECH),
            syllables: parse_syllables(&outcomes)?,
        };
        apply(db, fsrs, attempt_key, &facts)?;
    }
    Ok(())
}
