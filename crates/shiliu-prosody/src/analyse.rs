//! One call from audio and expected syllables to everything the scorer and the UI need.

use serde::{Deserialize, Serialize};
use shiliu_pinyin::{SurfaceSyllable, Tone};

use crate::activity::{Fluency, fluency};
use crate::contour::{contour_points, syllable_pitch};
use crate::error::{Error, Result};
use crate::features::features;
use crate::pitch::{PitchTrack, track_pitch};
use crate::profile::{Reference, SpeakerProfile};
use crate::segment::segment_syllables;
use crate::synth::Position;
use crate::tone::{ToneContext, ToneEstimate, classify_features, has_voiced_onset, typicality};

/// Pitch and timing of one expected syllable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyllableProsody {
    pub start_ms: u32,
    pub end_ms: u32,
    /// The surface tone that was expected (after sandhi).
    pub expected: Tone,
    /// Voiced points `[ms from the start of the recording, semitones]` on the scale of
    /// [`shiliu_pinyin::target_contour`] (see [`crate::Reference`]).
    pub contour: Vec<[f32; 2]>,
    /// What was heard, independent of what was expected.
    pub tone: ToneEstimate,
    /// 0–100, how well the contour matches the expected tone: the mean of the probability the
    /// classifier gives the expected tone and how typical the contour is of that tone's shapes
    /// (chi-square tail of its Mahalanobis distance). `None` when there was no pitch to judge.
    pub tone_score: Option<f32>,
}

/// Everything measured in one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProsodyAnalysis {
    pub syllables: Vec<SyllableProsody>,
    pub fluency: Fluency,
    /// The speaker profile to store for next time: the given one updated with this attempt,
    /// or one estimated from this attempt alone (`None` if it had too little voice).
    pub speaker: Option<SpeakerProfile>,
    /// The normalisation used for the contours.
    pub reference: Reference,
    /// Speech from first to last sound, ms.
    pub speech_span: (u32, u32),
    /// Wall time of the whole analysis, ms.
    pub analysis_ms: f32,
}

/// Where each syllable sits in its phrase (phrases are the pinyin crate's punctuation runs).
pub fn positions(expected: &[SurfaceSyllable]) -> Vec<Position> {
    (0..expected.len())
        .map(|i| {
            let same =
                |j: Option<usize>| j.and_then(|j| expected.get(j)).is_some_and(|o| o.phrase == expected[i].phrase);
            match (same(i.checked_sub(1)), same(Some(i + 1))) {
                (false, false) => Position::Isolated,
                (false, true) => Position::Initial,
                (true, true) => Position::Medial,
                (true, false) => Position::Final,
            }
        })
        .collect()
}

/// The tone context of syllable `i` of an expected sequence.
pub fn tone_context(expected: &[SurfaceSyllable], i: usize) -> ToneContext {
    let position = positions(expected)[i];
    let s = &expected[i];
    let previous = i.checked_sub(1).map(|j| &expected[j]).filter(|p| p.phrase == s.phrase).map(|p| p.syllable.tone);
    ToneContext { expected: s.syllable.tone, half_third: s.half_third, position, initial: s.syllable.initial, previous }
}

/// Analyses one attempt at saying `expected`.
pub fn analyse(
    samples_16k: &[f32],
    expected: &[SurfaceSyllable],
    profile: Option<&SpeakerProfile>,
    hints: Option<&[(u32, u32)]>,
) -> Result<ProsodyAnalysis> {
    let started = std::time::Instant::now();
    if expected.is_empty() {
        return Err(Error::NothingExpected);
    }
    if let Some(h) = hints
        && h.len() != expected.len()
    {
        return Err(Error::HintCount { expected: expected.len(), got: h.len() });
    }
    if let Some(p) = profile {
        p.validate()?;
    }
    let track = track_pitch(samples_16k);
    let Some(speech_span) = crate::activity::speech_span(&track) else {
        return Err(Error::NoSpeech { duration_ms: track.duration_ms() });
    };
    let syllables: Vec<_> = expected.iter().map(|s| s.syllable).collect();
    let spans = segment_syllables(&track, &syllables, hints);
    let reference = Reference::choose(profile, &track, expected.len());
    let out = score_spans(&track, expected, &spans, &reference);

    let speaker = match profile {
        Some(p) => {
            let mut p = *p;
            p.update(&track);
            Some(p)
        }
        None => SpeakerProfile::estimate_from(&track),
    };
    Ok(ProsodyAnalysis {
        syllables: out,
        fluency: fluency(&track, expected.len()),
        speaker,
        reference,
        speech_span,
        analysis_ms: started.elapsed().as_secs_f32() * 1000.0,
    })
}

/// Contours, tones and scores for given spans (one per expected syllable).
pub fn score_spans(
    track: &PitchTrack,
    expected: &[SurfaceSyllable],
    spans: &[(u32, u32)],
    reference: &Reference,
) -> Vec<SyllableProsody> {
    let mut lengths: Vec<u32> = spans.iter().map(|(a, b)| b.saturating_sub(*a)).collect();
    lengths.sort_unstable();
    let median = lengths.get(lengths.len() / 2).copied().unwrap_or(1).max(1) as f32;
    spans
        .iter()
        .enumerate()
        .take(expected.len())
        .map(|(i, &span)| {
            let context = tone_context(expected, i);
            let dur_ratio =
                if context.position == Position::Isolated { 1.0 } else { (span.1 - span.0) as f32 / median };
            let pitch = syllable_pitch(track, span, reference, dur_ratio);
            let connected = context.position != Position::Isolated;
            let (tone, tone_score) = match features(&pitch, has_voiced_onset(context.initial), connected) {
                Some(x) => {
                    let estimate = classify_features(&x, &context, reference);
                    let fit = typicality(&x, &context, reference);
                    (estimate, Some(100.0 * (estimate.prob(context.expected) + fit) / 2.0))
                }
                None => (ToneEstimate { heard: None, probs: [0.0; 5], confidence: 0.0 }, None),
            };
            SyllableProsody {
                start_ms: span.0,
                end_ms: span.1,
                expected: context.expected,
                contour: contour_points(track, span, reference),
                tone,
                tone_score,
            }
        })
        .collect()
}
