//! Synthetic tone contours, generated from Chao's tone values with the variation real voices
//! show, to fit the tone model on.
//!
//! Nothing here is fitted to recordings. Each sample is a contour in drawing-scale semitones
//! (Chao level 3 = 0 st), frame by frame, made of:
//!
//! * key points of the tone in Chao levels with per-speaker and per-token jitter: 1 = 55,
//!   2 = 35 with its early dip, 3 as a full 214 or as a low 21(1) (isolated speakers use both,
//!   half thirds are 21), 4 = 51, neutral at the height the previous tone sets;
//! * a speaker's semitones per level (1.9–3.3, a 7.6–13 st range) and a small register drift;
//! * connected speech: compression towards the middle, declination, phrase-final lengthening,
//!   and carry-over coarticulation (the syllable starts where the previous one ended and
//!   approaches its own target within 20–50 ms, Xu 1997);
//! * onsets: a sonorant onset starts 1.5–4.5 st low and rises into the tone; a voiceless
//!   onset can start slightly high;
//! * endings: creak or fading voice that drops out of the track while still loud (common on
//!   third and fourth tones), frame jitter and the odd missing frame.

use shiliu_pinyin::Tone;

use crate::features::SyllablePitch;
use crate::rng::Rng;

/// Where a syllable sits in its phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// Said on its own.
    Isolated,
    /// First of a phrase with more to come.
    Initial,
    Medial,
    /// Last of a phrase of two or more.
    Final,
}

impl Position {
    pub const ALL: [Position; 4] = [Position::Isolated, Position::Initial, Position::Medial, Position::Final];

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    fn connected(self) -> bool {
        !matches!(self, Position::Isolated)
    }

    fn has_previous(self) -> bool {
        matches!(self, Position::Medial | Position::Final)
    }

    fn phrase_end(self) -> bool {
        matches!(self, Position::Isolated | Position::Final)
    }
}

/// One shape the model knows; a tone may have several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    High,
    Rising,
    /// 214: dips and rises again.
    Dipping,
    /// 21(1): low and falling or level, often creaky.
    LowFalling,
    Falling,
    /// Neutral after the given previous tone (`None` at the start of a phrase).
    Neutral(Option<Tone>),
}

/// Chao-level key points `(t, level)` of one token of a shape.
fn key_points(shape: Shape, position: Position, r: &mut Rng) -> Vec<(f32, f32)> {
    let j = |r: &mut Rng| r.gauss(0.0, 0.25);
    match shape {
        Shape::High => vec![(0.0, 5.0 + j(r)), (1.0, 5.0 + r.uniform(-0.5, 0.4))],
        Shape::Rising => {
            // Most of the rise comes late: the contour is convex after its early dip.
            let start = r.uniform(2.5, 3.5);
            let dip = (r.uniform(0.15, 0.45), start - r.uniform(0.0, 0.6));
            let knee = (r.uniform(0.55, 0.75), dip.1 + r.uniform(0.2, 1.0));
            vec![(0.0, start), dip, knee, (1.0, r.uniform(4.3, 5.5))]
        }
        Shape::Dipping => {
            let t_low = r.uniform(0.4, 0.65);
            let low = r.uniform(0.5, 1.3);
            vec![
                (0.0, r.uniform(1.8, 3.0)),
                (t_low, low),
                (t_low + r.uniform(0.05, 0.2), low),
                (1.0, r.uniform(2.5, 4.2)),
            ]
        }
        Shape::LowFalling => {
            let low = r.uniform(0.5, 1.3);
            vec![(0.0, r.uniform(1.8, 3.0)), (r.uniform(0.45, 0.8), low), (1.0, low + r.uniform(-0.3, 0.5))]
        }
        Shape::Falling => {
            // The fall may wait on a short high plateau and may bottom out before the end.
            let start = r.uniform(4.4, 5.4);
            let end = if position.phrase_end() { r.uniform(0.8, 2.0) } else { r.uniform(1.5, 3.0) };
            let bottom = r.uniform(0.6, 1.0);
            vec![
                (0.0, start),
                (r.uniform(0.05, 0.4), start + r.uniform(0.0, 0.3)),
                (bottom, end),
                (1.0, end + r.uniform(-0.2, 0.4)),
            ]
        }
        Shape::Neutral(previous) => {
            let h = neutral_height(previous) + j(r);
            vec![(0.0, h), (1.0, (h - r.uniform(0.2, 1.0)).max(0.5))]
        }
    }
}

