//! Where the speech is, and how fluently it came: speaking time, pauses, rate.
//!
//! A frame is speech when it is voiced, or loud both against the clip's speech level and
//! against its noise floor (fricatives and aspiration are unvoiced but loud). Blips shorter
//! than 30 ms are dropped, and so are unvoiced noises set apart from the voice at either end (a
//! cough, a knock, a breath). Only silences longer than 250 ms inside the speech count as
//! pauses: stop closures and the gaps before aspirated stops last well under that.

use serde::{Deserialize, Serialize};

use crate::pitch::{PitchTrack, hz_to_st};

/// Frames this far below the speech level are never speech.
const SPEECH_REL_DB: f32 = -35.0;
/// Unvoiced frames must be this far above the noise floor to count.
const ABOVE_FLOOR_DB: f32 = 12.0;
const MIN_RUN_FRAMES: usize = 3;
/// A silence inside speech longer than this is a pause.
pub const PAUSE_MS: u32 = 250;

/// Fluency of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fluency {
    /// From the first to the last speech frame, pauses excluded.
    pub speaking_ms: u32,
    pub pause_count: u32,
    pub pause_ms: u32,
    /// Syllables per second of speaking time (articulation rate).
    pub syllables_per_second: f32,
    /// Syllables per second from the first to the last speech frame, pauses included.
    pub speech_rate: f32,
}

fn noise_floor_db(track: &PitchTrack) -> f32 {
    let mut levels: Vec<f32> = track.frames.iter().map(|f| f.rms_db).collect();
    levels.sort_by(f32::total_cmp);
    levels.get(levels.len() / 10).copied().unwrap_or(-120.0)
}

/// The student is near the microphone: the loud core of their speech is within this of the
/// speech level, and other children talking in the room stay below it.
const CORE_REL_DB: f32 = -10.0;
/// What lies further than this outside the loud core is background (ms).
const BACKGROUND_AWAY_MS: u32 = 150;
/// Background is measured in this much (ms) at each end of the clip: before the student
/// speaks and after they stop.
const BACKGROUND_EDGE_MS: u32 = 250;
/// At least this much voiced background (ms) is needed to measure its level.
const MIN_BACKGROUND_MS: u32 = 50;
/// The speech's edges must stand this far above the background's loud parts (its 90th
/// percentile frame energy): chatter comes in bursts, and its median says little.
const ABOVE_BACKGROUND_DB: f32 = 3.0;
/// Background whose loud parts stay this far under the speech level is a quiet room, whose
/// noise could not pass for the voice; above the second line it is the student again.
const MAX_QUIET_BACKGROUND_REL_DB: f32 = -25.0;
const MAX_BACKGROUND_REL_DB: f32 = -3.0;
/// Within a lone syllable, a dip or gap longer than this (ms) ends the student's speech.
const MAX_GAP_MS: u32 = 50;
/// Kept around the student's own speech when the rest is silenced (ms).
const OWN_SPEECH_MARGIN_MS: u32 = 30;

/// The last frame reached from `from` by `steps` while frames `count`, across gaps of at
/// most `max_gap` frames.
fn reach(steps: impl Iterator<Item = usize>, from: usize, max_gap: usize, count: impl Fn(usize) -> bool) -> usize {
    let (mut edge, mut gap) = (from, 0);
    for i in steps {
        if count(i) {
            (edge, gap) = (i, 0);
        } else {
            gap += 1;
            if gap > max_gap {
                break;
            }
        }
    }
    edge
}

