//! Speaker normalisation: where a speaker's voice sits, so contours can be put on the same
//! semitone scale as [`shiliu_pinyin::target_contour`].
//!
//! Tone categories are relative: a first tone is high *for this speaker*. A [`SpeakerProfile`]
//! keeps the median and the 5th/95th percentiles of a speaker's F0. It can come from one
//! utterance, be updated from each attempt (the app stores it per student), or be missing.
//!
//! The drawing scale follows the pinyin crate: Chao level 3 (the middle of the range) is 0 st
//! and each level is 2.5 st, so levels 1–5 span −5…+5. A speaker's pitch in semitones relative
//! to the centre of their range is multiplied by `10 / range` (range = 95th − 5th percentile in
//! semitones, clamped to 7–14 st) when the range is known well, so a speaker with a wide range
//! and one with a narrow range both draw their tones over the same target.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pitch::{PitchTrack, hz_to_st, st_to_hz};
use crate::rounding::RoundingReference;
use crate::sibilant::SibilantReference;

/// Frames of voiced speech after which a profile's range is trusted for rescaling (10 s).
const TRUSTED_FRAMES: u32 = 1000;
/// How many frames an old profile counts for when updated, so it keeps adapting (children's
/// voices change) instead of freezing after a few hundred attempts.
const MEMORY_FRAMES: u32 = 6000;
/// Voiced frames needed before an utterance says anything about the speaker.
const MIN_FRAMES: usize = 10;
/// The semitone span Chao levels 1–5 cover on the drawing scale.
const NOMINAL_RANGE_ST: f32 = 10.0;
const MIN_RANGE_ST: f32 = 7.0;
const MAX_RANGE_ST: f32 = 14.0;
/// Without any profile, the centre of the range is guessed from population values: about
/// 120 Hz for men, 210 Hz for women and higher for children; 175 Hz sits between them and any
/// speaker's centre is within ~6 st of it.
const POPULATION_CENTRE_HZ: f32 = 175.0;
const POPULATION_SD_ST: f32 = 6.0;
/// The 95th percentile of a standard normal.
const Z95: f32 = 1.645;

/// Where one speaker's voice sits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpeakerProfile {
    pub median_hz: f32,
    /// 5th percentile of voiced F0.
    pub low_hz: f32,
    /// 95th percentile of voiced F0.
    pub high_hz: f32,
    /// Voiced frames (10 ms) the profile has seen.
    pub n_frames: u32,
    /// The speaker's own flat and retroflex hisses (profiles stored before it start empty).
    #[serde(default)]
    pub sibilants: SibilantReference,
    /// The speaker's own i vowels, to judge their ü against (profiles stored before it start
    /// empty).
    #[serde(default)]
    pub vowels: RoundingReference,
}

impl SpeakerProfile {
    /// The profile of the voiced frames of one track, if it has enough of them.
    pub fn estimate_from(track: &PitchTrack) -> Option<SpeakerProfile> {
        let mut st: Vec<f32> =
            track.frames.iter().filter(|f| f.voiced_prob >= 0.5).filter_map(|f| f.f0_hz).map(hz_to_st).collect();
        if st.len() < MIN_FRAMES {
            return None;
        }
        st.sort_by(f32::total_cmp);
        let q = |p: f32| st[((st.len() - 1) as f32 * p).round() as usize];
        Some(SpeakerProfile {
            median_hz: st_to_hz(q(0.5)),
            low_hz: st_to_hz(q(0.05)),
            high_hz: st_to_hz(q(0.95)),
            n_frames: st.len() as u32,
            sibilants: SibilantReference::default(),
            vowels: RoundingReference::default(),
        })
    }

    /// Folds one more attempt into the profile, with the old profile's weight capped so the
    /// profile follows a voice that changes.
    pub fn update(&mut self, track: &PitchTrack) {
        if let Some(new) = SpeakerProfile::estimate_from(track) {
            self.merge(&new);
        }
    }

