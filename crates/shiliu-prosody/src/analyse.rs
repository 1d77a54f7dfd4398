//! One call from audio and expected syllables to everything the scorer and the UI need.

use serde::{Deserialize, Serialize};
use shiliu_pinyin::{SurfaceSyllable, Tone};

use crate::activity::{Fluency, deepest_dip_db, fluency};
use crate::context::{contradiction_score, judge_in_context, judge_jointly, observe, pooled};
use crate::contour::{contour_points, syllable_pitch};
use crate::error::{Error, Result};
use crate::features::SyllablePitch;
use crate::pitch::{PitchTrack, track_pitch};
use crate::profile::{Reference, SpeakerProfile};
use crate::segment::segment_syllables;
use crate::synth::Position;
use crate::tone::{ToneContext, ToneEstimate, classify, has_voiced_onset};

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
    /// 0–100, how little the pitch contradicts the expected tone: 100 when the expected tone
    /// is the most probable, falling with the square root of its probability relative to the
    /// most probable tone's (a compressed but plausible native tone still scores high).
    /// `None` when there was no pitch to judge.
    pub tone_score: Option<f32>,
    /// The deepest valley in the level across the syllable before and this one, dB (see
    /// [`crate::activity::deepest_dip_db`]); `None` for the first, or where either is unvoiced.
    #[serde(default)]
    pub dip_before_db: Option<f32>,
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
    /// Silences inside the speech longer than [`crate::PAUSE_MS`], as (start, end) ms.
    pub pauses: Vec<(u32, u32)>,
    /// Where the voice stops inside the speech (see [`crate::voice_breaks`]), as (start, end) ms.
    pub voice_breaks: Vec<(u32, u32)>,
    /// The "voice" is a steady machine tone (a beep, a hum, a tuning fork), not a person: see
    /// [`crate::activity::is_steady_tone`].
    pub steady_tone: bool,
    /// The recording lingers like a reverberant room's (see [`crate::PitchTrack::reverberant`]):
    /// the quiet end of a falling tone may be lost in the echo of its start.
    pub reverberant: bool,
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
        pauses: crate::activity::pauses(&track),
        voice_breaks: crate::breaks::voice_breaks(&track, speech_span),
        steady_tone: crate::activity::is_steady_tone(&track),
        reverberant: track.reverberant,
        analysis_ms: started.elapsed().as_secs_f32() * 1000.0,
    })
}

/// Contours, tones and scores for given spans (one per expected syllable).
///
/// A syllable said alone is classified from its own contour ([`crate::classify`]); syllables
/// in words and sentences are judged against their context (see the `context` module).
pub fn score_spans(
    track: &PitchTrack,
    expected: &[SurfaceSyllable],
    spans: &[(u32, u32)],
    reference: &Reference,
) -> Vec<SyllableProsody> {
    let n = spans.len().min(expected.len());
    let mut lengths: Vec<u32> = spans[..n].iter().map(|(a, b)| b.saturating_sub(*a)).collect();
    lengths.sort_unstable();
    let median = lengths.get(lengths.len() / 2).copied().unwrap_or(1).max(1) as f32;
    let contexts: Vec<ToneContext> = (0..n).map(|i| tone_context(expected, i)).collect();
    let pitches: Vec<SyllablePitch> = (0..n)
        .map(|i| {
            let span = spans[i];
            let isolated = contexts[i].position == Position::Isolated;
            let dur_ratio = if isolated { 1.0 } else { (span.1 - span.0) as f32 / median };
            syllable_pitch(track, span, reference, dur_ratio)
        })
        .collect();
    let observations: Vec<_> = (0..n)
        .map(|i| {
            let middle_s = (spans[i].0 + spans[i].1) as f64 / 2000.0;
            observe(&pitches[i], has_voiced_onset(contexts[i].initial), middle_s)
        })
        .collect();
    let in_context = judge_in_context(&observations, &contexts, reference);
    let jointly = judge_jointly(&observations, &contexts, reference);
    (0..n)
        .map(|i| {
            let context = &contexts[i];
            let tone = if context.position == Position::Isolated {
                classify(&pitches[i], context, reference)
            } else {
                match jointly.as_ref().map(|j| j[i]).filter(|j| j.heard.is_some()) {
                    Some(whole) => pooled(&in_context[i], &whole),
                    None => in_context[i],
                }
            };
            SyllableProsody {
                start_ms: spans[i].0,
                end_ms: spans[i].1,
                expected: context.expected,
                contour: contour_points(track, spans[i], reference),
                tone,
                tone_score: contradiction_score(&tone, context.expected),
                dip_before_db: i.checked_sub(1).and_then(|j| deepest_dip_db(track, spans[j], spans[i])),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pitch::SAMPLE_RATE;
    use shiliu_pinyin::{readings_from_pinyin, surface};

    /// Voiced stretches `(ms, start Hz, end Hz)` with 60 ms of silence before each.
    fn voice(parts: &[(usize, f32, f32)]) -> Vec<f32> {
        let mut x = Vec::new();
        let mut phase = 0.0f32;
        for &(ms, from, to) in parts {
            x.extend(std::iter::repeat_n(0.0, 960));
            let n = ms * SAMPLE_RATE as usize / 1000;
            for i in 0..n {
                let f = from * (to / from).powf(i as f32 / n as f32);
                phase += std::f32::consts::TAU * f / SAMPLE_RATE as f32;
                x.push(0.3 * (phase.sin() + 0.5 * (2.0 * phase).sin()));
            }
        }
        x.extend(std::iter::repeat_n(0.0, 3200));
        x
    }

    #[test]
    fn a_two_syllable_word_is_judged_in_context_with_full_scores() {
        let expected = surface(&readings_from_pinyin("ta1 ta4 ta2").unwrap());
        let audio = voice(&[(260, 300.0, 295.0), (220, 310.0, 190.0), (260, 200.0, 290.0)]);
        let a = analyse(&audio, &expected, None, None).unwrap();
        assert_eq!(a.syllables.len(), 3);
        for (s, tone) in a.syllables.iter().zip([Tone::First, Tone::Fourth, Tone::Second]) {
            assert_eq!(s.tone.heard, Some(tone), "{s:?}");
            assert!(s.tone_score.unwrap() > 90.0, "{s:?}");
            assert_eq!(s.tone.prob(Tone::Neutral), 0.0);
        }
    }
}
