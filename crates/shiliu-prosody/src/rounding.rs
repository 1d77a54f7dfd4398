//! Whether a high front vowel was rounded: i (衣) or ü (鱼).
//!
//! Whisper base hears many native ü as i (雨 as 以, 绿 as 立, 语法 as 以法), and the i/ü
//! contrast is one the scorer must teach. The vowel itself tells them apart: rounding the lips
//! lowers the second and third formants, so an i has much more of its energy in 2.6–4.2 kHz,
//! relative to 1.5–2.6 kHz, than an ü. How much more depends on the voice, so a vowel is only
//! judged against the same speaker's own earlier i vowels ([`RoundingReference`]); i is common
//! enough that the reference fills quickly. A child's formants sit about a quarter higher than
//! a woman's: a child's ü then has its lowered formants in the upper band too, as bright as
//! their i. So the bands follow the voice, scaled by where the speaker's own i has its upper
//! formants (measured through a 25 % higher voice, the synthetic voice's ü fell from as bright
//! as its i to 1.3 under it, as for the voice itself).
//!
//! Measured on lone syllables and words of the test sets (log ratio, speaker's i median): one
//! native voice's i 0.4–3.7 (median 1.5) and ü −2.0 to −0.6; another's i 1.0–4.2 (2.9) and ü
//! −1.4 to 2.0; the synthetic voice's i median 2.0, its ü said as i 1.0–3.2.

use serde::{Deserialize, Serialize};
use shiliu_pinyin::Final;

use crate::onset::OnsetFrames;
use crate::recent::RecentValues;
use crate::sibilant::{BIN_HZ, bin_energies, bin_of};

/// The bands whose energies are compared: above the split, where an i's second and third
/// formants lie; below it, where a ü's second formant lies.
const FROM_HZ: f32 = 1500.0;
const SPLIT_HZ: f32 = 2600.0;
const TO_HZ: f32 = 4200.0;
/// The bands suit a voice whose i has its upper formant peak here (the synthetic voice's; the
/// native voices' lie 2.7–4.0 kHz). Every i and ü is also measured in bands scaled up for
/// higher voices, and a voice is judged in the bands nearest its own i's peak over this. Lower
/// voices keep the bands: scaled down for two native voices whose i peaks lower, their ü and
/// i measured further apart only with the bands as they are.
const REFERENCE_I_PEAK_HZ: f32 = 3125.0;
/// The band scales every vowel is measured at (keeping each scale's own record of the
/// speaker's i vowels, a voice's changing scale never leaves it without one).
pub const BAND_SCALES: [f32; 3] = [1.0, 1.2, 1.4];
/// A vowel's brightness at each of [`BAND_SCALES`].
pub type Brightness = [f32; 3];
/// The upper formant peak of an i is sought in this range, on a spectrum smoothed over this
/// many Hz: an i's second and third formants lie 500–900 Hz apart, and the hump they make
/// together moves with the voice more steadily than either (a child's harmonics, 300–400 Hz
/// apart, favour one or the other).
const PEAK_SEARCH_HZ: (f32, f32) = (2000.0, 6000.0);
const PEAK_SMOOTHING_HZ: f32 = 800.0;

/// The part of the syllable measured: its middle, away from the initial's noise and from the
/// transition into the next syllable.
const MIDDLE: (f32, f32) = (0.3, 0.75);
/// Fewer loud frames than this (5 ms apart) is no measurement.
const MIN_FRAMES: usize = 4;

/// An unrounded i or a rounded ü.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    Unrounded,
    Rounded,
}

/// The rounding a final's vowel should have, for the two finals this is measured on (i after
/// b p m d t n l j q x and y; ü); `None` for every other final.
pub fn rounding_of(final_: Final) -> Option<Rounding> {
    match final_ {
        Final::I => Some(Rounding::Unrounded),
        Final::V => Some(Rounding::Rounded),
        _ => None,
    }
}

