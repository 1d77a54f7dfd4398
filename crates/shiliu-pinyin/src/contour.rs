//! Target pitch curves for surface syllables, for drawing and for lesson packs.
//!
//! Pitch is on a speaker-independent scale: Chao's five levels mapped to semitones around the
//! middle of the speaker's range (level 3 = 0 st, each level 2.5 st, so a fourth tone falls about
//! 10 st). The scorer normalises a learner's pitch to the same scale before comparing.
//!
//! Each tone is a few key points in Chao levels joined by cosine easing: 1 = 55, 2 = 35 with the
//! small dip real second tones have at the start, 3 = 214 (21 as a half third), 4 = 51. A neutral
//! syllable has no contour of its own: it sits at a height set by the tone before it (after 1 ≈ 2,
//! after 2 ≈ 3, after 3 ≈ 4, after 4 ≈ 1) and falls slightly. Pitch drifts down through a phrase
//! (declination, 0.12 st a syllable, at most 1.5 st) and resets after punctuation.

use serde::{Deserialize, Serialize};

use crate::sandhi::SurfaceSyllable;
use crate::tone::Tone;

/// How many points each syllable's curve has, including both ends.
pub const POINTS_PER_SYLLABLE: usize = 10;
/// Semitones between adjacent Chao levels.
pub const SEMITONES_PER_LEVEL: f32 = 2.5;
const DECLINATION_PER_SYLLABLE: f32 = 0.12;
const MAX_DECLINATION: f32 = 1.5;

/// One point of a target curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ContourPoint {
    /// Index into the surface syllables the curve was made from.
    pub syllable_index: usize,
    /// Position within the syllable, 0 at its start to 1 at its end.
    pub t: f32,
    /// Pitch relative to the middle of the speaker's range.
    pub semitones: f32,
}

/// Converts a Chao level (1 low … 5 high) to semitones around the middle of the range.
pub fn chao_to_semitones(level: f32) -> f32 {
    (level - 3.0) * SEMITONES_PER_LEVEL
}

/// Key points (t, Chao level) of one syllable's target.
fn key_points(tone: Tone, half_third: bool, neutral_height: f32) -> Vec<(f32, f32)> {
    match tone {
        Tone::First => vec![(0.0, 5.0), (1.0, 5.0)],
        Tone::Second => vec![(0.0, 3.0), (0.3, 2.8), (1.0, 5.0)],
        Tone::Third if half_third => vec![(0.0, 2.0), (0.5, 1.0), (1.0, 1.0)],
        Tone::Third => vec![(0.0, 2.0), (0.45, 1.0), (0.6, 1.0), (1.0, 4.0)],
        Tone::Fourth => vec![(0.0, 5.0), (1.0, 1.0)],
        Tone::Neutral => vec![(0.0, neutral_height), (1.0, (neutral_height - 0.5).max(1.0))],
    }
}

/// Cosine-eased interpolation between key points, which gives the smooth turns of real contours.
fn level_at(keys: &[(f32, f32)], t: f32) -> f32 {
    for pair in keys.windows(2) {
        let ((t0, l0), (t1, l1)) = (pair[0], pair[1]);
        if t <= t1 {
            let x = if t1 > t0 { ((t - t0) / (t1 - t0)).clamp(0.0, 1.0) } else { 1.0 };
            let eased = (1.0 - (x * std::f32::consts::PI).cos()) / 2.0;
            return l0 + (l1 - l0) * eased;
        }
    }
    keys.last().map_or(3.0, |k| k.1)
}

/// Where a neutral syllable sits, from the surface tone before it in the same phrase.
fn neutral_height(previous: Option<(Tone, f32)>) -> f32 {
    match previous {
        None => 3.0,
        Some((Tone::First, _)) => 2.0,
        Some((Tone::Second, _)) => 3.0,
        Some((Tone::Third, _)) => 4.0,
        Some((Tone::Fourth, _)) => 1.0,
        // A run of neutral syllables steps down from the one before.
        Some((Tone::Neutral, height)) => (height - 0.5).max(1.0),
    }
}

