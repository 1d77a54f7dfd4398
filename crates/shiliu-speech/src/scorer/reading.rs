//! Whether a recording is a reading of the target at all (not another text, not the target and
//! more), from the recogniser walked along the target and the free transcript lined up with it.

use shiliu_pinyin::Syllable;

use crate::align::{AlignOp, Alignment, align, transcript_syllables};
use crate::engine::Recognition;
use crate::expected::Expected;
use crate::wrong_text::{
    ReadSyllable, another_text_was_read, latin_transcript_unlike, longer_other_text_heard, read_on_past_the_target,
};

use super::Recognised;
use super::unscored::NotTheTarget;

/// Why the recording, with `speech_ms` of speech, is not a reading of the target, if it is not.
pub(super) fn not_the_target(expected: &Expected, recognised: &Recognised, speech_ms: u32) -> Option<NotTheTarget> {
    let Recognised { recognition, alignment, .. } = *recognised;
    let transcript = &recognition.transcript.text;
    let matched = alignment.ops.iter().filter(|op| matches!(op, AlignOp::Match(_))).count();
    if another_text_was_read(&as_read(expected, recognised))
        || longer_other_text_heard(&expected.chars, transcript, matched, alignment.ops.len())
    {
        Some(NotTheTarget::AnotherText)
    } else if read_on_past_the_target(recognition.end_after_lp, &expected.chars, transcript, speech_ms) {
        Some(NotTheTarget::ReadOn)
    } else {
        None
    }
}

/// Whether the free transcript can be read as Chinese: it has hanzi, and no kana or hangul. In
/// noise Whisper sometimes drifts into Japanese (觉得 came out as 适えた); the odd hanzi of
/// such a transcript say nothing about which syllables were said.
fn transcript_is_chinese(text: &str) -> bool {
    let other_script = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{AC00}'..='\u{D7AF}');
    text.chars().any(crate::expected::is_hanzi) && !text.chars().any(other_script)
}

/// The syllables of the free transcript, where it can be read as Chinese; `None` otherwise (the
/// recogniser fell back to Latin letters, or drifted into kana).
pub(super) fn transcribed_syllables(recognition: &Recognition) -> Option<Vec<Syllable>> {
    transcript_is_chinese(&recognition.transcript.text).then(|| transcript_syllables(&recognition.transcript.text))
}

/// The free transcript's syllables (see [`transcribed_syllables`]) aligned with the expected
/// ones. A transcript that is not Chinese counts as agreeing everywhere: it is no evidence
/// either way.
pub(super) fn transcript_alignment(expected: &Expected, transcribed: Option<&[Syllable]>) -> Alignment {
    let expected_syls: Vec<_> = expected.syllables.iter().map(|s| s.syllable()).collect();
    match transcribed {
        Some(heard) => align(&expected_syls, heard),
        None => Alignment { ops: expected_syls.iter().map(|s| AlignOp::Match(*s)).collect(), insertions: 0 },
    }
}

/// Each expected syllable as the recogniser heard it, to tell whether the target was read at all.
///
/// A transcript in Latin letters is no evidence for judging a syllable's sounds, but one with
/// nothing like the target heard none of it: a lone syllable said for a word often gets one
/// ("qq" for 没有 said as 过). Words read right get one too, rarely (3 of 141 native words,
/// more through a noisy channel), but then the recogniser finds the first syllable likely
/// enough (-6.5 or above, in every channel) to keep them readings.
fn as_read(expected: &Expected, recognised: &Recognised) -> Vec<ReadSyllable> {
    let Recognised { recognition, position_of, alignment, .. } = *recognised;
    let syllables = &expected.syllables;
    let target: Vec<_> = syllables.iter().map(|s| s.syllable()).collect();
    let heard_none = latin_transcript_unlike(&recognition.transcript.text, &target);
    (0..syllables.len())
        .map(|k| ReadSyllable {
            expected: syllables[k].syllable(),
            repeats_previous: k > 0 && syllables[k - 1].forced == syllables[k].forced,
            target_lp: recognition.positions.get(position_of[k]).map_or(f32::NEG_INFINITY, |e| e.target_group_lp()),
            aligned: if heard_none { AlignOp::Omitted } else { alignment.ops[k] },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcript_that_drifted_into_japanese_or_korean_is_not_read_as_chinese() {
        assert!(transcript_is_chinese("觉得"));
        assert!(transcript_is_chinese("觉得ok"));
        assert!(!transcript_is_chinese("适えた"));
        assert!(!transcript_is_chinese("学生입니다"));
        assert!(!transcript_is_chinese("sueta"));
    }
}