impl OnsetFrames<'_> {
    /// The loud frames in the middle of the syllable spanning `span` (ms), if enough of them.
    fn vowel_frames(&self, span: (u32, u32)) -> Option<Vec<usize>> {
        let length = span.1.saturating_sub(span.0) as f32;
        let at = |share: f32| span.0 + (share * length) as u32;
        let frames: Vec<usize> = self.frames_between(at(MIDDLE.0), at(MIDDLE.1)).filter(|&i| self.is_loud(i)).collect();
        (frames.len() >= MIN_FRAMES).then_some(frames)
    }

    /// The vowel in the middle of the syllable spanning `span` (ms), measured once for both
    /// questions; `None` when too little of it is loud.
    pub fn vowel(&self, span: (u32, u32)) -> Option<VowelMeasure> {
        // One spectrum of the frames, 1.5–6 kHz, serves every band scale and the peak.
        let mut total: Vec<f32> = Vec::new();
        for i in self.vowel_frames(span)? {
            let energies = bin_energies(self.frame(i), FROM_HZ, PEAK_SEARCH_HZ.1);
            total.resize(energies.len(), 0.0);
            total.iter_mut().zip(&energies).for_each(|(t, e)| *t += e);
        }
        // Index into `total`, which starts at FROM_HZ's bin.
        let at = |hz: f32| bin_of(hz).saturating_sub(bin_of(FROM_HZ)).min(total.len());
        let energy = |from: f32, to: f32| total[at(from)..at(to)].iter().sum::<f32>();
        let mut brightness = [0.0; 3];
        for (b, scale) in brightness.iter_mut().zip(BAND_SCALES) {
            let (below, above) = (energy(FROM_HZ * scale, SPLIT_HZ * scale), energy(SPLIT_HZ * scale, TO_HZ * scale));
            if below <= 0.0 || above <= 0.0 {
                return None;
            }
            *b = (above / below).ln();
        }
        // The upper formant peak, on the spectrum smoothed over PEAK_SMOOTHING_HZ.
        let search = at(PEAK_SEARCH_HZ.0)..total.len();
        let half = ((PEAK_SMOOTHING_HZ / BIN_HZ / 2.0).round() as usize).max(1);
        let smoothed = |k: usize| {
            total[k.saturating_sub(half).max(search.start)..(k + half + 1).min(total.len())].iter().sum::<f32>()
        };
        let peak_hz = search
            .clone()
            .max_by(|&a, &b| smoothed(a).total_cmp(&smoothed(b)))
            .filter(|&k| smoothed(k) > 0.0)
            .map(|k| (bin_of(FROM_HZ) + k) as f32 * BIN_HZ);
        Some(VowelMeasure { brightness, peak_hz })
    }
}

/// An i or ü vowel as measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VowelMeasure {
    /// The natural log of the vowel's energy in 2.6–4.2 kHz over its energy in 1.5–2.6 kHz,
    /// with each edge at each of [`BAND_SCALES`].
    pub brightness: Brightness,
    /// Where its upper formants are strongest (Hz): for an i, its second and third together.
    pub peak_hz: Option<f32>,
}

/// An ü is heard as rounded when it is at least this much (in log ratio) less bright than the
/// speaker's own i: well outside the spread of one speaker's i (about ±1).
const ROUNDED_BELOW_OWN_I: f32 = 1.5;
/// An ü as bright as the speaker's own i, within this much, was said as an i.
const UNROUNDED_WITHIN_OWN_I: f32 = 0.5;
/// Brightness values kept are clamped to this range (a value out of it is damage).
const BRIGHTNESS_RANGE: f32 = 10.0;

/// One speaker's recent i vowels, kept with their pitch profile.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RoundingReference {
    /// Brightness of the i vowels in the bands as they are (scale 1).
    pub unrounded: RecentValues,
    /// The same in the bands scaled up (the other [`BAND_SCALES`]); absent from profiles
    /// stored before the bands followed the voice, as is ...
    #[serde(default)]
    pub unrounded_scaled: [RecentValues; 2],
    /// ... the upper formant peak of the i vowels (kHz, see [`VowelMeasure::peak_hz`]).
    #[serde(default)]
    pub i_peaks_khz: RecentValues,
}

impl RoundingReference {
    /// Which of [`BAND_SCALES`] suits this speaker's voice: the nearest to their i vowels'
    /// peak over the reference voice's (the first before enough i vowels).
    pub fn scale_index(&self) -> usize {
        let Some(peak_khz) = self.i_peaks_khz.median() else { return 0 };
        let wanted = peak_khz * 1000.0 / REFERENCE_I_PEAK_HZ;
        (0..BAND_SCALES.len())
            .min_by(|&a, &b| (BAND_SCALES[a] - wanted).abs().total_cmp(&(BAND_SCALES[b] - wanted).abs()))
            .unwrap_or(0)
    }

    fn ring(&self, k: usize) -> &RecentValues {
        if k == 0 { &self.unrounded } else { &self.unrounded_scaled[k - 1] }
    }

