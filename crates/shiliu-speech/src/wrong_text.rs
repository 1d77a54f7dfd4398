//! Whether a recording is of another text altogether (the wrong line read, another word):
//! not a pronunciation to judge syllable by syllable but an attempt to do again. Pure: it reads
//! the recogniser's evidence walked along the target and the free transcript's alignment.

use shiliu_pinyin::Syllable;

use crate::align::AlignOp;

/// One expected syllable as the recogniser heard it, for telling whether it was read at all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadSyllable {
    pub expected: Syllable,
    /// The same character as the syllable before (妈妈): the recogniser, walked along the
    /// target, predicts the repeat from the first, so its own likelihood says nothing.
    pub repeats_previous: bool,
    /// Log-probability of the target's segments at its position (teacher forcing).
    pub target_lp: f32,
    pub aligned: AlignOp,
}

/// A syllable the recogniser, walked along the target, finds this unlikely, where the free
/// transcript heard nothing or a syllable with neither initial nor final in common, was not
/// read: no mispronunciation makes both readings of the audio miss it so widely. Each of a
/// word's few syllables must be very unlikely (1 in 150); in a longer text the verdict rests
/// on many syllables, each of which may say less (1 in 20).
const NOT_READ_IN_A_WORD_BELOW: f32 = -5.0;
const NOT_READ_IN_A_TEXT_BELOW: f32 = -3.0;
/// The recogniser, walked along a word, predicts its later syllables from the first (女 makes
/// 儿 likely whatever was said), so the first syllable's likelihood is the telling one: below
/// 1 in 5000, with a transcript that shares no initial or final with any syllable, the word was
/// another. Correct readings through a reverberant room, a narrow-band headset or a lowered
/// voice reach -8.0 there; most other words read lie well below -9.
const FIRST_NOT_READ_BELOW: f32 = -8.5;
/// Up to this many syllables the target is judged as a word.
const WORD_SYLLABLES: usize = 4;

/// The transcript heard nothing here, or a syllable with neither initial nor final in common.
fn transcript_shares_nothing(s: &ReadSyllable) -> bool {
    match s.aligned {
        AlignOp::Omitted => true,
        AlignOp::Substituted(h) => crate::verdict::nothing_in_common(&s.expected, &h),
        AlignOp::Match(_) => false,
    }
}

