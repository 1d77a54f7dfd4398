//! Tone classification of one syllable: what tone was *heard*.
//!
//! The expected tone is never a prior here: all four tones (and the neutral tone, when the
//! syllable is not said alone) start equal, so a wrong tone is heard as wrong. The context only
//! says how each tone would look in this place:
//!
//! * a third tone expected as a half third (21) is mostly low-falling; at the end of a phrase
//!   it is mostly a full dip-and-rise (214), though low creaky endings are common too;
//! * a neutral syllable's height depends on the tone before it;
//! * a sonorant onset (m n l r, zero initial) rises into the tone, so its first frames count
//!   less;
//! * the position in the phrase sets how compressed and coarticulated contours are.

use serde::{Deserialize, Serialize};
use shiliu_pinyin::{Initial, Tone};

use crate::features::{DIM, SyllablePitch, features};
use crate::model::model;
use crate::profile::Reference;
use crate::synth::{Position, Shape};

/// What the classifier may know about a syllable besides its pitch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ToneContext {
    /// The surface tone expected (after sandhi); used only to interpret a third tone as half.
    pub expected: Tone,
    /// The expected third tone is a half third (21).
    pub half_third: bool,
    pub position: Position,
    /// The expected initial: sonorant onsets get their first frames discounted.
    pub initial: Initial,
    /// The expected surface tone of the syllable before, in the same phrase.
    pub previous: Option<Tone>,
}

/// Whether an initial is voiced (a sonorant or no consonant), so F0 starts before the vowel.
pub fn has_voiced_onset(initial: Initial) -> bool {
    matches!(initial, Initial::M | Initial::N | Initial::L | Initial::R | Initial::Zero)
}

/// What the classifier heard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ToneEstimate {
    /// The most probable tone; `None` when the syllable had too little voicing to judge.
    pub heard: Option<Tone>,
    /// Probabilities of tones 1, 2, 3, 4 and neutral (index = tone number − 1).
    pub probs: [f32; 5],
    /// Probability of the heard tone (0 when nothing was heard).
    pub confidence: f32,
    /// Probability of a neutral tone had one been weighed at its usual rate. Where a full tone
    /// is expected `probs` leaves neutral out (natives reduce unstressed full tones towards
    /// neutral all the time); this is for telling two readings apart (东西 xi1 or xi5).
    #[serde(default)]
    pub neutral_if_weighed: f32,
}

impl ToneEstimate {
    pub(crate) fn unheard() -> ToneEstimate {
        ToneEstimate { heard: None, probs: [0.0; 5], confidence: 0.0, neutral_if_weighed: 0.0 }
    }

    /// The probabilities with neutral weighed at its usual rate wherever it was left out; the
    /// full tones keep their ratios to one another.
    pub fn probs_with_neutral(&self) -> [f32; 5] {
        if self.probs[4] > 0.0 || self.neutral_if_weighed <= 0.0 {
            return self.probs;
        }
        let full = 1.0 - self.neutral_if_weighed;
        std::array::from_fn(|i| if i == 4 { self.neutral_if_weighed } else { self.probs[i] * full })
    }

    /// Normalises unnormalised log posteriors of tones 1–4 and neutral (`-inf` where a tone
    /// is impossible); the most probable is what was heard.
    pub(crate) fn from_log_posteriors(logs: &[f64]) -> ToneEstimate {
        let best = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !best.is_finite() {
            return ToneEstimate::unheard();
        }
        let weights: Vec<f64> = logs.iter().map(|l| (l - best).exp()).collect();
        let total: f64 = weights.iter().sum();
        let probs: [f32; 5] = std::array::from_fn(|i| weights.get(i).map_or(0.0, |w| (w / total) as f32));
        let (i, &confidence) = probs.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap_or((0, &0.0));
        ToneEstimate { heard: Tone::from_number(i as u8 + 1), probs, confidence, neutral_if_weighed: probs[4] }
    }

    /// Probability given to one tone.
    pub fn prob(&self, tone: Tone) -> f32 {
        self.probs[tone.number() as usize - 1]
    }
}

/// Mixture weights of the third tone's two shapes (dipping 214, low-falling 21) in a context.
fn third_tone_weights(context: &ToneContext) -> [(Shape, f64); 2] {
    let dipping = if context.half_third {
        0.15
    } else if matches!(context.position, Position::Isolated | Position::Final) {
        0.6
    } else {
        0.5
    };
    [(Shape::Dipping, dipping), (Shape::LowFalling, 1.0 - dipping)]
}