    /// Keeps an i that was judged to have been said as expected: its brightness at every
    /// scale and its upper formant peak.
    pub fn record_unrounded(&mut self, brightness: Brightness, peak_hz: Option<f32>) {
        if brightness.iter().all(|b| b.is_finite()) {
            let clamp = |b: f32| b.clamp(-BRIGHTNESS_RANGE, BRIGHTNESS_RANGE);
            self.unrounded.push(clamp(brightness[0]));
            for (ring, &b) in self.unrounded_scaled.iter_mut().zip(&brightness[1..]) {
                ring.push(clamp(b));
            }
        }
        if let Some(hz) = peak_hz.filter(|hz| hz.is_finite() && (PEAK_SEARCH_HZ.0..=PEAK_SEARCH_HZ.1).contains(hz)) {
            self.i_peaks_khz.push(hz / 1000.0);
        }
    }

    /// How an expected ü sounded against the speaker's own i vowels: clearly rounded, or as
    /// bright as their i; `None` in between, for any other vowel, or before enough i vowels.
    pub fn judge(&self, expected: Rounding, brightness: Brightness) -> Option<Rounding> {
        let k = self.scale_index();
        let own_i = self.ring(k).median()?;
        let brightness = brightness[k];
        match expected {
            Rounding::Rounded if brightness < own_i - ROUNDED_BELOW_OWN_I => Some(Rounding::Rounded),
            Rounding::Rounded if brightness > own_i - UNROUNDED_WITHIN_OWN_I => Some(Rounding::Unrounded),
            // An i said as ü is not judged: a native's own i ranges too far below their median
            // (one voice's 西 xi1 lay 2.3 under it).
            _ => None,
        }
    }