    /// Merges another profile (for example one estimated from a single attempt) into this one.
    ///
    /// Averaging percentiles would be wrong: every isolated syllable has a narrow range, and
    /// the average of narrow ranges stays narrow however many tones were heard. Instead each
    /// profile is read as a normal distribution of log-F0 (centre between `low` and `high`,
    /// their distance 2 × 1.645 standard deviations), and the pooled mean and variance,
    /// which merge exactly, give the new `low` and `high`. The median is a weighted average.
    pub fn merge(&mut self, other: &SpeakerProfile) {
        let w_old = self.n_frames.min(MEMORY_FRAMES) as f32;
        let w_new = other.n_frames as f32;
        if w_old + w_new <= 0.0 {
            return;
        }
        let moments = |p: &SpeakerProfile| {
            let (lo, hi) = (hz_to_st(p.low_hz), hz_to_st(p.high_hz));
            ((lo + hi) / 2.0, ((hi - lo) / (2.0 * Z95)).powi(2))
        };
        let (m_old, v_old) = moments(self);
        let (m_new, v_new) = moments(other);
        let w = w_old + w_new;
        let mean = (w_old * m_old + w_new * m_new) / w;
        let var = (w_old * (v_old + (m_old - mean).powi(2)) + w_new * (v_new + (m_new - mean).powi(2))) / w;
        let half = Z95 * var.sqrt();
        self.median_hz = st_to_hz((w_old * hz_to_st(self.median_hz) + w_new * hz_to_st(other.median_hz)) / w);
        self.low_hz = st_to_hz(mean - half);
        self.high_hz = st_to_hz(mean + half);
        // Keep the median inside the range even for a skewed merge.
        self.median_hz = self.median_hz.clamp(self.low_hz, self.high_hz);
        self.n_frames = self.n_frames.saturating_add(other.n_frames);
    }

    /// Checks a profile that came from storage or the UI.
    pub fn validate(&self) -> Result<()> {
        let ok = |hz: f32| hz.is_finite() && hz > 0.0;
        if !(ok(self.median_hz) && ok(self.low_hz) && ok(self.high_hz)) {
            return Err(Error::InvalidProfile { reason: "frequencies must be positive" });
        }
        if !(self.low_hz <= self.median_hz && self.median_hz <= self.high_hz) {
            return Err(Error::InvalidProfile { reason: "low, median and high are out of order" });
        }
        if !self.vowels.is_valid() {
            return Err(Error::InvalidProfile {
                reason: "the vowel record is out of range (at most 12 values, each within ±10)",
            });
        }
        if !self.sibilants.is_valid() {
            return Err(Error::InvalidProfile {
                reason: "the sibilant record is out of range (shares lie in 0–1, at most 12 of each kind)",
            });
        }
        Ok(())
    }

    /// The range between the 5th and 95th percentiles in semitones.
    pub fn range_st(&self) -> f32 {
        hz_to_st(self.high_hz) - hz_to_st(self.low_hz)
    }
}

/// Where the reference for normalisation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceSource {
    /// A stored profile of this speaker.
    Profile,
    /// The attempt itself (several syllables with different tones span the range).
    Utterance,
    /// Nothing known: population values; register is then weak evidence.
    Population,
}

/// The mapping from Hz to the drawing scale, and how much to trust its centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Centre of the speaker's range (Chao level 3), in semitones re 1 Hz.
    pub centre_st: f32,
    /// Multiplier from the speaker's semitones to drawing-scale semitones.
    pub scale: f32,
    /// Standard deviation of the centre's error, in drawing-scale semitones.
    pub uncertainty_st: f32,
    pub source: ReferenceSource,
}

impl Reference {
    /// Chooses a reference: the profile if there is one, else the utterance when it has two or
    /// more syllables to span the range, else population values.
    pub fn choose(profile: Option<&SpeakerProfile>, track: &PitchTrack, syllables: usize) -> Reference {
        if let Some(p) = profile {
            let centre_st = (hz_to_st(p.low_hz) + hz_to_st(p.high_hz)) / 2.0;
            let trusted = p.n_frames >= TRUSTED_FRAMES;
            let scale = if trusted { NOMINAL_RANGE_ST / p.range_st().clamp(MIN_RANGE_ST, MAX_RANGE_ST) } else { 1.0 };
            // A profile from one or two attempts leans towards whatever tones they had.
            let uncertainty_st =
                if trusted { 1.0 } else { 1.0 + 2.0 * (1.0 - p.n_frames as f32 / TRUSTED_FRAMES as f32) };
            return Reference { centre_st, scale, uncertainty_st, source: ReferenceSource::Profile };
        }
        if syllables >= 2
            && let Some(p) = SpeakerProfile::estimate_from(track)
        {
            let centre_st = (hz_to_st(p.low_hz) + hz_to_st(p.high_hz)) / 2.0;
            // A few syllables rarely cover every tone; the centre moves with the mix.
            let uncertainty_st = 2.0 + 4.0 / syllables as f32;
            return Reference { centre_st, scale: 1.0, uncertainty_st, source: ReferenceSource::Utterance };
        }
        Reference::population()
    }

