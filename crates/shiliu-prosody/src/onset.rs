//! How long a stop's release is noisy before its vowel starts: the burst plus aspiration.
//!
//! This is the voice onset time of phonetics, measured as the longest run of loud, aperiodic
//! frames around the start of a syllable. Unaspirated b d g release almost straight into the
//! vowel (a burst of 0–30 ms); aspirated p t k breathe first (60–120 ms). The measurement is
//! independent of the recogniser, which often "hears" the word it expects whatever the breath.
//!
//! Frames are 25 ms long every 5 ms, so a run is about 20 ms longer than the noise itself.

use shiliu_pinyin::Initial;

use crate::pitch::SAMPLE_RATE;

const HOP: usize = (SAMPLE_RATE / 200) as usize; // 5 ms
pub(crate) const WINDOW: usize = (SAMPLE_RATE / 40) as usize; // 25 ms
const HOP_MS: u32 = 5;
/// Lags of 70–500 Hz: a frame whose best normalised autocorrelation there stays below
/// PERIODIC_ABOVE is noise, not voice.
const LAG_MIN: usize = (SAMPLE_RATE / 500) as usize;
const LAG_MAX: usize = (SAMPLE_RATE / 70) as usize;
const PERIODIC_ABOVE: f32 = 0.45;
/// This many frames in a row of clear voice (periodicity at least VOICED_FROM) are the vowel.
const VOICED_FROM: f32 = 0.6;
const VOWEL_FRAMES: usize = 3;
/// Loud enough to be speech noise: within 35 dB of the recording's loudest frame and ten times
/// (10 dB) above its quiet floor (the 10th percentile of frame energies).
const BELOW_PEAK: f32 = 3.16e-4;
const ABOVE_FLOOR: f32 = 10.0;
/// Where the release is looked for: from shortly before the syllable's span (segmentation puts
/// the boundary anywhere in the closure or the burst) to the middle of the span.
const LOOK_BEFORE_MS: u32 = 60;
/// Fewer noisy frames than this is no measurement: every release makes some noise.
const MIN_FRAMES: usize = 2;
/// In a recording whose background noise sets the loudness bar, releases up to this long show
/// only that no breath was seen.
const SHORT_UNDER_NOISE_MS: u32 = 40;

/// b p d t g k: the initials whose release noise says whether they were aspirated.
pub fn is_stop(initial: Initial) -> bool {
    matches!(initial, Initial::B | Initial::P | Initial::D | Initial::T | Initial::G | Initial::K)
}

/// Frame energies of one recording, computed once for all its syllables.
pub struct OnsetFrames<'a> {
    samples: &'a [f32],
    energy: Vec<f32>,
    loud_above: f32,
    /// The recording's own noise, not the distance from its peak, sets `loud_above`: the faint
    /// end of an aspiration may be under it.
    noise_bound: bool,
}

