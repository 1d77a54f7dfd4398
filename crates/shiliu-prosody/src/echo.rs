//! Late echo taken out before pitch tracking.
//!
//! In a bare classroom heard from a desk microphone, the echo of a syllable's loud, high start
//! is still ringing when its quiet, low end is said: a falling fourth tone's end drowns in the
//! echo of its start, and the pitch track holds high and flat (heard as a first tone). Echo
//! dies away at the room's steady rate, so what is still ringing from a moment ago can be
//! predicted from the spectrum then and subtracted now; a voice's new harmonics (a pitch that
//! has moved) are not in that prediction and stay.
//!
//! The room's rate is read from the recording itself: no sound in it can die away faster than
//! the room lets it, so the steepest fall of loudness after the voice stops bounds the echo's
//! length. A dry recording (a headset, the corpora) falls tens of dB in a few frames and is left
//! as it is; only a recording whose every ending lingers is treated.

use std::borrow::Cow;

use realfft::RealFftPlanner;
use realfft::num_complex::Complex32;

use crate::pitch::SAMPLE_RATE;

const FFT: usize = 512;
const STEP: usize = 128;
/// Echo older than this (frames of STEP samples, 24 ms) is predicted and taken out.
const LATE_FRAMES: usize = 3;
/// No bin is taken down by more than this power ratio (−12 dB): deeper cuts warble.
const FLOOR: f32 = 0.063;
/// Loudness falls are measured over this many 10 ms frames ...
const FALL_FRAMES: usize = 5;
/// ... starting within this many dB of the loudest frame (softer ones may be noise-limited).
const FALL_FROM_DB: f32 = 30.0;
/// A recording whose steepest fall means an echo shorter than this (time to die away by
/// 60 dB, s) is dry enough: nothing is taken out.
const DRY_BELOW_S: f32 = 0.15;
/// Nor is more than this assumed, however slowly the loudness falls (a held note, a sentence
/// without pauses).
const LONGEST_ECHO_S: f32 = 1.0;

/// How long (s) echo takes to die away by 60 dB in the room `x` was recorded in, as bounded by
/// its steepest fall of loudness: the largest drop over FALL_FRAMES frames of 10 ms that
/// starts near the loudest frame.
pub(crate) fn echo_decay_s(x: &[f32]) -> f32 {
    let hop = SAMPLE_RATE as usize / 100;
    let levels: Vec<f32> =
        x.chunks(hop).map(|f| 10.0 * (f.iter().map(|v| v * v).sum::<f32>() / f.len() as f32 + 1e-12).log10()).collect();
    let loudest = levels.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let steepest_db = levels
        .windows(FALL_FRAMES + 1)
        .filter(|w| w[0] > loudest - FALL_FROM_DB)
        .map(|w| w[0] - w[FALL_FRAMES])
        .fold(0.0f32, f32::max);
    let per_s = steepest_db / (FALL_FRAMES as f32 * 0.01);
    if per_s <= 0.0 { LONGEST_ECHO_S } else { (60.0 / per_s).min(LONGEST_ECHO_S) }
}