    pub fn population() -> Reference {
        Reference {
            centre_st: hz_to_st(POPULATION_CENTRE_HZ),
            scale: 1.0,
            uncertainty_st: POPULATION_SD_ST,
            source: ReferenceSource::Population,
        }
    }

    /// Hz to drawing-scale semitones.
    pub fn normalise(&self, hz: f32) -> f32 {
        (hz_to_st(hz) - self.centre_st) * self.scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pitch::PitchFrame;

    fn track_at(hz: &[f32]) -> PitchTrack {
        let frames = hz
            .iter()
            .enumerate()
            .map(|(i, &h)| PitchFrame {
                t_ms: i as u32 * 10,
                f0_hz: Some(h),
                voiced_prob: 1.0,
                raw_hz: Some(h),
                periodicity: 0.95,
                rms_db: -20.0,
                zcr: 0.05,
            })
            .collect();
        PitchTrack { hop_ms: 10, frames, speech_level_db: -20.0, reverberant: false }
    }

    #[test]
    fn profile_from_one_utterance_has_ordered_percentiles() {
        let hz: Vec<f32> = (0..100).map(|i| 150.0 + i as f32).collect();
        let p = SpeakerProfile::estimate_from(&track_at(&hz)).unwrap();
        assert!(p.low_hz < p.median_hz && p.median_hz < p.high_hz);
        assert!((p.median_hz - 200.0).abs() < 2.0, "{p:?}");
        assert_eq!(p.n_frames, 100);
        p.validate().unwrap();
    }

    #[test]
    fn too_little_voice_gives_no_profile() {
        assert!(SpeakerProfile::estimate_from(&track_at(&[200.0; 5])).is_none());
    }

    #[test]
    fn updates_move_towards_new_attempts_in_proportion_to_their_frames() {
        let mut p = SpeakerProfile::estimate_from(&track_at(&[200.0; 100])).unwrap();
        p.update(&track_at(&[400.0; 100]));
        // Equal weights: halfway on the log scale, i.e. 6 semitones up.
        assert!((p.median_hz - 282.8).abs() < 1.0, "{p:?}");
        assert_eq!(p.n_frames, 200);
        // Two level voices an octave apart pool into a wide range, not a narrow one.
        assert!(p.low_hz < 215.0 && p.high_hz > 370.0, "{p:?}");
        p.update(&track_at(&[400.0; 20]));
        assert!(p.median_hz > 282.8 && p.median_hz < 300.0, "{p:?}");
    }

    #[test]
    fn an_old_profile_still_adapts() {
        let mut p = SpeakerProfile {
            median_hz: 200.0,
            low_hz: 150.0,
            high_hz: 260.0,
            n_frames: 1_000_000,
            sibilants: SibilantReference::default(),
            vowels: RoundingReference::default(),
        };
        p.update(&track_at(&[300.0; 3000]));
        assert!(p.median_hz > 225.0, "{p:?}");
    }

    #[test]
    fn invalid_profiles_are_rejected_with_a_code() {
        let p = SpeakerProfile {
            median_hz: 100.0,
            low_hz: 150.0,
            high_hz: 260.0,
            n_frames: 10,
            sibilants: SibilantReference::default(),
            vowels: RoundingReference::default(),
        };
        assert_eq!(p.validate().unwrap_err().code(), "prosody.invalid_profile");
        let q = SpeakerProfile { median_hz: f32::NAN, ..p };
        assert!(q.validate().is_err());
    }

    #[test]
    fn a_trusted_wide_range_is_compressed_onto_the_drawing_scale() {
        let p = SpeakerProfile {
            median_hz: 220.0,
            low_hz: 110.0,
            high_hz: 330.0,
            n_frames: 5000,
            sibilants: SibilantReference::default(),
            vowels: RoundingReference::default(),
        };
        let r = Reference::choose(Some(&p), &track_at(&[]), 1);
        assert_eq!(r.source, ReferenceSource::Profile);
        // 19 st range, clamped to 14, mapped onto 10.
        assert!((r.scale - 10.0 / 14.0).abs() < 1e-4);
        assert!(r.normalise(330.0) > 0.0 && r.normalise(110.0) < 0.0);
    }

    #[test]
    fn without_profile_a_single_syllable_uses_population_values() {
        let r = Reference::choose(None, &track_at(&[300.0; 50]), 1);
        assert_eq!(r.source, ReferenceSource::Population);
        let r3 = Reference::choose(None, &track_at(&[300.0; 50]), 2);
        assert_eq!(r3.source, ReferenceSource::Utterance);
        assert!(r3.uncertainty_st < r.uncertainty_st);
    }
}
