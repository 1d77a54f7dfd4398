//! Where the speech is and how fluently it came, on synthetic audio: harmonic "syllables",
//! noise bursts and machine tones.

use super::*;
use crate::pitch::track_pitch;

/// Harmonic "syllables" of `ms` each at 200 Hz, separated by the given silences.
pub(crate) fn bursts(lead_ms: usize, parts: &[(usize, usize)]) -> Vec<f32> {
    let mut x = vec![0.0f32; lead_ms * 16];
    for &(voice_ms, silence_ms) in parts {
        let n = voice_ms * 16;
        x.extend((0..n).map(|i| {
            let t = i as f32 / 16_000.0;
            let env = (std::f32::consts::PI * i as f32 / n as f32).sin().powf(0.3);
            0.3 * env * ((std::f32::consts::TAU * 200.0 * t).sin() + 0.5 * (std::f32::consts::TAU * 400.0 * t).sin())
        }));
        x.extend(std::iter::repeat_n(0.0, silence_ms * 16));
    }
    x
}

#[test]
fn speech_span_brackets_the_voice() {
    let track = track_pitch(&bursts(300, &[(400, 300)]));
    let (a, b) = speech_span(&track).unwrap();
    assert!((280..=330).contains(&a) && (680..=720).contains(&b), "{a} {b}");
}

#[test]
fn the_level_sinks_between_two_syllables_but_not_inside_one() {
    // Two 200 ms syllables with a 60 ms quiet consonant between them (20 dB down).
    let mut two = bursts(200, &[(200, 0)]);
    let quiet: Vec<f32> = bursts(0, &[(60, 0)]).iter().map(|s| s * 0.1).collect();
    two.extend(quiet);
    two.extend(bursts(0, &[(200, 200)]));
    let track = track_pitch(&two);
    let dip = deepest_dip_db(&track, (200, 430), (430, 660)).unwrap();
    assert!(dip > 10.0, "{dip}");
    // One 400 ms syllable.
    let track = track_pitch(&bursts(200, &[(400, 200)]));
    let dip = deepest_dip_db(&track, (200, 400), (400, 600)).unwrap();
    assert!(dip < 1.0, "{dip}");
    assert_eq!(deepest_dip_db(&track, (200, 500), (650, 750)), None, "nothing voiced after it");
    assert_eq!(deepest_dip_db(&track, (400, 400), (400, 600)), None);
}

/// `ms` of white noise at `amplitude`: a cough, a knock, a breath.
fn noise(ms: usize, amplitude: f32) -> Vec<f32> {
    let mut rng = crate::rng::Rng::new(7);
    (0..ms * 16).map(|_| amplitude * rng.uniform(-1.0, 1.0)).collect()
}

#[test]
fn a_cough_apart_from_the_voice_is_not_speech_but_a_hiss_into_the_vowel_is() {
    // A cough 300 ms before a 400 ms syllable and another 300 ms after it.
    let mut x = vec![0.0; 16 * 200];
    x.extend(noise(200, 0.3));
    x.extend(bursts(300, &[(400, 300)]));
    x.extend(noise(200, 0.3));
    x.extend(vec![0.0; 16 * 200]);
    let (a, b) = speech_span(&track_pitch(&x)).unwrap();
    assert!((680..=730).contains(&a) && (1080..=1120).contains(&b), "{a} {b}");
    // A hiss running straight into the vowel (an s or an aspiration) is the syllable's.
    let mut x = vec![0.0; 16 * 200];
    x.extend(noise(120, 0.1));
    x.extend(bursts(0, &[(400, 300)]));
    let (a, _) = speech_span(&track_pitch(&x)).unwrap();
    assert!(a <= 220, "{a}");
    // A whisper, all unvoiced, is still speech.
    let mut x = vec![0.0; 16 * 200];
    x.extend(noise(400, 0.1));
    x.extend(vec![0.0; 16 * 200]);
    assert!(speech_span(&track_pitch(&x)).is_some());
}

#[test]
fn silence_has_no_span() {
    assert!(speech_span(&track_pitch(&vec![0.0; 16_000])).is_none());
}

#[test]
fn long_silences_inside_speech_are_pauses_and_short_ones_are_not() {
    let track = track_pitch(&bursts(200, &[(300, 80), (300, 500), (300, 400), (300, 200)]));
    let f = fluency(&track, 4);
    assert_eq!(f.pause_count, 2, "{f:?} {:?}", pauses(&track));
    // 900 ms of silence, less the analysis window reaching ~15 ms into each side.
    assert!((800..=920).contains(&f.pause_ms), "{f:?}");
    // 4 syllables in ~1.3 s of speaking time.
    assert!((2.7..=3.4).contains(&f.syllables_per_second), "{f:?}");
    assert!(f.speech_rate < f.syllables_per_second);
}