/// Chao level of a neutral syllable after each tone (after 1 ≈ 2, 2 ≈ 3, 3 ≈ 4, 4 ≈ 1).
pub(crate) fn neutral_height(previous: Option<Tone>) -> f32 {
    match previous {
        Some(Tone::First) => 2.0,
        Some(Tone::Second) | None => 3.0,
        Some(Tone::Third) => 4.0,
        Some(Tone::Fourth) => 1.0,
        Some(Tone::Neutral) => 2.5,
    }
}

/// Cosine-eased interpolation, as the target curves use.
fn level_at(keys: &[(f32, f32)], t: f32) -> f32 {
    for pair in keys.windows(2) {
        let ((t0, l0), (t1, l1)) = (pair[0], pair[1]);
        if t <= t1 {
            let x = if t1 > t0 { ((t - t0) / (t1 - t0)).clamp(0.0, 1.0) } else { 1.0 };
            return l0 + (l1 - l0) * (1.0 - (x * std::f32::consts::PI).cos()) / 2.0;
        }
    }
    keys.last().map_or(3.0, |k| k.1)
}

/// Where the previous syllable ended, in Chao levels, for a randomly chosen previous tone.
fn previous_end(r: &mut Rng) -> f32 {
    match r.index(5) {
        0 | 1 => r.uniform(4.3, 5.2),
        2 => r.uniform(0.8, 1.6),
        3 => r.uniform(1.2, 2.8),
        _ => r.uniform(1.5, 3.5),
    }
}

