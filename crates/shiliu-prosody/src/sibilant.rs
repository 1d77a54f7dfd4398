//! Where a sibilant was made: flat (平舌 z c s, the tongue tip behind the teeth) or retroflex
//! (翘舌 zh ch sh, the tip curled back).
//!
//! The recogniser is a poor judge of this: it hears 吃饭 in "cifan" when it expects 吃饭. The
//! hiss itself tells them apart: the longer front cavity of a retroflex puts its noise lower,
//! so more of its energy falls in 2–4.5 kHz than a flat sibilant's, which peaks near 6–8 kHz.
//! Where the boundary lies differs a lot between voices (one native speaker's sh has less low
//! energy than a synthetic voice's s), so a hiss is only judged against the same speaker's own
//! earlier flat and retroflex sibilants ([`SibilantReference`]).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use shiliu_pinyin::Initial;

use crate::onset::{OnsetFrames, WINDOW};
use crate::pitch::SAMPLE_RATE;
use crate::recent::RecentValues;

/// Where a sibilant is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// z c s
    Flat,
    /// zh ch sh
    Retroflex,
}

/// The place of a sibilant initial; `None` for every other initial.
pub fn place_of(initial: Initial) -> Option<Place> {
    match initial {
        Initial::Z | Initial::C | Initial::S => Some(Place::Flat),
        Initial::Zh | Initial::Ch | Initial::Sh => Some(Place::Retroflex),
        _ => None,
    }
}

/// The band the share is taken of (sibilant noise lives above 2 kHz; 7.8 kHz is just under the
/// Nyquist frequency of 16 kHz audio) and where it is split.
const BAND_FROM_HZ: f32 = 2000.0;
const SPLIT_HZ: f32 = 4500.0;
const BAND_TO_HZ: f32 = 7800.0;

/// Cosine and sine of 2πm/N for one analysis window, and its Hann taper.
struct Tables {
    cos: Vec<f32>,
    sin: Vec<f32>,
    hann: Vec<f32>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let n = WINDOW as f32;
        let angle = |m: usize| std::f32::consts::TAU * m as f32 / n;
        Tables {
            cos: (0..WINDOW).map(|m| angle(m).cos()).collect(),
            sin: (0..WINDOW).map(|m| angle(m).sin()).collect(),
            hann: (0..WINDOW).map(|m| 0.5 - 0.5 * angle(m).cos()).collect(),
        }
    })
}

/// Width of one DFT bin of an analysis window, Hz.
pub(crate) const BIN_HZ: f32 = SAMPLE_RATE as f32 / WINDOW as f32;

/// The DFT bin nearest `hz`.
pub(crate) fn bin_of(hz: f32) -> usize {
    ((hz / BIN_HZ).round() as usize).min(WINDOW / 2)
}

/// Energy of one frame in each DFT bin from `from_hz` up to `to_hz`, windowed once (a plain
/// DFT: only ~150 bins of a few frames are needed, so no FFT), bin [`bin_of`]`(from_hz)` first.
/// Shared by the hiss and the vowel measures.
pub(crate) fn bin_energies(frame: &[f32], from_hz: f32, to_hz: f32) -> Vec<f32> {
    let t = tables();
    let mean = frame.iter().sum::<f32>() / frame.len() as f32;
    let x: Vec<f32> = frame.iter().zip(&t.hann).map(|(v, w)| (v - mean) * w).collect();
    (bin_of(from_hz)..bin_of(to_hz))
        .map(|k| {
            let (mut re, mut im) = (0.0f32, 0.0f32);
            for (m, v) in x.iter().enumerate() {
                let idx = (k * m) % WINDOW;
                re += v * t.cos[idx];
                im -= v * t.sin[idx];
            }
            re * re + im * im
        })
        .collect()
}

/// Energy of one frame in `from_hz`–`split_hz` and in `split_hz`–`to_hz`.
pub(crate) fn split_band_energy(frame: &[f32], from_hz: f32, split_hz: f32, to_hz: f32) -> (f32, f32) {
    let energies = bin_energies(frame, from_hz, to_hz);
    let below = bin_of(split_hz).saturating_sub(bin_of(from_hz)).min(energies.len());
    (energies[..below].iter().sum(), energies[below..].iter().sum())
}

impl OnsetFrames<'_> {
    /// The share of the hiss at the start of the syllable spanning `span` (ms) that lies in
    /// 2–4.5 kHz, of all its energy in 2–7.8 kHz; `None` when no hiss was found.
    pub fn hiss_low_share(&self, span: (u32, u32)) -> Option<f32> {
        let run = self.noise_run(span);
        if !run.is_measurement() {
            return None;
        }
        let (mut low, mut all) = (0.0f32, 0.0f32);
        for i in run.frames {
            let (l, h) = split_band_energy(self.frame(i), BAND_FROM_HZ, SPLIT_HZ, BAND_TO_HZ);
            low += l;
            all += l + h;
        }
        (all > 0.0).then(|| low / all)
    }
}

