//! Whether a high front vowel was rounded: i (衣) or ü (鱼).
//!
//! Whisper base hears many native ü as i (雨 as 以, 绿 as 立, 语法 as 以法), and the i/ü
//! contrast is one the scorer must teach. The vowel itself tells them apart: rounding the lips
//! lowers the second and third formants, so an i has much more of its energy in 2.6–4.2 kHz,
//! relative to 1.5–2.6 kHz, than an ü. How much more depends on the voice (a child's formants
//! sit higher than a man's), so a vowel is only judged against the same speaker's own earlier
//! i vowels ([`RoundingReference`]); i is common enough that the reference fills quickly.
//!
//! Measured on lone syllables and words of the test sets (log ratio, speaker's i median): one
//! native voice's i 0.4–3.7 (median 1.5) and ü −2.0 to −0.6; another's i 1.0–4.2 (2.9) and ü
//! −1.4 to 2.0; the synthetic voice's i median 2.0, its ü said as i 1.0–3.2.

use serde::{Deserialize, Serialize};
use shiliu_pinyin::Final;

use crate::onset::OnsetFrames;
use crate::recent::RecentValues;
use crate::sibilant::split_band_energy;

/// The bands whose energies are compared: above the split, where an i's second and third
/// formants lie; below it, where a ü's second formant lies.
const FROM_HZ: f32 = 1500.0;
const SPLIT_HZ: f32 = 2600.0;
const TO_HZ: f32 = 4200.0;
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
    /// The natural log of the vowel's energy in 2.6–4.2 kHz over its energy in 1.5–2.6 kHz,
    /// in the middle of the syllable spanning `span` (ms); `None` when too little of it is loud.
    pub fn vowel_brightness(&self, span: (u32, u32)) -> Option<f32> {
        let length = span.1.saturating_sub(span.0) as f32;
        let at = |share: f32| span.0 + (share * length) as u32;
        let (mut below, mut above, mut frames) = (0.0f32, 0.0f32, 0usize);
        for i in self.frames_between(at(MIDDLE.0), at(MIDDLE.1)).filter(|&i| self.is_loud(i)) {
            let (b, a) = split_band_energy(self.frame(i), FROM_HZ, SPLIT_HZ, TO_HZ);
            below += b;
            above += a;
            frames += 1;
        }
        (frames >= MIN_FRAMES && below > 0.0 && above > 0.0).then(|| (above / below).ln())
    }
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
    pub unrounded: RecentValues,
}

impl RoundingReference {
    /// Keeps the brightness of an i that was judged to have been said as expected.
    pub fn record_unrounded(&mut self, brightness: f32) {
        if brightness.is_finite() {
            self.unrounded.push(brightness.clamp(-BRIGHTNESS_RANGE, BRIGHTNESS_RANGE));
        }
    }

    /// How an expected ü sounded against the speaker's own i vowels: clearly rounded, or as
    /// bright as their i; `None` in between, for any other vowel, or before enough i vowels.
    pub fn judge(&self, expected: Rounding, brightness: f32) -> Option<Rounding> {
        let own_i = self.unrounded.median()?;
        match expected {
            Rounding::Rounded if brightness < own_i - ROUNDED_BELOW_OWN_I => Some(Rounding::Rounded),
            Rounding::Rounded if brightness > own_i - UNROUNDED_WITHIN_OWN_I => Some(Rounding::Unrounded),
            // An i said as ü is not judged: a native's own i ranges too far below their median
            // (one voice's 西 xi1 lay 2.3 under it).
            _ => None,
        }
    }

    pub(crate) fn is_valid(&self) -> bool {
        self.unrounded.is_valid(-BRIGHTNESS_RANGE..=BRIGHTNESS_RANGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::onset::test_audio::in_silence;
    use crate::pitch::SAMPLE_RATE;

    /// A vowel at 220 Hz whose harmonics near `formants` (Hz) are strong.
    fn vowel_with_formants(ms: usize, formants: &[f32]) -> Vec<f32> {
        let n = ms * SAMPLE_RATE as usize / 1000;
        (0..n)
            .map(|i| {
                let t = i as f32 / SAMPLE_RATE as f32;
                (1..=18)
                    .map(|h| {
                        let hz = 220.0 * h as f32;
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
        OnsetFrames::new(&x).vowel_brightness((200, 500)).unwrap()
    }

    #[test]
    fn an_i_is_brighter_than_an_u_with_its_lowered_formants() {
        let i = brightness(&[300.0, 2800.0, 3400.0]);
        let u = brightness(&[300.0, 2000.0, 2500.0]);
        assert!(i > u + 1.5, "i {i}, ü {u}");
    }

    #[test]
    fn silence_has_no_brightness() {
        let x = vec![0.0; 8000];
        assert_eq!(OnsetFrames::new(&x).vowel_brightness((100, 400)), None);
    }

    fn reference(i_values: &[f32]) -> RoundingReference {
        let mut r = RoundingReference::default();
        i_values.iter().for_each(|&v| r.record_unrounded(v));
        r
    }

    #[test]
    fn an_u_is_judged_against_the_speakers_own_i() {
        let r = reference(&[1.2, 1.6, 1.5, 2.0, 1.4]);
        assert_eq!(r.judge(Rounding::Rounded, -1.0), Some(Rounding::Rounded));
        assert_eq!(r.judge(Rounding::Rounded, 1.3), Some(Rounding::Unrounded));
        assert_eq!(r.judge(Rounding::Rounded, 0.5), None, "between the two");
        assert_eq!(r.judge(Rounding::Unrounded, -1.0), None, "an i said as ü is not judged");
    }

    #[test]
    fn nothing_is_judged_before_the_speaker_has_said_enough_i_vowels() {
        let r = reference(&[1.5, 1.6, 1.4]);
        assert_eq!(r.judge(Rounding::Rounded, -3.0), None);
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
