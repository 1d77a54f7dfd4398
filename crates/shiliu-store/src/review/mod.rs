//! Spaced review with FSRS (the scheduler Anki uses) over items and over sound contrasts.
//!
//! **Items.** Each attempt reviews its item; the attempt's overall score (0–100) becomes the
//! FSRS rating:
//!
//! | overall score | rating | why |
//! |---|---|---|
//! | below 60 | Again | PSC and Azure treat a reading under 60 as mispronounced |
//! | 60 – < 75 | Hard | understood, with clear faults |
//! | 75 – < 90 | Good | |
//! | 90 and above | Easy | |
//!
//! **Contrasts and tones.** A syllable exercises the contrasts along which it could be confused
//! (`shiliu_pinyin::confusable_neighbours`: 师 exercises zh/z and -n/-ng… ) and its own tone.
//! Per attempt, each exercised [`Focus`] is rated Again when a syllable missed it (the scorer
//! named that contrast, or heard another tone), Hard when a syllable exercising it was only a
//! defect, else Good — never Easy, so a drilled contrast keeps coming back at a moderate pace.
//! A focus card is created on the first miss (a contrast never missed needs no drill) and counts
//! as *weak* once it is due and has been missed on at least [`WEAK_AFTER_LAPSES`] attempts: one
//! slip is noise, a student who "keeps missing it across items" gets drills.
//!
//! Recordings with nothing said (`no_speech`) or another text read (`wrong_text`) move no card.

mod next;

pub use next::{Curriculum, CurriculumItem, CurriculumUnit, NextItem, NextReason};

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use shiliu_pinyin::{Contrast, Tone};

use crate::error::{Result, StoreError};
use crate::ids::{ItemId, PackId, UnitId};
use crate::time::Timestamp;

/// The probability of recall FSRS schedules for.
pub const DESIRED_RETENTION: f32 = 0.9;

/// A focus is weak once missed on this many attempts (and due).
pub const WEAK_AFTER_LAPSES: u32 = 2;

/// An item scoring at least this has been mastered (progress reports).
pub const MASTERED_SCORE: f32 = 80.0;

/// An FSRS answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    /// The rating an overall score earns (see the module documentation).
    pub fn for_score(score: f32) -> Rating {
        match score {
            s if s < 60.0 => Rating::Again,
            s if s < 75.0 => Rating::Hard,
            s if s < 90.0 => Rating::Good,
            _ => Rating::Easy,
        }
    }

    fn from_number(n: u8) -> Rating {
        match n {
            1 => Rating::Again,
            2 => Rating::Hard,
            4 => Rating::Easy,
            _ => Rating::Good,
        }
    }
}

/// A sound contrast or a tone, as reviewed and as lesson items declare their focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Focus {
    /// A segmental contrast (`n_l`, `flat_retroflex`…). `Contrast::Tone` means "any tone".
    Contrast(Contrast),
    /// One tone, 1–4 or neutral.
    Tone(Tone),
}

impl Focus {
    /// The stable name: the contrast's name, or `tone1`…`tone4`, `tone5` for neutral.
    pub fn name(self) -> String {
        match self {
            Focus::Contrast(c) => c.name().to_owned(),
            Focus::Tone(t) => format!("tone{}", t.number()),
        }
    }

    pub fn from_name(name: &str) -> Result<Focus> {
        if let Some(n) = name.strip_prefix("tone").filter(|n| !n.is_empty()) {
            let tone = n.parse().ok().and_then(Tone::from_number);
            return tone
                .map(Focus::Tone)
                .ok_or_else(|| StoreError::invalid("focus", format!("{name:?} is not a tone")));
        }
        Contrast::from_name(name).map(Focus::Contrast).map_err(|e| StoreError::invalid("focus", e.to_string()))
    }

    /// Whether an item declaring `self` drills `wanted` (`Contrast::Tone` drills every tone).
    pub fn covers(self, wanted: Focus) -> bool {
        self == wanted || (self == Focus::Contrast(Contrast::Tone) && matches!(wanted, Focus::Tone(_)))
    }
}