fn log_sum_exp(xs: &[f64]) -> f64 {
    let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// The shapes that make up each tone in a context, with their weights.
fn tone_shapes(tone: Tone, context: &ToneContext) -> Vec<(Shape, f64)> {
    match tone {
        Tone::First => vec![(Shape::High, 1.0)],
        Tone::Second => vec![(Shape::Rising, 1.0)],
        Tone::Third => third_tone_weights(context).to_vec(),
        Tone::Fourth => vec![(Shape::Falling, 1.0)],
        Tone::Neutral => {
            let previous = if matches!(context.position, Position::Initial) { None } else { context.previous };
            vec![(Shape::Neutral(previous), 1.0)]
        }
    }
}

fn tone_log_likelihood(x: &[f32; DIM], tone: Tone, context: &ToneContext, shift_var: f64) -> Option<f64> {
    let m = model();
    let terms: Vec<f64> = tone_shapes(tone, context)
        .into_iter()
        .filter_map(|(shape, w)| m.get(context.position, shape).map(|g| w.ln() + g.log_pdf(x, shift_var)))
        .collect();
    (!terms.is_empty()).then(|| log_sum_exp(&terms))
}

/// How common each tone is, whatever was expected: in connected speech roughly one syllable in
/// ten is neutral and the full tones share the rest; a syllable said alone is never neutral.
pub(crate) fn base_rate(tone: Tone, position: Position) -> f64 {
    match (tone, position) {
        (Tone::Neutral, Position::Isolated) => 1e-9,
        (_, Position::Isolated) => 0.25,
        (Tone::Neutral, _) => 0.1,
        _ => 0.225,
    }
}

/// Fits the tone model now rather than on the first classification (a few ms; call it at
/// start-up off the UI thread if the first attempt must be fast).
pub fn prepare() {
    let _ = model();
}

/// Classifies one syllable's pitch.
pub fn classify(pitch: &SyllablePitch, context: &ToneContext, reference: &Reference) -> ToneEstimate {
    let connected = context.position != Position::Isolated;
    let Some(x) = features(pitch, has_voiced_onset(context.initial), connected) else {
        return ToneEstimate::unheard();
    };
    classify_features(&x, context, reference)
}

pub(crate) fn classify_features(x: &[f32; DIM], context: &ToneContext, reference: &Reference) -> ToneEstimate {
    let shift_var = (reference.uncertainty_st as f64).powi(2);
    let logs: Vec<f64> = Tone::ALL
        .iter()
        .map(|&t| {
            tone_log_likelihood(x, t, context, shift_var)
                .map_or(f64::NEG_INFINITY, |l| l + base_rate(t, context.position).ln())
        })
        .collect();
    ToneEstimate::from_log_posteriors(&logs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ReferenceSource;
    use crate::synth::neutral_height;

    /// A known speaker: centre at 0 st, little uncertainty.
    fn profile_reference() -> Reference {
        Reference { centre_st: 0.0, scale: 1.0, uncertainty_st: 1.0, source: ReferenceSource::Profile }
    }

    /// A contour through Chao-level key points (2.5 st a level), `frames` long, with a
    /// deterministic wobble, an optional sonorant onset rise and an optional creaky tail.
    fn contour(keys: &[(f32, f32)], frames: usize, onset_rise: f32, creaky_tail: f32) -> SyllablePitch {
        let voiced = ((frames as f32) * (1.0 - creaky_tail)).round() as usize;
        let mut st = vec![None];
        let mut loud = vec![false];
        for i in 0..frames {
            let t = i as f32 / (frames - 1) as f32;
            let level = keys
                .windows(2)
                .find(|w| t <= w[1].0)
                .map_or(keys[keys.len() - 1].1, |w| w[0].1 + (w[1].1 - w[0].1) * (t - w[0].0) / (w[1].0 - w[0].0));
            let onset = if i < 8 { -onset_rise * (1.0 - i as f32 / 8.0) } else { 0.0 };
            let wobble = 0.2 * ((i * 7 % 5) as f32 - 2.0) / 2.0;
            st.push((i < voiced).then_some((level - 3.0) * 2.5 + onset + wobble));
            loud.push(true);
        }
        st.push(None);
        loud.push(false);
        SyllablePitch { st, loud, dur_ratio: 1.0 }
    }

    fn context(expected: Tone, position: Position, initial: Initial) -> ToneContext {
        ToneContext { expected, half_third: false, position, initial, previous: None }
    }

    fn heard(pitch: &SyllablePitch, ctx: &ToneContext) -> Option<Tone> {
        classify(pitch, ctx, &profile_reference()).heard
    }

    #[test]
    fn each_citation_tone_is_heard_alone() {
        let cases = [
            (Tone::First, contour(&[(0.0, 5.0), (1.0, 5.0)], 35, 0.0, 0.0)),
            (Tone::Second, contour(&[(0.0, 3.0), (0.3, 2.7), (1.0, 5.0)], 30, 0.0, 0.0)),
            (Tone::Third, contour(&[(0.0, 2.0), (0.5, 1.0), (0.6, 1.0), (1.0, 4.0)], 55, 0.0, 0.0)),
            (Tone::Fourth, contour(&[(0.0, 5.0), (1.0, 1.0)], 22, 0.0, 0.0)),
        ];
        for (tone, pitch) in cases {
            let ctx = context(tone, Position::Isolated, Initial::B);
            let est = classify(&pitch, &ctx, &profile_reference());
            assert_eq!(est.heard, Some(tone), "{est:?}");
            assert!(est.confidence > 0.5 && est.prob(Tone::Neutral) < 1e-6, "{est:?}");
        }
    }

    #[test]
    fn the_expected_tone_does_not_change_what_is_heard() {
        let rising = contour(&[(0.0, 3.0), (0.3, 2.7), (1.0, 5.0)], 30, 0.0, 0.0);
        for expected in Tone::FULL {
            assert_eq!(heard(&rising, &context(expected, Position::Isolated, Initial::D)), Some(Tone::Second));
        }
    }

    #[test]
    fn a_half_third_low_fall_is_a_third_but_a_high_fall_is_a_fourth() {
        let ctx = ToneContext { half_third: true, ..context(Tone::Third, Position::Initial, Initial::L) };
        let low = contour(&[(0.0, 2.0), (0.6, 1.0), (1.0, 1.0)], 18, 0.0, 0.0);
        assert_eq!(heard(&low, &ctx), Some(Tone::Third));
        let high = contour(&[(0.0, 5.0), (1.0, 2.0)], 18, 0.0, 0.0);
        assert_eq!(heard(&high, &ctx), Some(Tone::Fourth));
    }

    #[test]
    fn a_creaky_third_that_drops_out_of_the_track_is_still_a_third() {
        let creaky = contour(&[(0.0, 2.2), (0.6, 1.0), (1.0, 1.0)], 50, 0.0, 0.4);
        assert!(creaky.st.iter().filter(|s| s.is_none()).count() >= 20);
        assert_eq!(heard(&creaky, &context(Tone::Third, Position::Isolated, Initial::M)), Some(Tone::Third));
    }

    #[test]
    fn a_clipped_fourth_whose_voice_fades_early_in_the_fall_is_still_a_fourth() {
        // 兔 from a native speaker: 110 ms of voice falling from 4.7 to 2.9 st, then nothing.
        let clipped = contour(&[(0.0, 4.9), (1.0, 4.15)], 11, 0.0, 0.0);
        assert_eq!(heard(&clipped, &context(Tone::Fourth, Position::Isolated, Initial::T)), Some(Tone::Fourth));
        let short_first = contour(&[(0.0, 5.0), (1.0, 5.0)], 20, 0.0, 0.0);
        assert_eq!(heard(&short_first, &context(Tone::First, Position::Isolated, Initial::T)), Some(Tone::First));
    }

    #[test]
    fn a_sonorant_onset_rise_does_not_turn_first_or_fourth_into_second() {
        let first = contour(&[(0.0, 5.0), (1.0, 5.0)], 35, 5.0, 0.0);
        assert_eq!(heard(&first, &context(Tone::First, Position::Isolated, Initial::M)), Some(Tone::First));
        let fourth = contour(&[(0.0, 5.0), (1.0, 1.0)], 28, 4.0, 0.0);
        assert_eq!(heard(&fourth, &context(Tone::Fourth, Position::Isolated, Initial::Zero)), Some(Tone::Fourth));
    }

    #[test]
    fn a_short_neutral_syllable_is_heard_as_neutral_after_each_tone() {
        for previous in Tone::FULL {
            let h = neutral_height(Some(previous));
            let mut pitch = contour(&[(0.0, h), (1.0, (h - 0.6).max(0.5))], 9, 0.0, 0.0);
            pitch.dur_ratio = 0.55;
            let ctx = ToneContext { previous: Some(previous), ..context(Tone::Neutral, Position::Final, Initial::D) };
            let est = classify(&pitch, &ctx, &profile_reference());
            assert_eq!(est.heard, Some(Tone::Neutral), "after tone {previous}: {est:?}");
        }
    }

    #[test]
    fn a_full_first_tone_in_neutral_position_is_heard_as_first() {
        let mut pitch = contour(&[(0.0, 5.0), (1.0, 5.0)], 20, 0.0, 0.0);
        pitch.dur_ratio = 1.0;
        let ctx = ToneContext { previous: Some(Tone::First), ..context(Tone::Neutral, Position::Final, Initial::M) };
        assert_eq!(heard(&pitch, &ctx), Some(Tone::First));
    }

    #[test]
    fn too_little_voice_is_not_judged() {
        let pitch = SyllablePitch { st: vec![None, Some(1.0), None], loud: vec![true; 3], dur_ratio: 1.0 };
        let est = classify(&pitch, &context(Tone::First, Position::Isolated, Initial::B), &profile_reference());
        assert_eq!(est.heard, None);
        assert_eq!(est.confidence, 0.0);
    }

    #[test]
    fn probabilities_sum_to_one() {
        let pitch = contour(&[(0.0, 3.0), (1.0, 3.0)], 20, 0.0, 0.0);
        let est = classify(&pitch, &context(Tone::First, Position::Medial, Initial::B), &profile_reference());
        assert!((est.probs.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{est:?}");
    }
}