/// One synthetic syllable of `shape` at `position`.
/// Also says whether it was given a sonorant onset.
pub(crate) fn sample(shape: Shape, position: Position, r: &mut Rng) -> (SyllablePitch, bool) {
    let per_level = r.uniform(1.9, 3.3);
    let compress = match position {
        Position::Isolated => 1.0,
        Position::Final => r.uniform(0.75, 1.0),
        Position::Initial | Position::Medial => r.uniform(0.6, 0.9),
    };
    let declination = if position.has_previous() { r.uniform(0.0, 1.5) } else { 0.0 };
    let shift = r.gauss(0.0, 0.7) - declination;
    let to_st = |level: f32| (level - 3.0) * per_level * compress + shift;

    // Durations in 10 ms frames of the voiced, tone-bearing part.
    let (frames, dur_ratio) = if position.connected() {
        let typical = r.uniform(14.0, 22.0);
        let mut ratio = match shape {
            Shape::Neutral(_) => r.uniform(0.4, 0.85),
            _ => r.uniform(0.6, 1.5),
        };
        if position == Position::Final && !matches!(shape, Shape::Neutral(_)) {
            ratio *= r.uniform(1.0, 1.4);
        }
        ((typical * ratio).round().max(5.0) as usize, ratio)
    } else {
        let (lo, hi) = match shape {
            Shape::High => (26.0, 42.0),
            Shape::Rising => (22.0, 38.0),
            Shape::Dipping => (40.0, 70.0),
            Shape::LowFalling => (28.0, 55.0),
            Shape::Falling => (14.0, 30.0),
            Shape::Neutral(_) => (8.0, 16.0),
        };
        // Speakers read at their own tempo.
        let tempo = r.uniform(0.75, 1.4);
        ((r.uniform(lo, hi) * tempo).round() as usize, 1.0)
    };

    let keys = key_points(shape, position, r);
    let voiced_onset = r.chance(0.4);
    // Sonorant onsets hold low through the consonant and glide into the tone over 40–140 ms;
    // voiceless ones may start a little high after the release.
    let (onset_offset, onset_frames) = if voiced_onset {
        (-r.uniform(1.5, 6.0), r.uniform(4.0, 14.0))
    } else {
        (r.uniform(-0.5, 1.5), r.uniform(1.0, 4.0))
    };
    let onset_frames = onset_frames.min(0.4 * frames as f32);
    // Voice offsets wander: the last 10–25 % may rise or fall by up to ~2 st.
    let (offset_share, offset_shift) =
        if r.chance(0.5) { (r.uniform(0.1, 0.25), r.gauss(0.0, 1.2)) } else { (0.0, 0.0) };
    let coart = if position.has_previous() {
        let from = to_st(previous_end(r));
        Some((from - to_st(keys[0].1), r.uniform(3.0, 8.0)))
    } else {
        None
    };

    let (tail_chance, tail_range) = match (shape, position.phrase_end()) {
        (Shape::Falling, true) => (0.5, (0.1, 0.55)),
        (Shape::Falling, false) => (0.2, (0.1, 0.3)),
        (Shape::LowFalling, _) => (0.5, (0.1, 0.5)),
        (Shape::Dipping, _) => (0.25, (0.05, 0.25)),
        (Shape::Neutral(_), _) => (0.3, (0.1, 0.4)),
        _ => (0.1, (0.05, 0.2)),
    };
    let tail = if r.chance(tail_chance) { r.uniform(tail_range.0, tail_range.1) } else { 0.0 };
    let voiced_frames = ((frames as f32) * (1.0 - tail)).round().max(3.0) as usize;
    // A quick, clipped fourth tone: the voice fades out early in the fall, leaving only its
    // high start and the first semitone or two of the fall to track.
    let kept_frames = if shape == Shape::Falling && position.phrase_end() && tail == 0.0 && r.chance(0.3) {
        ((frames as f32) * r.uniform(0.35, 0.6)).round().max(4.0) as usize
    } else {
        frames
    };
    let jitter = r.uniform(0.15, 0.4);

    let mut st = Vec::with_capacity(frames + 4);
    let mut loud = Vec::with_capacity(frames + 4);
    // A short unvoiced, quiet lead-in, as segmentation leaves before the first voiced frame.
    st.push(None);
    loud.push(false);
    for i in 0..kept_frames {
        let t = i as f32 / (frames - 1).max(1) as f32;
        let k = i as f32;
        let mut v = to_st(level_at(&keys, t));
        if k < onset_frames {
            v += onset_offset * (1.0 + (std::f32::consts::PI * k / onset_frames).cos()) / 2.0;
        }
        if offset_share > 0.0 && t > 1.0 - offset_share {
            v += offset_shift * (t - (1.0 - offset_share)) / offset_share;
        }
        if let Some((offset, tau)) = coart {
            v += offset * (-k / tau).exp();
        }
        v += r.gauss(0.0, jitter);
        let voiced = i < voiced_frames && !r.chance(0.03);
        st.push(voiced.then_some(v));
        loud.push(true);
    }
    st.push(None);
    loud.push(false);
    (SyllablePitch { st, loud, dur_ratio }, voiced_onset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::features;

    fn mean_feature(shape: Shape, position: Position, index: usize) -> f32 {
        let mut r = Rng::new(3);
        let xs: Vec<f32> = (0..300)
            .filter_map(|_| {
                let (s, onset) = sample(shape, position, &mut r);
                features(&s, onset, position != Position::Isolated)
            })
            .map(|f| f[index])
            .collect();
        xs.iter().sum::<f32>() / xs.len() as f32
    }

    #[test]
    fn synthetic_tones_have_their_chao_heights() {
        let level = |s| mean_feature(s, Position::Isolated, 0);
        assert!(level(Shape::High) > 3.5);
        assert!(level(Shape::LowFalling) < -3.0);
        assert!(level(Shape::Dipping) < level(Shape::Rising));
    }

    #[test]
    fn fourth_tones_fall_and_second_tones_rise_late() {
        let drop =
            mean_feature(Shape::Falling, Position::Medial, 1) - mean_feature(Shape::Falling, Position::Medial, 2);
        assert!(drop > 3.0, "{drop}");
        assert!(mean_feature(Shape::Rising, Position::Isolated, 5) > 3.0);
    }

    #[test]
    fn neutral_after_third_sits_higher_than_after_fourth() {
        let h3 = mean_feature(Shape::Neutral(Some(Tone::Third)), Position::Final, 0);
        let h4 = mean_feature(Shape::Neutral(Some(Tone::Fourth)), Position::Final, 0);
        assert!(h3 > h4 + 3.0, "{h3} {h4}");
    }
}