/// A speaker whose two places differ by less than this share is not told apart reliably by
/// the hiss (or merges them: then nothing is judged, rather than everything).
const MIN_SEPARATION: f32 = 0.2;
/// A hiss within this fraction of the way from the other place's median towards the expected
/// one's sounded like the other place.
const OTHER_SIDE_WITHIN: f32 = 0.3;

/// Until the speaker has said enough flat sibilants, a retroflex hiss is judged against their
/// own retroflex hisses alone: with at least this many kept, one this far below their median
/// sounded flat. Retroflex hisses sit steadily within a speaker (0.67–0.91 for one native
/// voice, 0.13–0.42 for another, 0.54–0.89 for the synthetic one; a native's lowest lies 0.4
/// under their median), while flat ones vary more between recordings, so only this direction
/// is judged alone. A speaker who merges the two has a low retroflex median and is not judged.
const OWN_ONLY_FROM: usize = 6;
const FAR_BELOW_OWN: f32 = 0.5;
/// In the same case, a retroflex hiss at most this far below the speaker's median sounded like
/// their own retroflex.
const NEAR_OWN: f32 = 0.1;

/// One speaker's flat and retroflex hisses, kept with their pitch profile.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SibilantReference {
    pub flat: RecentValues,
    pub retroflex: RecentValues,
}

impl SibilantReference {
    /// Keeps the hiss of a sibilant that was judged to have been said as expected.
    pub fn record(&mut self, place: Place, share: f32) {
        if share.is_finite() {
            let recent = match place {
                Place::Flat => &mut self.flat,
                Place::Retroflex => &mut self.retroflex,
            };
            recent.push(share.clamp(0.0, 1.0));
        }
    }

    /// The other place, when a hiss expected at `expected` sounded like it against this
    /// speaker's own references; `None` when it did not, or the references cannot tell.
    pub fn contradicts(&self, expected: Place, share: f32) -> Option<Place> {
        let retroflex = self.retroflex.median()?;
        let Some(flat) = self.flat.median() else {
            // Before any flat reference: only a retroflex far below the speaker's own.
            let far_below = expected == Place::Retroflex
                && self.retroflex.len() >= OWN_ONLY_FROM
                && share < retroflex - FAR_BELOW_OWN;
            return far_below.then_some(Place::Flat);
        };
        let gap = retroflex - flat;
        if gap < MIN_SEPARATION {
            return None;
        }
        // 0 at the speaker's flat median, 1 at their retroflex median.
        let position = (share - flat) / gap;
        match expected {
            Place::Retroflex if position < OTHER_SIDE_WITHIN => Some(Place::Flat),
            Place::Flat if position > 1.0 - OTHER_SIDE_WITHIN => Some(Place::Retroflex),
            _ => None,
        }
    }

    /// Whether a hiss expected at `expected` clearly sounded like this speaker's own hisses of
    /// that place (the mirror of [`Self::contradicts`]).
    pub fn confirms(&self, expected: Place, share: f32) -> bool {
        let Some(retroflex) = self.retroflex.median() else { return false };
        let Some(flat) = self.flat.median() else {
            return expected == Place::Retroflex
                && self.retroflex.len() >= OWN_ONLY_FROM
                && share >= retroflex - NEAR_OWN;
        };
        let gap = retroflex - flat;
        if gap < MIN_SEPARATION {
            return false;
        }
        let position = (share - flat) / gap;
        match expected {
            Place::Retroflex => position > 1.0 - OTHER_SIDE_WITHIN,
            Place::Flat => position < OTHER_SIDE_WITHIN,
        }
    }

