//! The forced choice between the target and the texts an item names as its contrasts (老师 /
//! 老鼠, 山 / 扇): which one was most likely said.
//!
//! The recogniser's likelihood of a whole text is mostly its language model's: it prefers the
//! commoner word, and in context it hears no tone (scored on its own, it named the tone said
//! for 45 % of native lone syllables in a four-tone drill). So a contrast as long as the target
//! is weighed syllable by syllable where the two differ, with the evidence the verdicts use:
//! the pitch's tone probabilities, and for another sound, what the syllable's verdict heard
//! (where it heard neither, the recogniser's likelihood of each sound, summed over every
//! character with it), and a free transcript that wrote the contrast itself (四十 heard for 十四:
//! the verdicts, walked along the target, may hear its second syllable where the student said
//! the first). Between a neutral and a full reading of the same characters (东西 xi5 / xi1) the
//! pitch decides alone. A contrast of another length (老师 / 老师们), or a recording that was
//! no reading of the target, is weighed by the recogniser's likelihood of each text.

use shiliu_pinyin::{Syllable, Tone};

use crate::candidates::{Segments, segments};
use crate::result::ForcedChoice;
use crate::wrong_text::hanzi_in;

/// What one syllable of the attempt says about what was said there.
#[derive(Debug, Clone, Default)]
pub(super) struct SaidThere {
    /// The sounds the syllable's verdict heard, if it heard any.
    pub heard: Option<Segments>,
    /// Probabilities of tones 1–4 and neutral from the pitch, if it had any, with neutral
    /// weighed even where a full tone was expected (see `ToneEstimate::probs_with_neutral`).
    pub tone_probs: Option<[f32; 5]>,
    /// The syllable's verdict passed its tone: then the pitch may not make another full tone
    /// the choice (in connected speech natives' tones lean towards others' shapes often enough).
    pub tone_ok: bool,
    /// The recogniser's log-likelihood of each sound it was asked about there.
    pub sounds: Vec<(Segments, f32)>,
}

/// One text to choose between: as written, the recogniser's log-likelihood of it, and its
/// surface syllables.
pub(super) struct Choice<'a> {
    pub text: &'a str,
    pub lp: f32,
    pub syllables: Vec<Syllable>,
}

/// Evidence (nats) that a verdict's hearing gives one sound over another: as strong as the
/// verdicts' own line between a slip and a clean sound.
const HEARD_NATS: f32 = 4.0;
/// Tone probabilities are floored here: a pitch track never rules a tone out completely.
const TONE_FLOOR: f32 = 0.02;

/// The log-odds of `option` over the target, by the evidence at each syllable where they
/// differ, or `None` when they cannot be compared syllable by syllable.
fn syllable_log_odds(target: &[Syllable], option: &[Syllable], said: &[SaidThere]) -> Option<f32> {
    if option.len() != target.len() || said.len() != target.len() {
        return None;
    }
    let mut odds = 0.0;
    for ((t, o), there) in target.iter().zip(option).zip(said) {
        if !o.same_segments(t) {
            let (want, own) = (segments(o), segments(t));
            odds += match there.heard {
                Some(h) if h == want => HEARD_NATS,
                Some(h) if h == own => -HEARD_NATS,
                _ => {
                    let lp = |s: Segments| there.sounds.iter().find(|(x, _)| *x == s).map(|(_, lp)| *lp);
                    match (lp(want), lp(own)) {
                        (Some(w), Some(o)) => (w - o).clamp(-HEARD_NATS, HEARD_NATS),
                        _ => 0.0,
                    }
                }
            };
        }
        // A tone the pitch model gave no probability at all (neutral on a syllable said alone,
        // or a stored estimate from before neutral was weighed everywhere) is no evidence.
        let weighed = |p: &[f32; 5], s: &Syllable| Some(p[s.tone.number() as usize - 1]).filter(|&x| x > 0.0);
        if o.tone != t.tone
            && let Some(p) = there.tone_probs
            && let (Some(po), Some(pt)) = (weighed(&p, o), weighed(&p, t))
        {
            let by_pitch = po.max(TONE_FLOOR).ln() - pt.max(TONE_FLOOR).ln();
            // Neutral against full is the question itself (东西 xi5 or xi1), and the verdicts
            // pass either where the other is expected: no verdict to agree with.
            let neutral_or_full = (o.tone == Tone::Neutral) != (t.tone == Tone::Neutral);
            odds += if there.tone_ok && !neutral_or_full { by_pitch.min(0.0) } else { by_pitch };
        }
    }
    Some(odds)
}

