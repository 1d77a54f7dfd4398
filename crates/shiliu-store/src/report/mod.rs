//! What teachers and the app read: progress per unit, weakest sounds with their trend, the class
//! heatmap and most common confusions, PSC band trend.
//!
//! Every report reads the weekly statistics and review cards kept next to the attempts, never
//! the million attempt rows themselves, so each answers in milliseconds on a PC that has kept
//! years of a school's work.

mod class;
mod student;

pub use class::{Confusion, DrillSource, DrillSuggestion, Heatmap, HeatmapCell, StudentSummary};
pub use student::{PscWeek, RANK_RECENT_TRIES, SoundStat, Trend, UnitProgress};

use crate::derived::SoundKind;

/// A sound needs this many tries before a rate is reported for it.
pub const MIN_TRIES: u32 = 5;

/// Weeks that count as "recent" for the weakest-sounds ranking and trend.
pub const RECENT_WEEKS: i64 = 4;

/// Canonical order of sounds in tables: initials, then finals in textbook order, then tones.
pub(crate) fn sound_order(kind: SoundKind, sound: &str) -> (u8, usize) {
    let position = match kind {
        SoundKind::Initial => shiliu_pinyin::Initial::ALL.iter().position(|i| i.name() == sound),
        SoundKind::Final => shiliu_pinyin::Final::ALL.iter().position(|f| f.name() == sound),
        SoundKind::Tone => sound.parse::<usize>().ok(),
        SoundKind::Contrast => shiliu_pinyin::Contrast::ALL.iter().position(|c| c.name() == sound),
    };
    (kind as u8, position.unwrap_or(usize::MAX))
}

/// Misses over tries; `None` below [`MIN_TRIES`].
pub(crate) fn rate(tries: u32, misses: u32) -> Option<f32> {
    (tries >= MIN_TRIES).then(|| misses as f32 / tries as f32)
}