impl<'a> OnsetFrames<'a> {
    pub fn new(samples: &'a [f32]) -> OnsetFrames<'a> {
        let frames = samples.len().saturating_sub(WINDOW) / HOP;
        let energy: Vec<f32> = (0..frames)
            .map(|i| {
                let f = &samples[i * HOP..i * HOP + WINDOW];
                let mean = f.iter().sum::<f32>() / WINDOW as f32;
                f.iter().map(|x| (x - mean) * (x - mean)).sum()
            })
            .collect();
        let peak = energy.iter().copied().fold(0.0f32, f32::max);
        let mut sorted = energy.clone();
        sorted.sort_by(f32::total_cmp);
        let floor = sorted.get(sorted.len() / 10).copied().unwrap_or(0.0);
        OnsetFrames {
            samples,
            energy,
            loud_above: (peak * BELOW_PEAK).max(floor * ABOVE_FLOOR),
            noise_bound: floor * ABOVE_FLOOR > peak * BELOW_PEAK,
        }
    }

    /// Normalised autocorrelation peak of frame `i` at voice-like lags (0 for silence).
    fn periodicity(&self, i: usize) -> f32 {
        let f = self.frame(i);
        let mean = f.iter().sum::<f32>() / WINDOW as f32;
        let x: Vec<f32> = f.iter().map(|v| v - mean).collect();
        let zero: f32 = x.iter().map(|v| v * v).sum();
        if zero <= 0.0 {
            return 0.0;
        }
        (LAG_MIN..LAG_MAX.min(WINDOW))
            .map(|lag| x[lag..].iter().zip(&x).map(|(a, b)| a * b).sum::<f32>())
            .fold(f32::NEG_INFINITY, f32::max)
            / zero
    }

    /// The longest run of loud, aperiodic frames at the start of the syllable spanning `span`
    /// (ms), and whether the vowel was seen starting.
    pub(crate) fn noise_run(&self, span: (u32, u32)) -> NoiseRun {
        let (start, end) = span;
        let first = (start.saturating_sub(LOOK_BEFORE_MS) / HOP_MS) as usize;
        let last = ((start + end.saturating_sub(start) / 2) / HOP_MS) as usize;
        let (mut best, mut run, mut voiced, mut saw_vowel) = (NoiseRun::default(), 0usize, 0usize, false);
        for i in first..last.min(self.energy.len()) {
            let loud = self.energy[i] > self.loud_above;
            let periodicity = if loud { self.periodicity(i) } else { 0.0 };
            run = if loud && periodicity < PERIODIC_ABOVE { run + 1 } else { 0 };
            if run > best.frames.len() {
                best.frames = i + 1 - run..i + 1;
            }
            voiced = if loud && periodicity >= VOICED_FROM { voiced + 1 } else { 0 };
            saw_vowel |= voiced >= VOWEL_FRAMES;
            // Once the vowel is under way the onset is over: later noise is creak or breath
            // inside the vowel (a third tone's creaky dip), not aspiration or frication.
            if best.frames.len() >= MIN_FRAMES && voiced >= VOWEL_FRAMES {
                break;
            }
        }
        best.saw_vowel = saw_vowel;
        best
    }

    /// The samples of frame `i` (25 ms).
    pub(crate) fn frame(&self, i: usize) -> &[f32] {
        &self.samples[i * HOP..i * HOP + WINDOW]
    }

    /// The frames starting from `from_ms` up to `to_ms` (clamped to the recording).
    pub(crate) fn frames_between(&self, from_ms: u32, to_ms: u32) -> std::ops::Range<usize> {
        let at = |ms: u32| ((ms / HOP_MS) as usize).min(self.energy.len());
        at(from_ms)..at(to_ms)
    }

    /// Whether frame `i` is loud enough to be speech rather than the recording's background.
    pub(crate) fn is_loud(&self, i: usize) -> bool {
        self.energy.get(i).is_some_and(|&e| e >= self.loud_above)
    }

    /// What the start of the syllable spanning `span` (ms) shows, or `None` when it shows
    /// nothing either way.
    pub fn onset(&self, span: (u32, u32)) -> Option<Onset> {
        let run = self.noise_run(span);
        let ms = run.frames.len() as u32 * HOP_MS;
        if run.is_measurement() {
            // Over background noise a short release may be a long one whose breath is drowned:
            // only a long one is a measurement there.
            return Some(if self.noise_bound && ms <= SHORT_UNDER_NOISE_MS {
                Onset::NoBreathSeen
            } else {
                Onset::Noise(ms)
            });
        }
        run.saw_vowel.then_some(Onset::NoBreathSeen)
    }
}

/// Loud, aperiodic frames in a row at a syllable's start: a stop's burst and breath, or a
/// fricative's hiss.
#[derive(Debug, Default)]
pub(crate) struct NoiseRun {
    /// Frame indices (5 ms apart, 25 ms long).
    pub frames: std::ops::Range<usize>,
    pub saw_vowel: bool,
}

impl NoiseRun {
    /// Fewer frames than MIN_FRAMES is no measurement: every release makes some noise.
    pub fn is_measurement(&self) -> bool {
        self.frames.len() >= MIN_FRAMES
    }
}

/// What the start of a stop syllable shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Onset {
    /// Milliseconds of noise (burst and aspiration) before the vowel.
    Noise(u32),
    /// No breath before the vowel: its voicing began with no noise to speak of, or after a
    /// short noise where background noise could hide the faint end of a breath. A plain b d g
    /// shows this (in connected speech it is often voiced right through); so may a p t k whose
    /// breath was drowned or whose span was placed late. So it corroborates a plain stop and
    /// never convicts an aspirated one.
    NoBreathSeen,
}

/// Synthetic sounds for the onset tests here and in the `sibilant` module.
#[cfg(test)]
pub(crate) mod test_audio {
    use crate::pitch::SAMPLE_RATE;