/// Whether the recording is of another text than the target:
/// - of a word, at least three quarters of its syllables were not read (counting a repeated
///   character once: 妈妈 has one syllable of evidence, and the recogniser predicts the repeat),
///   or the transcript has nothing in common with any syllable and the first is very unlikely;
/// - of a longer text, half were not read (a few syllables of the wrong line agree with the
///   right one by chance, and a genuine reading with every other syllable lost that badly is
///   no reading to judge syllable by syllable either).
///
/// A lone syllable is never judged so: its evidence is too weak to tell a slip from another word.
pub fn another_text_was_read(syllables: &[ReadSyllable]) -> bool {
    let Some(first) = syllables.first() else { return false };
    if syllables.len() < 2 {
        return false;
    }
    let word = syllables.len() <= WORD_SYLLABLES;
    let below = if word { NOT_READ_IN_A_WORD_BELOW } else { NOT_READ_IN_A_TEXT_BELOW };
    let own: Vec<&ReadSyllable> = syllables.iter().filter(|s| !s.repeats_previous).collect();
    let unread = own.iter().filter(|s| transcript_shares_nothing(s) && s.target_lp < below).count();
    let share = unread as f32 / own.len() as f32;
    if !word {
        return share >= 0.5;
    }
    let unlike_throughout = own.iter().all(|s| transcript_shares_nothing(s));
    (own.len() >= 2 && share >= 0.75) || (unlike_throughout && first.target_lp < FIRST_NOT_READ_BELOW)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syl(s: &str) -> Syllable {
        Syllable::parse(s).unwrap()
    }

    /// A target read as `heard` (pinyin, "-" for nothing heard) with the recogniser's `lp` for it.
    fn read(target: &str, lp: f32, heard: &str) -> ReadSyllable {
        let aligned = match heard {
            "-" => AlignOp::Omitted,
            h if syl(h).same_segments(&syl(target)) => AlignOp::Match(syl(h)),
            h => AlignOp::Substituted(syl(h)),
        };
        ReadSyllable { expected: syl(target), repeats_previous: false, target_lp: lp, aligned }
    }

    fn repeated(mut s: ReadSyllable) -> ReadSyllable {
        s.repeats_previous = true;
        s
    }

    #[test]
    fn a_word_read_as_another_word_is_another_text() {
        // 大学 read as 公司.
        assert!(another_text_was_read(&[read("da4", -7.9, "gong1"), read("xue2", -7.2, "si1")]));
    }

    #[test]
    fn a_word_with_one_syllable_misread_is_still_judged_syllable_by_syllable() {
        assert!(!another_text_was_read(&[read("da4", -7.9, "gong1"), read("xue2", -0.3, "xue2")]));
    }

    #[test]
    fn a_word_whose_first_syllable_is_very_unlikely_and_shares_nothing_with_the_transcript_is_another() {
        // 女儿 read as 今天: the recogniser, walked along 女儿, expects 儿 after 女 whatever was said.
        assert!(another_text_was_read(&[read("nü3", -14.4, "jin1"), read("er2", -3.2, "tian1")]));
        assert!(!another_text_was_read(&[read("nü3", -6.5, "jin1"), read("er2", -3.2, "tian1")]));
        // 觉得 said well in a reverberant room, heard as 许艳他: unlikely at its start, but not
        // that unlikely.
        assert!(!another_text_was_read(&[read("jue2", -8.0, "xu3"), read("de5", -3.6, "yan4")]));
        // A transcript sharing something with one syllable keeps it a reading to judge.
        assert!(!another_text_was_read(&[read("nü3", -14.4, "jin1"), read("er2", -3.2, "er2")]));
        // 朋友 heard as 绑绿 by a native: unlikely, but not that unlikely, at its start.
        assert!(!another_text_was_read(&[read("peng2", -5.1, "bang3"), read("you5", -2.5, "lü4")]));
    }

    #[test]
    fn a_repeated_character_shares_the_fate_of_the_one_before() {
        // 奶奶 read as 姐姐: the recogniser, walked along 奶奶, predicts the second 奶 from the first.
        let jiejie = [read("nai3", -12.5, "jie3"), repeated(read("nai5", -2.6, "jie5"))];
        assert!(another_text_was_read(&jiejie));
        let nainai = [read("nai3", -0.4, "nai3"), repeated(read("nai5", -2.6, "jie5"))];
        assert!(!another_text_was_read(&nainai));
        // One syllable of evidence is held to the first syllable's stricter line: 爷爷 in a
        // child's voice, heard as 对对对, at -5.5.
        let yeye = [read("ye2", -5.5, "dui4"), repeated(read("ye5", -0.1, "dui4"))];
        assert!(!another_text_was_read(&yeye));
    }

    #[test]
    fn near_misses_and_likely_syllables_are_mispronunciations_not_another_text() {
        // Sharing the initial or the final is what mispronouncing looks like.
        assert!(!another_text_was_read(&[read("lao3", -8.0, "nao3"), read("shi1", -7.0, "si1")]));
        // A different syllable the recogniser still finds plausible along the target.
        assert!(!another_text_was_read(&[read("da4", -4.0, "gong1"), read("xue2", -4.5, "si1")]));
    }

    #[test]
    fn half_of_a_sentence_not_read_is_another_text_and_a_third_is_not() {
        // In a sentence each syllable counts on weaker evidence than in a word (1 in 20).
        let unread = || read("da4", -3.5, "gong1");
        let said = || read("ma1", -0.2, "ma1");
        assert!(another_text_was_read(&[unread(), said(), unread(), said(), unread(), said()]));
        assert!(!another_text_was_read(&[unread(), said(), said(), unread(), said(), said()]));
        let in_a_word = [read("da4", -3.5, "gong1"), read("xue2", -3.5, "si1")];
        assert!(!another_text_was_read(&in_a_word));
    }

    #[test]
    fn a_lone_syllable_is_never_another_text() {
        assert!(!another_text_was_read(&[read("da4", -12.0, "gong1")]));
        assert!(!another_text_was_read(&[]));
    }
}