/// The frames (start, end exclusive) of the student's own speech in a recording of a lone
/// syllable, when other voices in the room are loud enough to matter. Classroom chatter is
/// voiced and within the 35 dB that a speaker's quiet sounds reach, so only its level tells it
/// apart: the student is nearer the microphone. The core is the loud stretch around the
/// loudest frame; the background is the voices at the clip's ends, away from the core; the
/// speech reaches out from the core for as long as it stays above the background's loud
/// parts. `None` means no limit: no voices at the ends, a quiet room, or a voice at the ends
/// as loud as the student's (the student again: a second attempt, which the scorer hears).
///
/// Only a lone syllable is one loud stretch. A word's soft last syllable (a neutral tone, a
/// creaky third) is as quiet as chatter, and in a tightly trimmed recording it lies where the
/// background is measured: tried on words, 4 of 117 native words were marked down, two of
/// them for a syllable "not said".
fn own_speech_frames(track: &PitchTrack) -> Option<(usize, usize)> {
    let n = track.frames.len();
    let hop = track.hop_ms.max(1);
    let max_gap = (MAX_GAP_MS / hop) as usize;
    let loudest = (0..n).max_by(|&a, &b| track.frames[a].rms_db.total_cmp(&track.frames[b].rms_db))?;
    let loud = |i: usize| track.relative_db(i) > CORE_REL_DB;
    let first = reach((0..loudest).rev(), loudest, max_gap, loud);
    let last = reach(loudest + 1..n, loudest, max_gap, loud);
    let away = (BACKGROUND_AWAY_MS / hop) as usize;
    // Only the voices at the clip's ends: the speech's own soft start and tail lie nearer the
    // core, and its breathy or hissing edges (sh, ch, an aspiration) are not voiced.
    let edge = (BACKGROUND_EDGE_MS / hop) as usize;
    let mut background: Vec<f32> = (0..n)
        .filter(|&i| (i < edge || i + edge >= n) && (i + away < first || i > last + away))
        .filter(|&i| track.frames[i].f0_hz.is_some())
        .map(|i| track.frames[i].rms_db)
        .collect();
    if (background.len() as u32) * hop < MIN_BACKGROUND_MS {
        return None;
    }
    background.sort_by(f32::total_cmp);
    let threshold = background[background.len() * 9 / 10] + ABOVE_BACKGROUND_DB;
    let rel = threshold - track.speech_level_db;
    if !(MAX_QUIET_BACKGROUND_REL_DB..=MAX_BACKGROUND_REL_DB).contains(&rel) {
        return None;
    }
    let speech = speech_frames(track);
    let counts = |i: usize| speech[i] && track.frames[i].rms_db > threshold;
    let start = reach((0..first).rev(), first, max_gap, counts);
    let end = reach(last + 1..n, last, max_gap, counts);
    Some((start, end + 1))
}

/// Silences what lies around the student's own lone syllable ([`own_speech_frames`]), so that
/// neither the recogniser nor the pitch hears the other voices there. Returns whether anything
/// was silenced.
pub fn silence_other_voices(samples_16k: &mut [f32]) -> bool {
    let track = crate::pitch::track_pitch(samples_16k);
    let Some((start, end)) = own_speech_frames(&track) else { return false };
    let margin = (OWN_SPEECH_MARGIN_MS / track.hop_ms.max(1)) as usize;
    let samples_per_frame = (crate::pitch::SAMPLE_RATE / 1000 * track.hop_ms) as usize;
    let from = (start.saturating_sub(margin) * samples_per_frame).min(samples_16k.len());
    let to = ((end + margin) * samples_per_frame).min(samples_16k.len());
    samples_16k[..from].iter_mut().for_each(|s| *s = 0.0);
    samples_16k[to..].iter_mut().for_each(|s| *s = 0.0);
    true
}

/// Per frame: is it speech?
pub fn speech_frames(track: &PitchTrack) -> Vec<bool> {
    let floor = noise_floor_db(track);
    let mut speech: Vec<bool> = (0..track.frames.len())
        .map(|i| {
            let f = &track.frames[i];
            let rel = track.relative_db(i);
            rel > SPEECH_REL_DB && (f.f0_hz.is_some() || f.rms_db > floor + ABOVE_FLOOR_DB)
        })
        .collect();
    // Drop runs too short to be a sound.
    for (a, b) in runs(&speech) {
        if b - a < MIN_RUN_FRAMES {
            speech[a..b].iter_mut().for_each(|s| *s = false);
        }
    }
    drop_unvoiced_edges(&mut speech, track);
    speech
}