    pub(crate) fn is_valid(&self) -> bool {
        (0..BAND_SCALES.len()).all(|k| self.ring(k).is_valid(-BRIGHTNESS_RANGE..=BRIGHTNESS_RANGE))
            && self.i_peaks_khz.is_valid(0.0..=PEAK_SEARCH_HZ.1 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::onset::test_audio::in_silence;
    use crate::pitch::SAMPLE_RATE;

    /// A vowel at 220 Hz whose harmonics near `formants` (Hz) are strong.
    fn vowel_with_formants(ms: usize, formants: &[f32]) -> Vec<f32> {
        voice_with_formants(ms, 220.0, formants)
    }

    /// The same at `f0` Hz, with harmonics up to 7 kHz.
    fn voice_with_formants(ms: usize, f0: f32, formants: &[f32]) -> Vec<f32> {
        let n = ms * SAMPLE_RATE as usize / 1000;
        (0..n)
            .map(|i| {
                let t = i as f32 / SAMPLE_RATE as f32;
                (1..=(7000.0 / f0) as usize)
                    .map(|h| {
                        let hz = f0 * h as f32;
                        let near = formants.iter().map(|f| (-((hz - f) / 250.0).powi(2)).exp()).sum::<f32>();
                        (0.05 + near) * (std::f32::consts::TAU * hz * t).sin()
                    })
                    .sum::<f32>()
                    * 0.05
            })
            .collect()
    }

    fn brightness(formants: &[f32]) -> f32 {
        let x = in_silence(200, &[vowel_with_formants(300, formants)], 100);
        OnsetFrames::new(&x).vowel((200, 500)).unwrap().brightness[0]
    }

    #[test]
    fn an_i_is_brighter_than_an_u_with_its_lowered_formants() {
        let i = brightness(&[300.0, 2800.0, 3400.0]);
        let u = brightness(&[300.0, 2000.0, 2500.0]);
        assert!(i > u + 1.5, "i {i}, ü {u}");
    }

    /// A voice a fifth higher than `adult` in pitch and formants (a child's are about a quarter).
    fn child(adult: &[f32]) -> Vec<f32> {
        adult.iter().map(|f| f * 1.2).collect()
    }

    fn measured(f0: f32, formants: &[f32]) -> (OnsetFrames<'static>, (u32, u32)) {
        let x = in_silence(200, &[voice_with_formants(300, f0, formants)], 100);
        (OnsetFrames::new(Box::leak(x.into_boxed_slice())), (200, 500))
    }

    #[test]
    fn a_childs_vowels_measure_in_their_scaled_bands_as_a_womans_do_in_hers() {
        let brightness = |f0: f32, formants: &[f32]| {
            let (frames, span) = measured(f0, formants);
            frames.vowel(span).unwrap().brightness
        };
        for vowel in [[300.0, 2800.0, 3400.0], [300.0, 2000.0, 2500.0]] {
            let woman = brightness(220.0, &vowel)[0];
            let young = brightness(264.0, &child(&vowel))[1];
            assert!((young - woman).abs() < 0.5, "{vowel:?}: {woman} vs {young}");
        }
        // In a woman's bands the child's ü, its formants lifted into the upper band, is bright.
        let u = [300.0, 2000.0, 2500.0];
        let (woman, unscaled) = (brightness(220.0, &u)[0], brightness(264.0, &child(&u))[0]);
        assert!(unscaled > woman + 1.5, "ü: {woman} vs {unscaled}");
    }

    #[test]
    fn an_is_upper_formant_peak_follows_the_voice() {
        let i = [300.0, 2800.0, 3400.0];
        let (frames, span) = measured(220.0, &i);
        let adult = frames.vowel(span).unwrap().peak_hz.unwrap();
        assert!((2700.0..=3500.0).contains(&adult), "{adult}");
        let (frames, span) = measured(264.0, &child(&i));
        let young = frames.vowel(span).unwrap().peak_hz.unwrap();
        assert!((young / adult - 1.2).abs() < 0.1, "{adult} -> {young}");
    }

    #[test]
    fn a_voice_is_judged_in_the_bands_that_suit_its_own_i_and_each_kept_its_record() {
        let mut r = RoundingReference::default();
        // A woman's i vowels, then a child's (upper formants near 4.4 kHz) on the same profile.
        (0..4).for_each(|_| r.record_unrounded([1.5, 0.5, -0.5], Some(3100.0)));
        assert_eq!(r.scale_index(), 0);
        assert_eq!(r.judge(Rounding::Rounded, [-1.0, 0.0, 0.0]), Some(Rounding::Rounded));
        (0..8).for_each(|_| r.record_unrounded([3.0, 2.0, 1.5], Some(4400.0)));
        assert_eq!(r.scale_index(), 2);
        // Judged at 1.4 against the i vowels' median there (1.5, every i kept there too).
        assert_eq!(r.judge(Rounding::Rounded, [3.0, 2.0, -0.5]), Some(Rounding::Rounded));
        assert_eq!(r.judge(Rounding::Rounded, [3.0, 2.0, 1.4]), Some(Rounding::Unrounded));
    }

    #[test]
    fn a_profile_stored_before_the_bands_followed_the_voice_reads_as_unscaled() {
        let old = r#"{"unrounded":{"values":[1.5,1.6,1.4,1.5,0,0,0,0,0,0,0,0],"len":4,"next":4}}"#;
        let r: RoundingReference = serde_json::from_str(old).unwrap();
        assert!(r.is_valid());
        assert_eq!(r.scale_index(), 0);
        assert_eq!(r.judge(Rounding::Rounded, [-1.0, 0.0, 0.0]), Some(Rounding::Rounded));
    }

    #[test]
    fn silence_has_no_brightness() {
        let x = vec![0.0; 8000];
        assert_eq!(OnsetFrames::new(&x).vowel((100, 400)), None);
    }

    fn reference(i_values: &[f32]) -> RoundingReference {
        let mut r = RoundingReference::default();
        i_values.iter().for_each(|&v| r.record_unrounded([v; 3], None));
        r
    }

    #[test]
    fn an_u_is_judged_against_the_speakers_own_i() {
        let r = reference(&[1.2, 1.6, 1.5, 2.0, 1.4]);
        assert_eq!(r.judge(Rounding::Rounded, [-1.0; 3]), Some(Rounding::Rounded));
        assert_eq!(r.judge(Rounding::Rounded, [1.3; 3]), Some(Rounding::Unrounded));
        assert_eq!(r.judge(Rounding::Rounded, [0.5; 3]), None, "between the two");
        assert_eq!(r.judge(Rounding::Unrounded, [-1.0; 3]), None, "an i said as ü is not judged");
    }

    #[test]
    fn nothing_is_judged_before_the_speaker_has_said_enough_i_vowels() {
        let r = reference(&[1.5, 1.6, 1.4]);
        assert_eq!(r.judge(Rounding::Rounded, [-3.0; 3]), None);
    }

    #[test]
    fn a_reference_from_storage_with_impossible_values_is_invalid() {
        let mut r = reference(&[1.0; 3]);
        assert!(r.is_valid());
        r.unrounded.values[0] = 50.0;
        assert!(!r.is_valid());
    }

    #[test]
    fn only_i_and_u_finals_are_measured() {
        assert_eq!(rounding_of(Final::I), Some(Rounding::Unrounded));
        assert_eq!(rounding_of(Final::V), Some(Rounding::Rounded));
        assert_eq!(rounding_of(Final::ApicalBack), None);
        assert_eq!(rounding_of(Final::Ie), None);
    }
}
