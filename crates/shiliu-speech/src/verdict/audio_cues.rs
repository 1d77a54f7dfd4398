//! What the audio's own measures say about a contrast the recogniser may hear wrongly: a
//! stop's release noise (aspiration), a sibilant's hiss (zh/z) and an ü's vowel (i/ü), each
//! either ruling a candidate out or naming it as what was said.

use shiliu_pinyin::{Contrast, Syllable};
use shiliu_prosody::{Onset, Rounding, place_of, rounding_of};

use super::SegmentEvidence;
use crate::candidates::Candidate;

/// What a stop's release showed (see [`Onset`]) and how long its syllable lasted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Release {
    pub onset: Onset,
    pub syllable_ms: u32,
}

impl Release {
    /// Milliseconds of release noise; 0 when no breath was seen.
    pub fn noise_ms(&self) -> u32 {
        match self.onset {
            Onset::Noise(ms) => ms,
            Onset::NoBreathSeen => 0,
        }
    }
}

/// Release noise, as measured (it reads about 20 ms long), that says a stop was aspirated: at
/// least this long and this share of its syllable (Mandarin p t k breathe 60–120 ms, b d g
/// release within 30 ms).
const ASPIRATED_FROM_MS: u32 = 70;
const ASPIRATED_SHARE: f32 = 0.2;
/// Release noise this short says an aspirated stop was not breathed.
const UNASPIRATED_UP_TO_MS: u32 = 20;
/// A long release is not believed when the recogniser gives the breathed stop less than this
/// log-probability (e^-12, a few in a million).
const BREATHED_RIVAL_FLOOR: f32 = -12.0;

/// Whether the release was breathed (`Some(true)`), plainly released (`Some(false)`), or
/// neither clearly.
pub(super) fn release_says_aspirated(r: Release) -> Option<bool> {
    let noise_ms = r.noise_ms();
    if noise_ms >= ASPIRATED_FROM_MS && noise_ms as f32 >= ASPIRATED_SHARE * r.syllable_ms as f32 {
        Some(true)
    } else if noise_ms <= UNASPIRATED_UP_TO_MS {
        Some(false)
    } else {
        None
    }
}

/// Index of the expected stop's aspiration counterpart among the candidates (b for p, …).
pub(super) fn aspiration_counterpart(expected: &Syllable, candidates: &[Candidate]) -> Option<usize> {
    candidates.iter().position(|c| c.contrast == Some(Contrast::Aspiration) && c.syllable.initial != expected.initial)
}

/// The candidate the measured release rules out: the aspiration counterpart, when the release
/// clearly has the expected stop's own aspiration.
pub(super) fn ruled_out_by_release(expected: &Syllable, ev: &SegmentEvidence) -> Option<usize> {
    let agrees = release_says_aspirated(ev.release?)? == expected.initial.aspirated()?;
    if agrees { aspiration_counterpart(expected, ev.candidates) } else { None }
}

/// The aspiration counterpart the release says was said instead of the expected stop, if any.
pub(super) fn release_contradicts(expected: &Syllable, ev: &SegmentEvidence) -> Option<Syllable> {
    let release = ev.release?;
    // Seeing no breath is also what a drowned breath or a late span shows: it never convicts.
    if release.onset == Onset::NoBreathSeen {
        return None;
    }
    let aspirated = release_says_aspirated(release)?;
    if expected.initial.aspirated()? == aspirated {
        return None;
    }
    let j = aspiration_counterpart(expected, ev.candidates)?;
    // A long noise is also what a syllable span that slipped onto its neighbour's fricative or
    // affricate measures; a recogniser that all but rules the breathed stop out says so.
    let rival_lp = ev.forced.group_lp.get(j).copied().unwrap_or(f32::NEG_INFINITY);
    if aspirated && rival_lp < BREATHED_RIVAL_FLOOR {
        return None;
    }
    Some(ev.candidates[j].syllable)
}

/// Index of the candidate that differs from the target by `contrast` (zi for zhi, yi for yu).
pub(super) fn counterpart(ev: &SegmentEvidence, contrast: Contrast) -> Option<usize> {
    ev.candidates.iter().position(|c| c.contrast == Some(contrast))
}

/// How an expected ü's vowel sounded against the speaker's own i; `None` for other vowels.
pub(super) fn expected_u_sounded(expected: &Syllable, ev: &SegmentEvidence) -> Option<Rounding> {
    (rounding_of(expected.final_) == Some(Rounding::Rounded)).then_some(ev.vowel_sounded).flatten()
}

/// The i counterpart of an expected ü whose vowel was clearly rounded: the recogniser, which
/// hears many a native ü as i, is not believed on that.
pub(super) fn ruled_out_by_vowel(expected: &Syllable, ev: &SegmentEvidence) -> Option<usize> {
    (expected_u_sounded(expected, ev)? == Rounding::Rounded).then(|| counterpart(ev, Contrast::UnroundedRounded))?
}

/// The i counterpart an expected ü sounded like, as bright as the speaker's own i.
pub(super) fn vowel_contradicts(expected: &Syllable, ev: &SegmentEvidence) -> Option<Syllable> {
    (expected_u_sounded(expected, ev)? == Rounding::Unrounded)
        .then(|| counterpart(ev, Contrast::UnroundedRounded))?
        .map(|j| ev.candidates[j].syllable)
}

/// The flat/retroflex counterpart of an expected sibilant whose hiss sounded like the speaker's
/// own for the expected place.
pub(super) fn ruled_out_by_hiss(expected: &Syllable, ev: &SegmentEvidence) -> Option<usize> {
    (ev.hiss_sounded? == place_of(expected.initial)?).then(|| counterpart(ev, Contrast::FlatRetroflex))?
}

/// The flat/retroflex counterpart the hiss says was said instead of the expected sibilant.
pub(super) fn hiss_contradicts(ev: &SegmentEvidence) -> Option<Syllable> {
    let rival = ev.candidates[counterpart(ev, Contrast::FlatRetroflex)?].syllable;
    (place_of(rival.initial) == Some(ev.hiss_sounded?)).then_some(rival)
}
