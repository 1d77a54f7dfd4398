//! State derived from attempts: the narrow syllable rows, weekly sound and confusion statistics,
//! and the FSRS cards. It is written in the same transaction as the attempt, and can be rebuilt
//! from the attempts alone (after an upgrade, and after a sync brings a peer's attempts, which
//! may be older than the ones already here).

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, params};
use shiliu_pinyin::{Contrast, Syllable, Tone, confusable_neighbours};

use crate::attempt::{NewAttempt, SyllableOutcome, Verdict};
use crate::error::{Result, StoreError};
use crate::ids::{ItemId, PackId, UnitId};
use crate::review::{self, Card, Cards, DbCards, Focus, ItemCard, Rating};
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

/// What a problem syllable adds to the confusion counts (all but student and week).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ConfusionKey {
    kind: &'static str,
    expected: String,
    heard: String,
    contrast: String,
    pack: PackId,
    item: ItemId,
}

/// Where one student's derived state goes: straight into the tables (an attempt being saved,
/// [`Direct`]) or into a tally written once after all their attempts are replayed (a rebuild,
/// [`Tally`]). Both receive exactly the same calls from [`apply_to`], so a rebuild gives what
/// the attempts added one by one gave.
trait Sink: Cards {
    fn syllable(
        &mut self,
        attempt_key: i64,
        idx: usize,
        at: Timestamp,
        parsed: &Syllable,
        s: &SyllableOutcome,
    ) -> Result<()>;
    fn confusion(&mut self, week: i64, c: ConfusionKey) -> Result<()>;
    fn sound(&mut self, week: i64, kind: SoundKind, sound: &str, tries: u32, misses: u32) -> Result<()>;
    fn psc(&mut self, week: i64, band: &str, percent: f32) -> Result<()>;
}

fn add_syllable(
    db: &Connection,
    student: i64,
    attempt_key: i64,
    idx: usize,
    at: Timestamp,
    parsed: &Syllable,
    s: &SyllableOutcome,
) -> Result<()> {
    db.prepare_cached(include_str!("syllable_add.sql"))?.execute(params![
        attempt_key,
        idx as i64,
        student,
        at.millis(),
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
    Ok(())
}

fn add_confusion(db: &Connection, student: i64, week: Option<i64>, c: &ConfusionKey, count: u32) -> Result<()> {
    let (k, e, h, x, p, i) = (c.kind, &c.expected, &c.heard, &c.contrast, &c.pack, &c.item);
    match week {
        Some(week) => db
            .prepare_cached(include_str!("confusion_add.sql"))?
            .execute(params![student, week, k, e, h, x, p, i, count])?,
        None => db
            .prepare_cached(include_str!("confusion_total_add.sql"))?
            .execute(params![student, k, e, h, x, p, i, count])?,
    };
    Ok(())
}

fn add_sound(
    db: &Connection,
    student: i64,
    week: Option<i64>,
    kind: SoundKind,
    sound: &str,
    counts: (u32, u32),
) -> Result<()> {
    let (tries, misses) = counts;
    match week {
        Some(week) => db.prepare_cached(include_str!("sound_add.sql"))?.execute(params![
            student,
            kind.name(),
            sound,
            week,
            tries,
            misses
        ])?,
        None => db.prepare_cached(include_str!("total_add.sql"))?.execute(params![
            student,
            kind.name(),
            sound,
            tries,
            misses
        ])?,
    };
    Ok(())
}

fn add_psc(db: &Connection, student: i64, week: i64, band: &str, attempts: u32, percent_sum: f64) -> Result<()> {
    db.prepare_cached(include_str!("psc_add.sql"))?.execute(params![student, week, band, attempts, percent_sum])?;
    Ok(())
}

/// Writes through to the tables.
struct Direct<'a>(DbCards<'a>);

impl Cards for Direct<'_> {
    fn item_card(&mut self, pack: &PackId, item: &ItemId) -> Result<Option<(Card, f32)>> {
        self.0.item_card(pack, item)
    }
    fn put_item_card(&mut self, card: ItemCard<'_>) -> Result<()> {
        self.0.put_item_card(card)
    }
    fn focus_card(&mut self, focus: &str) -> Result<Option<Card>> {
        self.0.focus_card(focus)
    }
    fn put_focus_card(&mut self, focus: &str, card: &Card) -> Result<()> {
        self.0.put_focus_card(focus, card)
    }
}

impl Sink for Direct<'_> {
    fn syllable(&mut self, key: i64, idx: usize, at: Timestamp, parsed: &Syllable, s: &SyllableOutcome) -> Result<()> {
        add_syllable(self.0.db, self.0.student, key, idx, at, parsed, s)
    }
    fn confusion(&mut self, week: i64, c: ConfusionKey) -> Result<()> {
        add_confusion(self.0.db, self.0.student, Some(week), &c, 1)?;
        add_confusion(self.0.db, self.0.student, None, &c, 1)
    }
    fn sound(&mut self, week: i64, kind: SoundKind, sound: &str, tries: u32, misses: u32) -> Result<()> {
        add_sound(self.0.db, self.0.student, Some(week), kind, sound, (tries, misses))?;
        add_sound(self.0.db, self.0.student, None, kind, sound, (tries, misses))
    }
    fn psc(&mut self, week: i64, band: &str, percent: f32) -> Result<()> {
        add_psc(self.0.db, self.0.student, week, band, 1, f64::from(percent))
    }
}