/// `x` (16 kHz) with its late echo suppressed, same length; a dry recording (most of them)
/// as it is, not copied.
pub(crate) fn without_late_echo(x: &[f32]) -> Cow<'_, [f32]> {
    let decay_s = echo_decay_s(x);
    if x.len() < FFT || decay_s < DRY_BELOW_S {
        return Cow::Borrowed(x);
    }
    let mut planner = RealFftPlanner::<f32>::new();
    let forward = planner.plan_fft_forward(FFT);
    let inverse = planner.plan_fft_inverse(FFT);
    let window: Vec<f32> = (0..FFT).map(|i| (std::f32::consts::PI * (i as f32 + 0.5) / FFT as f32).sin()).collect();
    // Power falls by 60 dB per decay_s; over LATE_FRAMES steps by this factor.
    let late_s = (LATE_FRAMES * STEP) as f32 / SAMPLE_RATE as f32;
    let still_ringing = 10f32.powf(-6.0 * late_s / decay_s);

    let frames = (x.len() - FFT) / STEP + 1;
    let mut spectra: Vec<Vec<Complex32>> = Vec::with_capacity(frames);
    let mut buf = forward.make_input_vec();
    for f in 0..frames {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = x[f * STEP + i] * window[i];
        }
        let mut spec = forward.make_output_vec();
        forward.process(&mut buf, &mut spec).expect("buffers sized by the planner");
        spectra.push(spec);
    }
    let power: Vec<Vec<f32>> = spectra.iter().map(|s| s.iter().map(|c| c.norm_sqr()).collect()).collect();

    let mut out = vec![0.0f32; x.len()];
    let mut norm = vec![0.0f32; x.len()];
    let mut time = inverse.make_output_vec();
    for f in 0..frames {
        let mut spec = spectra[f].clone();
        if f >= LATE_FRAMES {
            for (k, c) in spec.iter_mut().enumerate() {
                let now = power[f][k];
                let echo = still_ringing * power[f - LATE_FRAMES][k];
                let gain = if now > 0.0 { (1.0 - echo / now).max(FLOOR) } else { FLOOR };
                *c *= gain.sqrt();
            }
        }
        // The inverse transform needs real first and last bins.
        spec[0].im = 0.0;
        spec[FFT / 2].im = 0.0;
        inverse.process(&mut spec, &mut time).expect("buffers sized by the planner");
        for i in 0..FFT {
            out[f * STEP + i] += time[i] * window[i] / FFT as f32;
            norm[f * STEP + i] += window[i] * window[i];
        }
    }
    // Where the frames did not reach (the last few samples), the input stands.
    out.iter_mut().zip(&norm).zip(x).for_each(|((o, &n), &v)| *o = if n > 1e-3 { *o / n } else { v });
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: f32 = SAMPLE_RATE as f32;

    fn harmonic(hz: f32, from: usize, to: usize, amp: impl Fn(usize) -> f32, x: &mut [f32]) {
        for (i, v) in x.iter_mut().enumerate().take(to).skip(from) {
            let t = i as f32 / RATE;
            *v +=
                amp(i) * ((std::f32::consts::TAU * hz * t).sin() + 0.5 * (std::f32::consts::TAU * 2.0 * hz * t).sin());
        }
    }

    /// Power of `x[from..to]` at `hz` (one DFT bin, Goertzel-style).
    fn power_at(x: &[f32], from: usize, to: usize, hz: f32) -> f32 {
        let w = std::f32::consts::TAU * hz / RATE;
        let (c, s) = x[from..to]
            .iter()
            .enumerate()
            .fold((0.0f32, 0.0f32), |(c, s), (i, v)| (c + v * (w * i as f32).cos(), s + v * (w * i as f32).sin()));
        c * c + s * s
    }

    #[test]
    fn a_held_vowel_in_a_room_passes_with_its_pitch_and_nearly_its_level() {
        let mut x = vec![0.0f32; 16_000];
        harmonic(180.0, 1_600, 14_400, |_| 0.3, &mut x);
        let decay = 1000f32.ln() / (0.5 * RATE);
        harmonic(180.0, 14_400, 16_000, |i| 0.3 * (-decay * (i - 14_400) as f32).exp(), &mut x);
        let y = without_late_echo(&x);
        assert_eq!(y.len(), x.len());
        let ratio = power_at(&y, 4_000, 12_000, 180.0) / power_at(&x, 4_000, 12_000, 180.0);
        let db = 10.0 * ratio.log10();
        assert!((-4.0..0.5).contains(&db), "{db} dB");
    }

    #[test]
    fn the_echo_of_a_loud_start_gives_way_to_the_quiet_new_pitch_under_it() {
        // 250 ms of a loud 220 Hz voice whose echo rings on, dying by 60 dB in half a second,
        // while the voice goes on 12 dB softer at 165 Hz (the low end of a fall).
        let mut x = vec![0.0f32; 12_000];
        let decay = 1000f32.ln() / (0.5 * RATE);
        harmonic(220.0, 0, 4_000, |_| 0.4, &mut x);
        harmonic(220.0, 4_000, 12_000, |i| 0.4 * (-decay * (i - 4_000) as f32).exp(), &mut x);
        harmonic(165.0, 4_000, 12_000, |_| 0.1, &mut x);
        let y = without_late_echo(&x);
        let (from, to) = (4_800, 8_000);
        let before = power_at(&x, from, to, 165.0) / power_at(&x, from, to, 220.0);
        let after = power_at(&y, from, to, 165.0) / power_at(&y, from, to, 220.0);
        let gain_db = 10.0 * (after / before).log10();
        assert!(gain_db > 4.0, "the new pitch rose against the echo by only {gain_db} dB");
    }

    #[test]
    fn the_room_is_read_from_how_fast_the_voice_dies_away() {
        // A dry vowel stops within a frame or two: no echo to take out, nothing changed.
        let mut dry = vec![0.0f32; 16_000];
        harmonic(200.0, 1_600, 8_000, |_| 0.3, &mut dry);
        assert!(echo_decay_s(&dry) < DRY_BELOW_S, "{}", echo_decay_s(&dry));
        assert_eq!(*without_late_echo(&dry), *dry);
        // The same vowel in a room whose echo dies away by 60 dB in 0.5 s.
        let decay = 1000f32.ln() / (0.5 * RATE);
        let mut room = dry.clone();
        harmonic(200.0, 8_000, 16_000, |i| 0.3 * (-decay * (i - 8_000) as f32).exp(), &mut room);
        let read = echo_decay_s(&room);
        assert!((0.35..=0.65).contains(&read), "{read}");
    }

    #[test]
    fn a_clip_shorter_than_one_analysis_window_is_returned_as_it_is() {
        let x: Vec<f32> = (0..300).map(|i| (i as f32 * 0.1).sin()).collect();
        assert_eq!(*without_late_echo(&x), *x);
    }
}