impl std::fmt::Display for Focus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// One FSRS card's state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Card {
    pub stability: f32,
    pub difficulty: f32,
    pub due: Timestamp,
    pub last: Timestamp,
    pub reps: u32,
    pub lapses: u32,
    pub last_rating: Rating,
}

fn row_to_card(r: &Row<'_>) -> rusqlite::Result<Card> {
    Ok(Card {
        stability: r.get(0)?,
        difficulty: r.get(1)?,
        due: Timestamp::from_millis(r.get(2)?),
        last: Timestamp::from_millis(r.get(3)?),
        reps: r.get(4)?,
        lapses: r.get(5)?,
        last_rating: Rating::from_number(r.get(6)?),
    })
}

/// Reviews `card` (or a new card) with `rating` at time `at`.
pub(crate) fn schedule(fsrs: &fsrs::FSRS, card: Option<&Card>, rating: Rating, at: Timestamp) -> Result<Card> {
    let memory = card.map(|c| fsrs::MemoryState { stability: c.stability, difficulty: c.difficulty });
    let elapsed = card.map_or(0, |c| at.days_since(c.last));
    let next = fsrs.next_states(memory, DESIRED_RETENTION, elapsed).map_err(|e| StoreError::Review(e.to_string()))?;
    let state = match rating {
        Rating::Again => next.again,
        Rating::Hard => next.hard,
        Rating::Good => next.good,
        Rating::Easy => next.easy,
    };
    // A failed card comes back within the day (but not within the same lesson); a passed one
    // after whole days, as Anki does.
    let days = match rating {
        Rating::Again => f64::from(state.interval).max(10.0 / 1440.0),
        _ => f64::from(state.interval.round().max(1.0)),
    };
    let last = card.map_or(at, |c| c.last.max(at));
    Ok(Card {
        stability: state.memory.stability,
        difficulty: state.memory.difficulty,
        due: at.plus_days(days),
        last,
        reps: card.map_or(0, |c| c.reps) + 1,
        lapses: card.map_or(0, |c| c.lapses) + u32::from(rating == Rating::Again),
        last_rating: rating,
    })
}

/// Where review cards are read and written: the tables themselves (an attempt being saved), or
/// one student's cards held in memory while their attempts are replayed (a rebuild).
pub(crate) trait Cards {
    /// The item's card and best score so far.
    fn item_card(&mut self, pack: &PackId, item: &ItemId) -> Result<Option<(Card, f32)>>;
    fn put_item_card(&mut self, card: ItemCard<'_>) -> Result<()>;
    fn focus_card(&mut self, focus: &str) -> Result<Option<Card>>;
    fn put_focus_card(&mut self, focus: &str, card: &Card) -> Result<()>;
}

/// An item card as written.
pub(crate) struct ItemCard<'a> {
    pub pack: &'a PackId,
    pub item: &'a ItemId,
    pub unit: &'a UnitId,
    pub card: Card,
    pub best: f32,
    pub last: f32,
}

/// One student's cards in the database.
pub(crate) struct DbCards<'a> {
    pub db: &'a Connection,
    pub student: i64,
}

impl Cards for DbCards<'_> {
    fn item_card(&mut self, pack: &PackId, item: &ItemId) -> Result<Option<(Card, f32)>> {
        Ok(self
            .db
            .prepare_cached(include_str!("item_card_get.sql"))?
            .query_row(params![self.student, pack, item], |r| Ok((row_to_card(r)?, r.get(7)?)))
            .optional()?)
    }

    fn put_item_card(&mut self, c: ItemCard<'_>) -> Result<()> {
        put_item_card(self.db, self.student, &c)
    }

    fn focus_card(&mut self, focus: &str) -> Result<Option<Card>> {
        Ok(self
            .db
            .prepare_cached(include_str!("focus_card_get.sql"))?
            .query_row(params![self.student, focus], row_to_card)
            .optional()?)
    }

    fn put_focus_card(&mut self, focus: &str, card: &Card) -> Result<()> {
        put_focus_card(self.db, self.student, focus, card)
    }
}