/// One student's derived state, built in memory while their attempts are replayed and written
/// once by [`Tally::write`]. The narrow syllable rows need no tally and go straight in.
struct Tally<'a> {
    db: &'a Connection,
    student: i64,
    sounds: HashMap<(i64, SoundKind, String), (u32, u32)>,
    psc: HashMap<(i64, String), (u32, f64)>,
    confusions: HashMap<(i64, ConfusionKey), u32>,
    items: HashMap<(PackId, ItemId), (UnitId, Card, f32, f32)>,
    focus: HashMap<String, Card>,
}

impl<'a> Tally<'a> {
    fn new(db: &'a Connection, student: i64) -> Tally<'a> {
        Tally {
            db,
            student,
            sounds: HashMap::new(),
            psc: HashMap::new(),
            confusions: HashMap::new(),
            items: HashMap::new(),
            focus: HashMap::new(),
        }
    }

    /// Writes the tally into tables holding nothing of this student.
    fn write(self) -> Result<()> {
        let (db, student) = (self.db, self.student);
        let mut totals: HashMap<(SoundKind, &str), (u32, u32)> = HashMap::new();
        for ((week, kind, sound), counts) in &self.sounds {
            add_sound(db, student, Some(*week), *kind, sound, *counts)?;
            let t = totals.entry((*kind, sound)).or_default();
            t.0 += counts.0;
            t.1 += counts.1;
        }
        for ((kind, sound), counts) in totals {
            add_sound(db, student, None, kind, sound, counts)?;
        }
        let mut confusion_totals: HashMap<&ConfusionKey, u32> = HashMap::new();
        for ((week, c), count) in &self.confusions {
            add_confusion(db, student, Some(*week), c, *count)?;
            *confusion_totals.entry(c).or_default() += count;
        }
        for (c, count) in confusion_totals {
            add_confusion(db, student, None, c, count)?;
        }
        for ((week, band), (attempts, sum)) in &self.psc {
            add_psc(db, student, *week, band, *attempts, *sum)?;
        }
        for ((pack, item), (unit, card, best, last)) in &self.items {
            let c = ItemCard { pack, item, unit, card: *card, best: *best, last: *last };
            review::put_item_card(db, student, &c)?;
        }
        for (focus, card) in &self.focus {
            review::put_focus_card(db, student, focus, card)?;
        }
        Ok(())
    }
}

impl Cards for Tally<'_> {
    fn item_card(&mut self, pack: &PackId, item: &ItemId) -> Result<Option<(Card, f32)>> {
        Ok(self.items.get(&(pack.clone(), item.clone())).map(|(_, card, best, _)| (*card, *best)))
    }
    fn put_item_card(&mut self, c: ItemCard<'_>) -> Result<()> {
        self.items.insert((c.pack.clone(), c.item.clone()), (c.unit.clone(), c.card, c.best, c.last));
        Ok(())
    }
    fn focus_card(&mut self, focus: &str) -> Result<Option<Card>> {
        Ok(self.focus.get(focus).copied())
    }
    fn put_focus_card(&mut self, focus: &str, card: &Card) -> Result<()> {
        self.focus.insert(focus.to_owned(), *card);
        Ok(())
    }
}

impl Sink for Tally<'_> {
    fn syllable(&mut self, key: i64, idx: usize, at: Timestamp, parsed: &Syllable, s: &SyllableOutcome) -> Result<()> {
        add_syllable(self.db, self.student, key, idx, at, parsed, s)
    }
    fn confusion(&mut self, week: i64, c: ConfusionKey) -> Result<()> {
        *self.confusions.entry((week, c)).or_default() += 1;
        Ok(())
    }
    fn sound(&mut self, week: i64, kind: SoundKind, sound: &str, tries: u32, misses: u32) -> Result<()> {
        let e = self.sounds.entry((week, kind, sound.to_owned())).or_default();
        e.0 += tries;
        e.1 += misses;
        Ok(())
    }
    fn psc(&mut self, week: i64, band: &str, percent: f32) -> Result<()> {
        // Summed in the same order and precision as the table's `percent_sum + excluded.percent_sum`.
        let e = self.psc.entry((week, band.to_owned())).or_insert((0, 0.0));
        e.0 += 1;
        e.1 += f64::from(percent);
        Ok(())
    }
}

/// Writes everything derived from one attempt.
pub(crate) fn apply(db: &Connection, fsrs: &fsrs::FSRS, attempt_key: i64, f: &AttemptFacts<'_>) -> Result<()> {
    apply_to(&mut Direct(DbCards { db, student: f.student }), fsrs, attempt_key, f)
}