/// A voice-like harmonic sound whose pitch wanders as a speaker's does: a slow drift of
/// `drift_st` semitones and a small frame-to-frame wobble; its loudness rises and dies away
/// as a held syllable's does (by 6 dB over its second half).
fn voice_like(drift_st: f32) -> Vec<f32> {
    let n = 16_000;
    let mut phase = 0.0f32;
    (0..n)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            let wobble = 0.05 * (t * 53.0).sin() + 0.04 * (t * 131.0).sin();
            let f0 = 220.0 * 2f32.powf((drift_st * t + wobble) / 12.0);
            phase += std::f32::consts::TAU * f0 / 16_000.0;
            let loudness = (t / 0.05).min(1.0) * if t < 0.5 { 1.0 } else { 1.0 - (t - 0.5) };
            0.3 * loudness * (phase.sin() + 0.5 * (2.0 * phase).sin() + 0.3 * (3.0 * phase).sin())
        })
        .collect()
}

/// Another voice talking 15 dB under a 0.3-amplitude voice: bursts of 200 ms every
/// 250 ms, gliding around 140 Hz, over `ms`.
fn chatter(ms: usize) -> Vec<f32> {
    let amp = 0.3 * 10f32.powf(-15.0 / 20.0);
    let mut phase = 0.0f32;
    (0..ms * 16)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            let in_burst = (i / 16) % 250 < 200;
            phase += std::f32::consts::TAU * (140.0 + 20.0 * (t * 3.0).sin()) / 16_000.0;
            if in_burst { amp * (phase.sin() + 0.5 * (2.0 * phase).sin()) } else { 0.0 }
        })
        .collect()
}

#[test]
fn a_lone_syllable_is_told_from_the_chatter_around_it_by_its_level() {
    let voice = bursts(400, &[(350, 450)]);
    let noisy: Vec<f32> = voice.iter().zip(chatter(1200)).map(|(v, c)| v + c).collect();
    let track = track_pitch(&noisy);
    // Every frame of the chatter is voiced and within 35 dB: all of it counts as speech.
    let (a, b) = speech_span(&track).unwrap();
    assert!(a < 100 && b > 1100, "{a}..{b}");
    let (a, b) = own_speech_frames(&track).unwrap();
    assert!((38..=44).contains(&a) && (72..=80).contains(&b), "{a}..{b}");
    // Silenced around it, only the student's own voice is left to hear.
    let mut silenced = noisy.clone();
    assert!(silence_other_voices(&mut silenced));
    let (a, b) = speech_span(&track_pitch(&silenced)).unwrap();
    assert!((350..=450).contains(&a) && (700..=820).contains(&b), "{a}..{b}");
    // The same voice again, nearly as loud and right up to the end, is a second attempt
    // and no background.
    let mut twice = bursts(400, &[(350, 400)]);
    twice.extend(bursts(0, &[(350, 0)]).iter().map(|v| v * 0.9));
    assert_eq!(own_speech_frames(&track_pitch(&twice)), None);
    // Without the chatter nothing is cut.
    let mut clean = voice.clone();
    assert!(!silence_other_voices(&mut clean));
    assert_eq!(clean, voice);
}

#[test]
fn a_steady_beep_is_not_a_voice_and_a_held_first_tone_is() {
    let beep: Vec<f32> =
        (0..16_000).map(|i| 0.3 * (std::f32::consts::TAU * 440.0 * i as f32 / 16_000.0).sin()).collect();
    assert!(is_steady_tone(&track_pitch(&beep)));
    assert!(is_steady_tone(&track_pitch(&bursts(200, &[(800, 200)]))), "a steady hum with harmonics");
    let square: Vec<f32> =
        (0..16_000).map(|i| 0.5 * (std::f32::consts::TAU * 200.0 * i as f32 / 16_000.0).sin().signum()).collect();
    assert!(is_steady_tone(&track_pitch(&square)), "a buzzer's square wave, whose edges make the pitch jitter");
    assert!(!is_steady_tone(&track_pitch(&voice_like(0.3))));
    assert!(!is_steady_tone(&track_pitch(&voice_like(3.0))));
    assert!(!is_steady_tone(&track_pitch(&vec![0.0; 16_000])), "silence is not a tone");
}