pub(crate) fn put_item_card(db: &Connection, student: i64, c: &ItemCard<'_>) -> Result<()> {
    db.prepare_cached(include_str!("item_card_put.sql"))?.execute(params![
        student,
        c.pack,
        c.item,
        c.unit,
        c.card.stability,
        c.card.difficulty,
        c.card.due.millis(),
        c.card.last.millis(),
        c.card.reps,
        c.card.lapses,
        c.card.last_rating as u8,
        c.best,
        c.last
    ])?;
    Ok(())
}

pub(crate) fn put_focus_card(db: &Connection, student: i64, focus: &str, card: &Card) -> Result<()> {
    db.prepare_cached(include_str!("focus_card_put.sql"))?.execute(params![
        student,
        focus,
        card.stability,
        card.difficulty,
        card.due.millis(),
        card.last.millis(),
        card.reps,
        card.lapses,
        card.last_rating as u8
    ])?;
    Ok(())
}

/// Reviews the student's card for an item.
pub(crate) fn review_item(
    cards: &mut impl Cards,
    fsrs: &fsrs::FSRS,
    (pack, unit, item): (&PackId, &UnitId, &ItemId),
    score: f32,
    at: Timestamp,
) -> Result<()> {
    let old = cards.item_card(pack, item)?;
    let card = schedule(fsrs, old.as_ref().map(|(c, _)| c), Rating::for_score(score), at)?;
    let best = old.map_or(score, |(_, best)| best.max(score));
    cards.put_item_card(ItemCard { pack, item, unit, card, best, last: score })
}

/// Reviews the student's card for a contrast or tone; a card is only created by a miss.
pub(crate) fn review_focus(
    cards: &mut impl Cards,
    fsrs: &fsrs::FSRS,
    focus: Focus,
    rating: Rating,
    at: Timestamp,
) -> Result<()> {
    let name = focus.name();
    let old = cards.focus_card(&name)?;
    if old.is_none() && rating != Rating::Again {
        return Ok(());
    }
    let card = schedule(fsrs, old.as_ref(), rating, at)?;
    cards.put_focus_card(&name, &card)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_map_to_ratings_at_the_documented_thresholds() {
        assert_eq!(Rating::for_score(0.0), Rating::Again);
        assert_eq!(Rating::for_score(59.9), Rating::Again);
        assert_eq!(Rating::for_score(60.0), Rating::Hard);
        assert_eq!(Rating::for_score(75.0), Rating::Good);
        assert_eq!(Rating::for_score(90.0), Rating::Easy);
        assert_eq!(Rating::for_score(100.0), Rating::Easy);
    }

    #[test]
    fn a_failed_item_comes_back_sooner_than_a_passed_one() {
        let fsrs = fsrs::FSRS::new(&[]).unwrap();
        let t0 = Timestamp::from_millis(1_700_000_000_000);
        let good = schedule(&fsrs, None, Rating::Good, t0).unwrap();
        let again = schedule(&fsrs, None, Rating::Again, t0).unwrap();
        assert!(again.due < good.due);
        assert!(again.due > t0);
        assert!(good.due >= t0.plus_days(1.0));
        let later = schedule(&fsrs, Some(&good), Rating::Good, good.due).unwrap();
        assert!(later.due.millis() - good.due.millis() > good.due.millis() - t0.millis(), "intervals grow");
        assert_eq!(later.reps, 2);
        let lapse = schedule(&fsrs, Some(&later), Rating::Again, later.due).unwrap();
        assert_eq!(lapse.lapses, 1);
    }

    #[test]
    fn focus_names_read_back() {
        for f in [Focus::Contrast(Contrast::NasalLateral), Focus::Tone(Tone::Third), Focus::Tone(Tone::Neutral)] {
            assert_eq!(Focus::from_name(&f.name()).unwrap(), f);
        }
        assert_eq!(Focus::Tone(Tone::Third).name(), "tone3");
        assert!(Focus::from_name("tone9").is_err());
        assert!(Focus::Contrast(Contrast::Tone).covers(Focus::Tone(Tone::Second)));
    }
}
