//! What each syllable shows in the audio itself, independently of the recogniser (which often
//! hears the word it expects): a stop's release, a sibilant's hiss, an i or ü vowel's
//! brightness; and how the hiss and the vowel compare with the speaker's own earlier ones.

use shiliu_audio::quality::QualityReport;
use shiliu_prosody::{
    OnsetFrames, Place, ProsodyAnalysis, Rounding, SpeakerProfile, VowelMeasure, is_stop, place_of, rounding_of,
};

use crate::expected::{Expected, Task};
use crate::result::Verdict;
use crate::verdict::{Judgement, Release};

/// The measurements, one entry per expected syllable (`None` where not measured).
pub(super) struct Onsets {
    /// A stop's release.
    pub releases: Vec<Option<Release>>,
    /// A sibilant's place and the low share of its hiss ([`OnsetFrames::hiss_low_share`]).
    pub hisses: Vec<Option<(Place, f32)>>,
    /// An i or ü vowel's expected rounding and its measure (brightness at each band scale,
    /// upper formant peak).
    pub vowels: Vec<Option<(Rounding, VowelMeasure)>>,
}

/// How the hisses and vowels sounded against the speaker's own.
pub(super) struct AgainstSpeaker {
    /// The place a hiss clearly sounded made, when it did.
    pub hisses: Vec<Option<Place>>,
    /// How an ü sounded against the speaker's i vowels, when that was clear.
    pub vowels: Vec<Option<Rounding>>,
}

impl Onsets {
    /// Measures each syllable, only in syllables and words: in reading, syllables are short and
    /// their boundaries loose, so an onset measured there mixes in its neighbours' noise.
    /// Background noise drowns the faint end of an aspiration (with white noise 20 dB under
    /// the speech, 4 of 36 native p/t/k read as unaspirated) and masks a hiss's spectrum, so a
    /// recording flagged noisy is not measured either.
    pub fn measure(expected: &Expected, audio: &[f32], prosody: &ProsodyAnalysis, report: &QualityReport) -> Onsets {
        let n = expected.syllables.len();
        if expected.task == Task::Reading || report.flags.contains(&shiliu_audio::QualityFlag::Noisy) {
            return Onsets { releases: vec![None; n], hisses: vec![None; n], vowels: vec![None; n] };
        }
        let frames = OnsetFrames::new(audio);
        let spans =
            || expected.syllables.iter().zip(&prosody.syllables).map(|(s, p)| (s.syllable(), (p.start_ms, p.end_ms)));
        let releases = spans()
            .map(|(syl, (start, end))| {
                if !is_stop(syl.initial) {
                    return None;
                }
                Some(Release { onset: frames.onset((start, end))?, syllable_ms: end.saturating_sub(start) })
            })
            .collect();
        let hisses = spans().map(|(syl, span)| Some((place_of(syl.initial)?, frames.hiss_low_share(span)?))).collect();
        let vowels = spans().map(|(syl, span)| Some((rounding_of(syl.final_)?, frames.vowel(span)?))).collect();
        Onsets { releases, hisses, vowels }
    }

    /// Hisses and ü vowels judged against the speaker's hisses and i vowels from earlier
    /// attempts; nothing is judged for a speaker not heard before.
    pub fn against(&self, speaker: Option<&SpeakerProfile>) -> AgainstSpeaker {
        let hisses = self
            .hisses
            .iter()
            .map(|hiss| {
                let (place, share) = (*hiss)?;
                let reference = speaker?.sibilants;
                reference.contradicts(place, share).or_else(|| reference.confirms(place, share).then_some(place))
            })
            .collect();
        let vowels = self
            .vowels
            .iter()
            .map(|v| v.and_then(|(expected, m)| speaker?.vowels.judge(expected, m.brightness)))
            .collect();
        AgainstSpeaker { hisses, vowels }
    }

    /// Keeps syllable `k`'s hiss and i vowel in the speaker's profile for next time, when they
    /// were said as expected. A hiss is kept unless the initial was judged an error or the hiss
    /// itself sounded wrong: the recogniser's mere doubt is weak evidence on this very contrast.
    pub fn record(&self, k: usize, judged: &Judgement, sounded: &AgainstSpeaker, speaker: &mut SpeakerProfile) {
        if let Some((place, share)) = self.hisses[k] {
            let hiss_agreed = sounded.hisses[k].is_none_or(|p| p == place);
            if judged.initial_ok || (judged.verdict != Verdict::Error && hiss_agreed) {
                speaker.sibilants.record(place, share);
            }
        }
        if let (Some((Rounding::Unrounded, m)), true) = (self.vowels[k], judged.final_ok) {
            speaker.vowels.record_unrounded(m.brightness, m.peak_hz);
        }
    }
}