/// How many of `option`'s syllables differ from the target's in their sounds.
fn sounds_apart(target: &[Syllable], option: &[Syllable]) -> usize {
    target.iter().zip(option).filter(|(t, o)| !o.same_segments(t)).count()
}

/// The choice among `options` (the target first): a softmax over each one's log-odds against
/// the target. `said` is empty when the recording was no reading of the target (no syllable
/// was judged); `transcript` is the free transcript, normalised. A tie goes to the target.
pub(super) fn forced_choice(
    target: &[Syllable],
    options: &[Choice],
    said: &[SaidThere],
    transcript: &str,
) -> Option<ForcedChoice> {
    let first = options.first()?;
    let heard = hanzi_in(transcript);
    let odds: Vec<f32> = options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let Some(by_syllable) = syllable_log_odds(target, &o.syllables, said) else { return o.lp - first.lp };
            let written = i > 0 && !heard.is_empty() && hanzi_in(o.text) == heard;
            by_syllable + if written { HEARD_NATS * sounds_apart(target, &o.syllables) as f32 } else { 0.0 }
        })
        .collect();
    let max = odds.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return None;
    }
    let total: f32 = odds.iter().map(|x| (x - max).exp()).sum();
    let shares: Vec<(String, f32)> =
        options.iter().zip(&odds).map(|(o, x)| (o.text.to_owned(), round3((x - max).exp() / total))).collect();
    let pinyin: Vec<String> =
        options.iter().map(|o| o.syllables.iter().map(|s| s.to_numbered()).collect::<Vec<_>>().join(" ")).collect();
    let best = (1..odds.len()).fold(0, |best, i| if odds[i] > odds[best] { i } else { best });
    Some(ForcedChoice {
        said: shares[best].0.clone(),
        said_pinyin: pinyin[best].clone(),
        target_said: best == 0,
        options: shares,
        pinyin,
    })
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syls(pinyin: &str) -> Vec<Syllable> {
        pinyin.split_whitespace().map(|s| Syllable::parse(s).unwrap()).collect()
    }

    fn option<'a>(text: &'a str, lp: f32, pinyin: &str) -> Choice<'a> {
        Choice { text, lp, syllables: syls(pinyin) }
    }

    /// 东西 read `first`, then read `second`: two readings of the same characters.
    fn dongxi<'a>(first: &str, second: &str) -> [Choice<'a>; 2] {
        [option("东西", -2.0, first), option("东西", -2.0, second)]
    }

    fn pitch(probs: [f32; 5]) -> SaidThere {
        SaidThere { tone_probs: Some(probs), ..SaidThere::default() }
    }

    #[test]
    fn a_tone_drill_is_decided_by_the_pitch_not_by_which_character_is_commoner() {
        let target = syls("shan1");
        // The recogniser much prefers 山, but the pitch falls.
        let options = [option("山", -1.0, "shan1"), option("扇", -9.0, "shan4"), option("闪", -6.0, "shan3")];
        let c = forced_choice(&target, &options, &[pitch([0.1, 0.02, 0.08, 0.8, 0.0])], "山").unwrap();
        assert_eq!(c.said, "扇");
        assert!(!c.target_said);
        assert!((c.options.iter().map(|o| o.1).sum::<f32>() - 1.0).abs() < 0.01);
        // Where the syllable's verdict passed the tone, the choice agrees with it.
        let passed = SaidThere { tone_ok: true, ..pitch([0.3, 0.02, 0.08, 0.6, 0.0]) };
        assert!(forced_choice(&target, &options, &[passed], "").unwrap().target_said);
    }

    #[test]
    fn another_sound_is_chosen_when_the_syllables_verdict_heard_it() {
        let target = syls("lao3 shi1");
        let options = [option("老师", -1.0, "lao3 shi1"), option("老思", -12.0, "lao3 si1")];
        let heard_si = SaidThere { heard: Some(segments(&syls("si1")[0])), ..SaidThere::default() };
        let c = forced_choice(&target, &options, &[SaidThere::default(), heard_si], "老师").unwrap();
        assert_eq!(c.said, "老思");
        let heard_shi = SaidThere { heard: Some(segments(&syls("shi1")[0])), ..SaidThere::default() };
        let c = forced_choice(&target, &options, &[SaidThere::default(), heard_shi], "老师").unwrap();
        assert_eq!(c.said, "老师");
    }

    #[test]
    fn where_the_verdict_heard_neither_sound_the_recognisers_sound_likelihoods_decide() {
        let target = syls("shi1");
        let options = [option("诗", -1.0, "shi1"), option("思", -9.0, "si1")];
        let (shi, si) = (segments(&syls("shi1")[0]), segments(&syls("si1")[0]));
        let there = SaidThere { sounds: vec![(shi, -3.0), (si, -0.5)], ..SaidThere::default() };
        assert_eq!(forced_choice(&target, &options, &[there], "").unwrap().said, "思");
    }

    #[test]
    fn two_readings_of_the_same_characters_are_told_apart_by_their_pinyin() {
        // 东西 dong1 xi5 ("thing") against dong1 xi1 ("east and west"), the second said level.
        let target = syls("dong1 xi5");
        let options = dongxi("dong1 xi5", "dong1 xi1");
        let c = forced_choice(&target, &options, &[SaidThere::default(), pitch([0.7, 0.1, 0.05, 0.05, 0.1])], "东西")
            .unwrap();
        assert!(!c.target_said);
        assert_eq!((c.said.as_str(), c.said_pinyin.as_str()), ("东西", "dong1 xi1"));
        assert_eq!(c.pinyin, ["dong1 xi5", "dong1 xi1"]);
    }

    #[test]
    fn a_neutral_reading_the_pitch_model_was_not_asked_about_is_no_evidence_either_way() {
        // 东西 expected dong1 xi1: the model weighs no neutral tone there (p = 0), so the low
        // first-tone probability says nothing for xi5.
        let target = syls("dong1 xi1");
        let options = dongxi("dong1 xi1", "dong1 xi5");
        let there = [SaidThere::default(), pitch([0.06, 0.13, 0.79, 0.02, 0.0])];
        let c = forced_choice(&target, &options, &there, "东西").unwrap();
        assert_eq!(c.options[0].1, 0.5, "{c:?}");
    }

    #[test]
    fn between_a_neutral_and_a_full_reading_the_pitch_decides_even_where_the_verdict_passed() {
        let target = syls("dong1 xi5");
        let options = dongxi("dong1 xi5", "dong1 xi1");
        let level = SaidThere { tone_ok: true, ..pitch([0.7, 0.1, 0.05, 0.05, 0.1]) };
        let c = forced_choice(&target, &options, &[SaidThere::default(), level], "东西").unwrap();
        assert_eq!(c.said_pinyin, "dong1 xi1");
    }

    #[test]
    fn a_transcript_that_wrote_the_contrast_outweighs_a_syllable_the_verdict_heard_as_the_target() {
        // 四十 said for 十四: the first syllable was heard as si, the second (after forcing 十)
        // as the target's si too; the free transcript wrote 四十.
        let target = syls("shi2 si4");
        let options = [option("十四", -9.0, "shi2 si4"), option("四十", -1.0, "si4 shi2")];
        let si = SaidThere { heard: Some(segments(&syls("si4")[0])), ..SaidThere::default() };
        let c = forced_choice(&target, &options, &[si.clone(), si.clone()], "四十").unwrap();
        assert_eq!(c.said, "四十");
        // Without the transcript the evidence is even, and the target stands.
        assert!(forced_choice(&target, &options, &[si.clone(), si], "").unwrap().target_said);
    }

    #[test]
    fn a_recording_that_was_no_reading_of_the_target_is_weighed_by_the_recogniser() {
        let target = syls("shi2 si4");
        let options = [option("十四", -9.0, "shi2 si4"), option("四十", -1.0, "si4 shi2")];
        assert_eq!(forced_choice(&target, &options, &[], "").unwrap().said, "四十");
    }

    #[test]
    fn a_contrast_of_another_length_is_weighed_by_the_recogniser() {
        let target = syls("lao3 shi1");
        let options = [option("老师", -4.0, "lao3 shi1"), option("老师们", -1.0, "lao3 shi1 men5")];
        let c = forced_choice(&target, &options, &[SaidThere::default(), SaidThere::default()], "").unwrap();
        assert_eq!(c.said, "老师们");
    }

    #[test]
    fn with_no_evidence_either_way_the_target_stands() {
        let target = syls("ma1");
        let options = [option("妈", -5.0, "ma1"), option("骂", -1.0, "ma4")];
        let c = forced_choice(&target, &options, &[SaidThere::default()], "").unwrap();
        assert!(c.target_said, "{c:?}");
    }
}