/// The target pitch curve of a sequence of surface syllables, [`POINTS_PER_SYLLABLE`] points
/// each.
pub fn target_contour(syllables: &[SurfaceSyllable]) -> Vec<ContourPoint> {
    let mut out = Vec::with_capacity(syllables.len() * POINTS_PER_SYLLABLE);
    let mut previous: Option<(Tone, f32)> = None;
    let mut position_in_phrase = 0usize;
    for (index, s) in syllables.iter().enumerate() {
        if index > 0 && syllables[index - 1].phrase != s.phrase {
            previous = None;
            position_in_phrase = 0;
        }
        let tone = s.syllable.tone;
        let height = neutral_height(previous);
        let keys = key_points(tone, s.half_third, height);
        let declination = (DECLINATION_PER_SYLLABLE * position_in_phrase as f32).min(MAX_DECLINATION);
        for j in 0..POINTS_PER_SYLLABLE {
            let t = j as f32 / (POINTS_PER_SYLLABLE - 1) as f32;
            let semitones = chao_to_semitones(level_at(&keys, t)) - declination;
            out.push(ContourPoint { syllable_index: index, t, semitones });
        }
        previous = Some((tone, height));
        position_in_phrase += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hanzi::{readings_from_pinyin, to_pinyin};
    use crate::sandhi::surface;

    fn curve(pinyin: &str) -> Vec<Vec<f32>> {
        let points = target_contour(&surface(&readings_from_pinyin(pinyin).unwrap()));
        let n = points.iter().map(|p| p.syllable_index).max().map_or(0, |m| m + 1);
        (0..n).map(|i| points.iter().filter(|p| p.syllable_index == i).map(|p| p.semitones).collect()).collect()
    }

    fn min(v: &[f32]) -> f32 {
        v.iter().copied().fold(f32::INFINITY, f32::min)
    }

    #[test]
    fn every_syllable_gets_ten_points_from_zero_to_one() {
        let points = target_contour(&surface(&to_pinyin("你好吗")));
        assert_eq!(points.len(), 3 * POINTS_PER_SYLLABLE);
        for chunk in points.chunks(POINTS_PER_SYLLABLE) {
            assert_eq!(chunk[0].t, 0.0);
            assert_eq!(chunk[POINTS_PER_SYLLABLE - 1].t, 1.0);
            assert!(chunk.iter().all(|p| p.syllable_index == chunk[0].syllable_index));
        }
    }

    #[test]
    fn first_tone_is_high_and_level() {
        let c = &curve("ma1")[0];
        assert!(c.iter().all(|&s| (s - 5.0).abs() < 1e-4), "{c:?}");
    }

    #[test]
    fn second_tone_rises_from_mid_to_high() {
        let c = &curve("ma2")[0];
        assert!(c[9] - c[0] > 4.5, "{c:?}");
        assert!(min(c) < c[0], "the early dip is there: {c:?}");
    }

    #[test]
    fn full_third_tone_dips_then_rises_above_its_start() {
        let c = &curve("ma3")[0];
        let low = min(c);
        assert!(low < c[0] && low < c[9], "{c:?}");
        assert!(c[9] > c[0], "{c:?}");
        assert!((low - chao_to_semitones(1.0)).abs() < 0.3, "{c:?}");
    }

    #[test]
    fn half_third_tone_falls_and_stays_low() {
        let c = &curve("lao3 shi1")[0];
        assert!(c[9] < c[0], "{c:?}");
        assert!((c[9] - min(c)).abs() < 1e-3, "{c:?}");
    }

    #[test]
    fn fourth_tone_falls_from_top_to_bottom() {
        let c = &curve("ma4")[0];
        assert!((c[0] - c[9] - 4.0 * SEMITONES_PER_LEVEL).abs() < 1e-3, "{c:?}");
    }

    #[test]
    fn neutral_tone_height_depends_on_the_tone_before() {
        let after_first = curve("ma1 ma5")[1][0];
        let after_third = curve("hao3 le5")[1][0];
        let after_fourth = curve("kan4 le5")[1][0];
        assert!(after_third > after_first && after_first > after_fourth);
    }

    #[test]
    fn declination_lowers_later_syllables_and_resets_at_punctuation() {
        let c = curve("ma1 ma1 ma1, ma1");
        assert!(c[2][0] < c[0][0]);
        assert_eq!(c[3][0], c[0][0]);
    }

    #[test]
    fn contour_points_serialise() {
        let p = ContourPoint { syllable_index: 1, t: 0.5, semitones: -2.5 };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"syllable_index":1,"t":0.5,"semitones":-2.5}"#);
    }
}