    pub(crate) fn is_valid(&self) -> bool {
        self.flat.is_valid(0.0..=1.0) && self.retroflex.is_valid(0.0..=1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::onset::test_audio::{in_silence, noise, vowel};
    use crate::recent::{JUDGES_FROM, KEPT};

    /// White noise high-passed (`bright`, a flat hiss) or low-passed (a retroflex one) by a
    /// first difference or a leaky sum.
    fn hiss(n: usize, bright: bool, seed: &mut u32) -> Vec<f32> {
        let mut prev = 0.0;
        noise(n, 1.0, seed)
            .iter()
            .map(|&w| {
                let y = if bright { w - prev } else { 0.5 * prev + w };
                prev = if bright { w } else { y };
                0.3 * y
            })
            .collect()
    }

    /// Silence, 120 ms of hiss, a vowel: the syllable starts at 200 ms.
    fn syllable(bright: bool) -> Vec<f32> {
        in_silence(200, &[hiss(120 * 16, bright, &mut 3), vowel(250)], 100)
    }

    #[test]
    fn a_darker_hiss_has_more_of_its_energy_low() {
        let flat = OnsetFrames::new(&syllable(true)).hiss_low_share((200, 570)).unwrap();
        let retroflex = OnsetFrames::new(&syllable(false)).hiss_low_share((200, 570)).unwrap();
        assert!(retroflex > flat + 0.2, "retroflex {retroflex}, flat {flat}");
    }

    #[test]
    fn a_syllable_without_hiss_has_no_share() {
        let x = in_silence(200, &[vowel(300)], 100);
        assert_eq!(OnsetFrames::new(&x).hiss_low_share((200, 500)), None);
    }

    fn reference(flat: &[f32], retroflex: &[f32]) -> SibilantReference {
        let mut r = SibilantReference::default();
        flat.iter().for_each(|&s| r.record(Place::Flat, s));
        retroflex.iter().for_each(|&s| r.record(Place::Retroflex, s));
        r
    }

    #[test]
    fn a_retroflex_said_with_the_speakers_own_flat_hiss_sounded_flat() {
        let r = reference(&[0.05, 0.1, 0.08, 0.04, 0.12, 0.06], &[0.3, 0.35, 0.28, 0.4, 0.33, 0.31]);
        assert_eq!(r.contradicts(Place::Retroflex, 0.07), Some(Place::Flat));
        assert_eq!(r.contradicts(Place::Retroflex, 0.3), None);
        assert_eq!(r.contradicts(Place::Flat, 0.34), Some(Place::Retroflex));
        assert_eq!(r.contradicts(Place::Flat, 0.08), None);
    }

    #[test]
    fn before_any_flat_reference_only_a_retroflex_far_below_the_speakers_own_sounded_flat() {
        let r = reference(&[], &[0.7, 0.8, 0.75, 0.85, 0.72, 0.78]);
        assert_eq!(r.contradicts(Place::Retroflex, 0.2), Some(Place::Flat));
        assert_eq!(r.contradicts(Place::Retroflex, 0.4), None, "a low native retroflex");
        assert_eq!(r.contradicts(Place::Flat, 0.9), None, "flat hisses are not judged alone");
        let few = reference(&[], &[0.7, 0.8, 0.75, 0.85, 0.72]);
        assert_eq!(few.contradicts(Place::Retroflex, 0.1), None, "too few of the speaker's own yet");
        let merger = reference(&[], &[0.2; 8]);
        assert_eq!(merger.contradicts(Place::Retroflex, 0.05), None);
    }

    #[test]
    fn a_hiss_like_the_speakers_own_for_its_place_is_confirmed() {
        let r = reference(&[0.05, 0.1, 0.08, 0.04, 0.12, 0.06], &[0.3, 0.35, 0.28, 0.4, 0.33, 0.31]);
        assert!(r.confirms(Place::Retroflex, 0.32));
        assert!(r.confirms(Place::Flat, 0.09));
        assert!(!r.confirms(Place::Retroflex, 0.2), "between the two places");
        assert!(!r.confirms(Place::Flat, 0.3));
        let own_only = reference(&[], &[0.7, 0.8, 0.75, 0.85, 0.72, 0.78]);
        assert!(own_only.confirms(Place::Retroflex, 0.74));
        assert!(!own_only.confirms(Place::Retroflex, 0.6));
        assert!(!own_only.confirms(Place::Flat, 0.1), "flat hisses are not judged alone");
    }

    #[test]
    fn a_share_between_the_two_places_is_not_judged() {
        let r = reference(&[0.2; 6], &[0.7; 6]);
        assert_eq!(r.contradicts(Place::Retroflex, 0.45), None);
        assert_eq!(r.contradicts(Place::Flat, 0.45), None);
    }

    #[test]
    fn nothing_is_judged_before_the_speaker_has_said_enough_retroflex_sibilants() {
        let r = reference(&[0.05; KEPT], &[0.8; JUDGES_FROM - 1]);
        assert_eq!(r.contradicts(Place::Retroflex, 0.05), None);
        assert_eq!(r.contradicts(Place::Flat, 0.8), None);
    }

    #[test]
    fn a_speaker_who_merges_the_places_is_not_judged_on_them() {
        let r = reference(&[0.2; 8], &[0.3; 8]);
        assert_eq!(r.contradicts(Place::Retroflex, 0.1), None);
    }

    #[test]
    fn the_reference_follows_the_speakers_latest_hisses() {
        let mut r = reference(&[0.05; 12], &[0.4; 12]);
        (0..KEPT).for_each(|_| r.record(Place::Flat, 0.3));
        assert_eq!(r.contradicts(Place::Retroflex, 0.1), None, "the old flat hisses are forgotten");
    }

    #[test]
    fn a_reference_from_storage_with_impossible_shares_is_invalid() {
        let mut r = reference(&[0.1; 3], &[]);
        assert!(r.is_valid());
        r.flat.values[0] = f32::NAN;
        assert!(!r.is_valid());
    }
}