/// The runs of consecutive speech frames, as (start, end exclusive).
fn runs(speech: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < speech.len() {
        if speech[i] {
            let start = i;
            while i < speech.len() && speech[i] {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// A run of speech frames with no voice in it, before the first voiced run or after the last,
/// and apart from it by this much silence (150 ms), is not a syllable: a cough, a knock on the
/// desk, a breath, a click, or a noisy room's hiss. (A syllable's own unvoiced initial, a hiss
/// or an aspiration, runs straight into its vowel; at 50 ms, the creaky last 好 of a sentence
/// in white noise, tracked unvoiced, was dropped.)
const EDGE_NOISE_GAP_FRAMES: usize = 15;
/// A run needs this many voiced frames to count as voiced.
const MIN_VOICED_FRAMES: usize = 3;

/// Unmarks the unvoiced noises at the ends of the speech (see [`EDGE_NOISE_GAP_FRAMES`]). A
/// recording with no voiced run at all (a whisper) is left as it is.
fn drop_unvoiced_edges(speech: &mut [bool], track: &PitchTrack) {
    let runs = runs(speech);
    let voiced =
        |&(a, b): &(usize, usize)| track.frames[a..b].iter().filter(|f| f.f0_hz.is_some()).count() >= MIN_VOICED_FRAMES;
    let (Some(first), Some(last)) = (runs.iter().position(voiced), runs.iter().rposition(voiced)) else {
        return;
    };
    let mut clear = |(a, b): (usize, usize)| speech[a..b].iter_mut().for_each(|s| *s = false);
    // Walking outwards from the voice: each noise must be apart from what is kept.
    let mut edge = runs[first].0;
    for &run in runs[..first].iter().rev() {
        if edge - run.1 >= EDGE_NOISE_GAP_FRAMES {
            clear(run);
        } else {
            edge = run.0;
        }
    }
    let mut edge = runs[last].1;
    for &run in &runs[last + 1..] {
        if run.0 - edge >= EDGE_NOISE_GAP_FRAMES {
            clear(run);
        } else {
            edge = run.1;
        }
    }
}

/// The first and last frame of speech, in ms (end exclusive), or `None` for a silent clip.
pub fn speech_span(track: &PitchTrack) -> Option<(u32, u32)> {
    let speech = speech_frames(track);
    let first = speech.iter().position(|&s| s)?;
    let last = speech.iter().rposition(|&s| s)?;
    Some((first as u32 * track.hop_ms, (last as u32 + 1) * track.hop_ms))
}

/// The deepest valley in the level across two neighbouring spans (ms), in dB: how far it sinks
/// below the quieter of the loudest voiced frames on either side (levels smoothed over 30 ms).
/// Two syllables have their initial between their vowels, and a consonant is quieter than a
/// vowel; one vowel, wherever it is cut, has no valley (nor has a stop's burst before its
/// vowel: the burst is not voiced). `None` unless both spans hold voice: a span that is all
/// unvoiced (a whisper, a voice the channel lost, the fading tail of one syllable) says
/// nothing either way.
pub fn deepest_dip_db(track: &PitchTrack, before: (u32, u32), after: (u32, u32)) -> Option<f32> {
    let hop = track.hop_ms.max(1);
    let n = track.frames.len();
    let frames_of = |(a, b): (u32, u32)| ((a / hop) as usize).min(n)..((b / hop) as usize).min(n);
    let voiced = |(a, b): (u32, u32)| frames_of((a, b)).any(|i| track.frames[i].f0_hz.is_some());
    if !voiced(before) || !voiced(after) {
        return None;
    }
    let frames = frames_of((before.0, after.1));
    let level = |i: usize| track.smoothed_rms_db(i);
    // The loudest voiced level up to each frame, from the left and from the right.
    let loudest_voiced = |frames: &mut dyn Iterator<Item = usize>| {
        let mut loudest = f32::NEG_INFINITY;
        frames
            .map(|i| {
                if track.frames[i].f0_hz.is_some() {
                    loudest = loudest.max(level(i));
                }
                (i, loudest)
            })
            .collect::<Vec<_>>()
    };
    let left = loudest_voiced(&mut frames.clone());
    let right: Vec<_> = loudest_voiced(&mut frames.rev()).into_iter().rev().collect();
    left.iter()
        .zip(&right)
        .map(|(&(i, l), &(_, r))| l.min(r) - level(i))
        .filter(|d| d.is_finite())
        .reduce(f32::max)
        .map(|d| d.max(0.0))
}

/// A voice never holds its pitch still: even the steadiest first tone of a trained speaker
/// moves by 0.02 semitones a frame (median) and 0.28 over a syllable. A beep, a hum or a
/// tuning fork moves by less than a quarter of that.
const STEADIEST_VOICE_STEP_ST: f32 = 0.01;
const STEADIEST_VOICE_RANGE_ST: f32 = 0.2;
/// Nor its loudness: over every clip of both corpora, the voiced frames' levels spread by at
/// least 3.4 dB (10th to 90th percentile). A machine tone holds its level to a fraction of a
/// decibel, even where the pitch tracker reads its sharp edges (a square wave's) with a jitter
/// of a few tenths of a semitone.
const FLATTEST_VOICE_LEVEL_DB: f32 = 1.0;
const MACHINE_PITCH_RANGE_ST: f32 = 1.0;
/// Fewer voiced frames than this are too few to call anything steady.
const STEADY_MIN_FRAMES: usize = 15;

/// Whether the voiced part of the clip is a steady machine tone rather than a voice: its
/// pitch barely moves from frame to frame and stays within a fifth of a semitone, or its
/// level does not move at all and its pitch stays within a semitone.
pub fn is_steady_tone(track: &PitchTrack) -> bool {
    let voiced: Vec<(usize, f32, f32)> =
        track.frames.iter().enumerate().filter_map(|(i, f)| f.f0_hz.map(|hz| (i, hz_to_st(hz), f.rms_db))).collect();
    if voiced.len() < STEADY_MIN_FRAMES {
        return false;
    }
    let mut steps: Vec<f32> =
        voiced.windows(2).filter(|w| w[1].0 == w[0].0 + 1).map(|w| (w[1].1 - w[0].1).abs()).collect();
    if steps.len() < STEADY_MIN_FRAMES {
        return false;
    }
    steps.sort_by(f32::total_cmp);
    let (low, high) = voiced.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &(_, st, _)| (lo.min(st), hi.max(st)));
    let pitch_still = steps[steps.len() / 2] < STEADIEST_VOICE_STEP_ST && high - low < STEADIEST_VOICE_RANGE_ST;
    let mut levels: Vec<f32> = voiced.iter().map(|&(_, _, db)| db).collect();
    levels.sort_by(f32::total_cmp);
    let level_spread = levels[levels.len() * 9 / 10] - levels[levels.len() / 10];
    let level_still = level_spread < FLATTEST_VOICE_LEVEL_DB && high - low < MACHINE_PITCH_RANGE_ST;
    pitch_still || level_still
}

/// Silences inside the speech span longer than [`PAUSE_MS`], as (start, end) ms.
pub fn pauses(track: &PitchTrack) -> Vec<(u32, u32)> {
    let speech = speech_frames(track);
    let (Some(first), Some(last)) = (speech.iter().position(|&s| s), speech.iter().rposition(|&s| s)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut i = first;
    while i <= last {
        if !speech[i] {
            let start = i;
            while i <= last && !speech[i] {
                i += 1;
            }
            let (a, b) = (start as u32 * track.hop_ms, i as u32 * track.hop_ms);
            if b - a > PAUSE_MS {
                out.push((a, b));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Fluency measures for an attempt of `syllables` syllables.
pub fn fluency(track: &PitchTrack, syllables: usize) -> Fluency {
    let Some((start, end)) = speech_span(track) else {
        return Fluency { speaking_ms: 0, pause_count: 0, pause_ms: 0, syllables_per_second: 0.0, speech_rate: 0.0 };
    };
    let pauses = pauses(track);
    let pause_ms: u32 = pauses.iter().map(|(a, b)| b - a).sum();
    let speaking_ms = (end - start).saturating_sub(pause_ms);
    let rate = |ms: u32| if ms == 0 { 0.0 } else { syllables as f32 * 1000.0 / ms as f32 };
    Fluency {
        speaking_ms,
        pause_count: pauses.len() as u32,
        pause_ms,
        syllables_per_second: rate(speaking_ms),
        speech_rate: rate(end - start),
    }
}

#[cfg(test)]
mod tests;