fn apply_to(sink: &mut impl Sink, fsrs: &fsrs::FSRS, attempt_key: i64, f: &AttemptFacts<'_>) -> Result<()> {
    for (idx, (parsed, s)) in f.syllables.iter().enumerate() {
        sink.syllable(attempt_key, idx, f.at, parsed, s)?;
    }
    if !f.counts {
        return Ok(());
    }
    let week = f.at.week();
    // (kind, sound) → (tries, misses), and focus → worst rating, for this attempt.
    let mut sounds: BTreeMap<(SoundKind, String), (u32, u32)> = BTreeMap::new();
    let mut focus: BTreeMap<Focus, Rating> = BTreeMap::new();
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
            // In connected speech the pitch's most likely tone often differs from a tone said
            // well; only a tone judged wrong is a miss.
            let missed = s.tone_ok.map_or(heard != s.tone_expected, |ok| !ok);
            count(SoundKind::Tone, &s.tone_expected.to_string(), missed);
            worsen(&mut focus, Focus::Tone(tone), rate(missed, s.verdict));
        }
        if let Some(p) = &s.problem {
            sink.confusion(
                week,
                ConfusionKey {
                    kind: p.kind.name(),
                    expected: p.expected.clone(),
                    heard: p.heard.clone().unwrap_or_default(),
                    contrast: p.contrast.clone().unwrap_or_default(),
                    pack: f.pack.clone(),
                    item: f.item.clone(),
                },
            )?;
        }
    }
    for ((kind, sound), (tries, misses)) in sounds {
        sink.sound(week, kind, &sound, tries, misses)?;
    }
    sink.psc(week, f.psc_band, f.psc_percent)?;
    review::review_item(sink, fsrs, (f.pack, f.unit, f.item), f.overall, f.at)?;
    for (focus, rating) in focus {
        review::review_focus(sink, fsrs, focus, rating, f.at)?;
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

/// Whose derived state to recompute.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope<'a> {
    Everyone,
    /// Students by local key, each once.
    Students(&'a [i64]),
}

const DERIVED_TABLES: [&str; 8] = [
    "attempt_syllables",
    "sound_stats",
    "sound_totals",
    "psc_stats",
    "confusion_stats",
    "confusion_totals",
    "item_reviews",
    "focus_reviews",
];

/// Recomputes derived state from attempts. Each student's attempts are replayed in time order
/// into a [`Tally`] and written once, so the cost is one pass over their attempts and one
/// write per derived row, whatever the number of students.
pub(crate) fn rebuild(db: &Connection, fsrs: &fsrs::FSRS, scope: Scope<'_>) -> Result<()> {
    match scope {
        Scope::Everyone => {
            for table in DERIVED_TABLES {
                db.execute(&format!("DELETE FROM {table}"), [])?;
            }
            let mut stmt = db.prepare(include_str!("replay_all.sql"))?;
            replay(db, fsrs, stmt.query([])?)
        }
        Scope::Students(students) => {
            for &student in students {
                for table in DERIVED_TABLES {
                    db.prepare_cached(&format!("DELETE FROM {table} WHERE student_key = ?1"))?.execute([student])?;
                }
                let mut stmt = db.prepare_cached(include_str!("replay.sql"))?;
                replay(db, fsrs, stmt.query([student])?)?;
            }
            Ok(())
        }
    }
}

/// Replays attempts ordered by student, then time, writing each student's tally when their
/// attempts end.
fn replay(db: &Connection, fsrs: &fsrs::FSRS, mut rows: rusqlite::Rows<'_>) -> Result<()> {
    let mut tally: Option<Tally<'_>> = None;
    while let Some(r) = rows.next()? {
        let attempt_key: i64 = r.get(0)?;
        let student: i64 = r.get(1)?;
        if tally.as_ref().is_some_and(|t| t.student != student) {
            tally.take().map(Tally::write).transpose()?;
        }
        let t = tally.get_or_insert_with(|| Tally::new(db, student));
        let quality: String = r.get(7)?;
        let json: String = r.get(8)?;
        let outcomes: Vec<SyllableOutcome> =
            serde_json::from_str(&json).map_err(StoreError::json("attempt syllables"))?;
        let (pack, unit, item) = (r.get(2)?, r.get(3)?, r.get(4)?);
        let psc_band: String = r.get(9)?;
        let facts = AttemptFacts {
            student,
            pack: &pack,
            unit: &unit,
            item: &item,
            at: Timestamp::from_millis(r.get(5)?),
            overall: r.get(6)?,
            psc_band: &psc_band,
            psc_percent: r.get(10)?,
            counts: crate::attempt::counts_for_progress(quality.split_whitespace()),
            syllables: parse_syllables(&outcomes)?,
        };
        apply_to(t, fsrs, attempt_key, &facts)?;
    }
    tally.map(Tally::write).transpose()?;
    Ok(())
}