    /// Deterministic white-ish noise from a linear congruential generator.
    pub fn noise(n: usize, amplitude: f32, seed: &mut u32) -> Vec<f32> {
        (0..n)
            .map(|_| {
                *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                amplitude * ((*seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5)
            })
            .collect()
    }

    /// `parts` one after another, with `lead_ms` of silence before and `tail_ms` after.
    pub fn in_silence(lead_ms: usize, parts: &[Vec<f32>], tail_ms: usize) -> Vec<f32> {
        let mut x = vec![0.0; lead_ms * SAMPLE_RATE as usize / 1000];
        parts.iter().for_each(|p| x.extend(p));
        x.extend(vec![0.0; tail_ms * SAMPLE_RATE as usize / 1000]);
        x
    }

    /// A steady vowel-like tone at 220 Hz with its second harmonic.
    pub fn vowel(ms: usize) -> Vec<f32> {
        let n = ms * SAMPLE_RATE as usize / 1000;
        (0..n)
            .map(|i| {
                let p = std::f32::consts::TAU * 220.0 * i as f32 / SAMPLE_RATE as f32;
                0.4 * (p.sin() + 0.4 * (2.0 * p).sin())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_audio::{in_silence, noise, vowel};
    use super::*;

    /// Silence, a release of `noise_ms` of noise, then a vowel; the syllable starts at 200 ms.
    fn syllable(noise_ms: usize) -> Vec<f32> {
        in_silence(200, &[noise(noise_ms * 16, 0.3, &mut 7), vowel(300)], 100)
    }

    #[test]
    fn an_aspirated_release_is_measured_long_and_an_unaspirated_one_short() {
        let breathed = syllable(90);
        let plain = syllable(10);
        let Some(Onset::Noise(long)) = OnsetFrames::new(&breathed).onset((200, 590)) else { panic!() };
        let Some(Onset::Noise(short)) = OnsetFrames::new(&plain).onset((200, 510)) else { panic!() };
        assert!((90..=125).contains(&long), "{long}");
        assert!((10..=40).contains(&short), "{short}");
    }

    #[test]
    fn breathy_noise_inside_the_vowel_is_not_part_of_the_release() {
        let mut seed = 11;
        let release = noise(10 * 16, 0.3, &mut seed);
        let breath = noise(100 * 16, 0.2, &mut seed);
        let x = in_silence(200, &[release, vowel(80), breath, vowel(150)], 100);
        let Some(Onset::Noise(ms)) = OnsetFrames::new(&x).onset((200, 540)) else { panic!() };
        assert!(ms <= 40, "{ms}");
    }

    #[test]
    fn over_background_noise_a_short_release_only_shows_no_breath_but_a_long_one_is_measured() {
        let mut seed = 5;
        let hiss = |x: &mut Vec<f32>, seed: &mut u32| {
            let n = noise(x.len(), 0.02, seed);
            x.iter_mut().zip(n).for_each(|(a, b)| *a += b);
        };
        let mut plain = syllable(10);
        hiss(&mut plain, &mut seed);
        assert_eq!(OnsetFrames::new(&plain).onset((200, 510)), Some(Onset::NoBreathSeen));
        let mut breathed = syllable(90);
        hiss(&mut breathed, &mut seed);
        let Some(Onset::Noise(ms)) = OnsetFrames::new(&breathed).onset((200, 590)) else { panic!() };
        assert!((90..=125).contains(&ms), "{ms}");
    }

    #[test]
    fn a_vowel_that_starts_without_noise_shows_no_breath() {
        let x = in_silence(200, &[vowel(300)], 100);
        assert_eq!(OnsetFrames::new(&x).onset((200, 500)), Some(Onset::NoBreathSeen));
    }

    #[test]
    fn a_span_with_neither_noise_nor_voice_shows_nothing() {
        let x = in_silence(200, &[vowel(300)], 400);
        assert_eq!(OnsetFrames::new(&x).onset((600, 800)), None);
    }

    #[test]
    fn quiet_background_hiss_is_not_taken_for_a_release() {
        let mut seed = 3;
        let mut x = noise(200 * 16, 0.002, &mut seed);
        x.extend(vowel(300));
        x.extend(noise(100 * 16, 0.002, &mut seed));
        assert_eq!(OnsetFrames::new(&x).onset((200, 500)), Some(Onset::NoBreathSeen));
    }
}
