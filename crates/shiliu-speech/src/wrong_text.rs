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
/// A word none of whose syllables the transcript heard, and one of which it heard as no slip
/// of it (see [`transcript_heard_no_slip`]), was another word when the recogniser, walked along it,
/// finds its syllables this unlikely on average (1 in 400). Later syllables are predicted from
/// the first (身体 read for 人民: 人 at -8.0, then 民 at -7.3; 房间 for 电视: -11.6, then -4.7),
/// so no one syllable need cross the word line. Native words through the eval's five recording
/// channels and the synthetic slips reach -5.8 at worst with such a transcript.
const WORD_MEAN_NOT_READ_BELOW: f32 = -6.0;
/// ... and each of them at least this unlikely (1 in 55): one character misread in a word read
/// right (然马 for 然后 said: 然 at -3.9, 马 at -10.3) pulls the mean down on its own, and is a
/// slip to name at its syllable. Of the other words read for native words that the rule above
/// catches, all but one (晚饭 for 比赛: -8.1, then -3.96) have every syllable below this.
const WORD_EACH_NOT_READ_BELOW: f32 = -4.0;
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

/// The transcript heard nothing here, or a syllable that is no slip of the expected one: neither
/// initial nor final in common, nor a named confusion (shi heard as si changes the apical vowel
/// with the initial, but is the classic flat/retroflex slip).
fn transcript_heard_no_slip(s: &ReadSyllable) -> bool {
    match s.aligned {
        AlignOp::Substituted(h) => {
            transcript_shares_nothing(s) && shiliu_pinyin::contrast_of(&s.expected, &h).is_none()
        }
        _ => transcript_shares_nothing(s),
    }
}

/// Whether a transcript in Latin letters, the recogniser's fallback for speech it could not
/// put into characters, heard nothing like the target: no letter that begins one of the
/// target's syllables, as pinyin spells them, is in it. The fallback is often a romanisation of
/// what was heard, and then it has some: "hayu" for 汉语 read well, "haji" for 飞机 with f said
/// as h, "yebye" for 一百. "qq" for 没有 said as 过 has none. Any other script (characters,
/// kana) is not this fallback: `false`.
pub fn latin_transcript_unlike(transcript: &str, target: &[Syllable]) -> bool {
    if !transcript.is_ascii() || !transcript.chars().any(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let letters = transcript.to_ascii_lowercase();
    !target.iter().filter_map(|s| s.spelling().chars().next()).any(|first| letters.contains(first))
}

/// Whether the recording is of another text than the target:
/// - of a word, at least three quarters of its syllables were not read (counting a repeated
///   character once: 妈妈 has one syllable of evidence, and the recogniser predicts the repeat),
///   or the transcript has nothing in common with any syllable and the first is very unlikely,
///   or it matched none of them, heard one as no slip of it, and the recogniser finds them very
///   unlikely on average (a word sharing a sound with each of the target's syllables, 老师 read
///   as nao si, is two slips to name, not another word);
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
    let none_heard = own.iter().all(|s| !matches!(s.aligned, AlignOp::Match(_)));
    let mean_lp = own.iter().map(|s| s.target_lp).sum::<f32>() / own.len() as f32;
    let unlikely_throughout = own.len() >= 2
        && none_heard
        && own.iter().any(|s| transcript_heard_no_slip(s))
        && own.iter().all(|s| s.target_lp < WORD_EACH_NOT_READ_BELOW)
        && mean_lp < WORD_MEAN_NOT_READ_BELOW;
    (own.len() >= 2 && share >= 0.75)
        || (unlike_throughout && first.target_lp < FIRST_NOT_READ_BELOW)
        || unlikely_throughout
}

/// Once the recogniser has written the whole target, the text ending there is this unlikely
/// (1 in 1100): the recording goes on with more words. Correct readings of both test sets end
/// at -5.6 or above (the lowest: a lone 热 the recogniser heard as "suna").
const READ_ON_BELOW: f32 = -7.0;
/// A weaker doubt about the end (1 in 90) is enough when the free transcript also holds more
/// words. Not weaker still: through half a second of classroom echo the recogniser writes long
/// texts for lone native syllables (普通话 for 五) and doubts their end down to -3.8.
const READ_ON_WITH_TRANSCRIPT_BELOW: f32 = -4.5;
/// More words: this many Chinese characters more than the target, besides copies of it.
const MORE_CHARACTERS: usize = 2;
/// The slowest reading of a target: this long a character, and one hesitation besides (the
/// slowest correct reading in both test sets: one syllable in 1070 ms). Speech longer than
/// that, with more words heard, was read on even where the recogniser, given tokens for the
/// target alone, ends the text after it.
const SLOWEST_SYLLABLE_MS: u32 = 700;
const LONGEST_HESITATION_MS: u32 = 1500;

/// Whether the student read on past the target (老师好 for 老, the whole line for its first
/// word): the recogniser, walked along the whole target, expects more text rather than its end
/// (`end_after_lp`, see [`crate::forcing::Walk`]), or the speech (`speech_ms` long) and the
/// transcript both hold much more than the target. A transcript that is one unit said again
/// and again (老师老师 for 老师, 是是 for 十) is the recogniser looping or a second attempt,
/// not more words, so it does not count.
pub fn read_on_past_the_target(end_after_lp: f32, target: &[char], transcript: &str, speech_ms: u32) -> bool {
    if end_after_lp < READ_ON_BELOW {
        return true;
    }
    let longer_than_the_target = speech_ms > SLOWEST_SYLLABLE_MS * target.len() as u32 + LONGEST_HESITATION_MS;
    (end_after_lp < READ_ON_WITH_TRANSCRIPT_BELOW || longer_than_the_target) && holds_more_words(target, transcript)
}

/// The transcript has [`MORE_CHARACTERS`] Chinese characters more than the target, even with
/// copies of the target taken out, and is not one unit repeated.
fn holds_more_words(target: &[char], transcript: &str) -> bool {
    let target: String = target.iter().collect();
    hanzi_in(transcript).len() >= hanzi_in(&target).len() + MORE_CHARACTERS
        && hanzi_in(&transcript.replace(&target, "")).len() >= MORE_CHARACTERS
        && crate::summary::repeated_unit(transcript).is_none()
}

/// The Chinese characters of a text, in order.
pub(crate) fn hanzi_in(text: &str) -> Vec<char> {
    text.chars().filter(|c| shiliu_pinyin::is_hanzi(*c)).collect()
}

/// A transcript with at least this share of its characters different from one another is
/// words; below it, the recogniser looping (晨冷滚晨冷滚晨冷, 你来来来: correct words through a
/// noisy channel).
const DISTINCT_SHARE_OF_WORDS: f32 = 2.0 / 3.0;

/// Whether the free transcript of a text longer than a word heard a longer text of other
/// words: [`MORE_CHARACTERS`] or more characters than the target, not a loop, with fewer than
/// half of the target's syllables (`matched` of `syllables`) among them. Another sentence read
/// for a shorter one looks like this (甚至出现交易几乎停滞的情况 for 不但没嫁出去 scored 79, six
/// syllables each "heard" as the nearest-sounding of the other's); a reading of the target,
/// however mispronounced, does not: no correct clip of either test set, through any recording
/// channel, has such a transcript. Words are left out: a word said with a slip can be written
/// as more characters than it has (弟弟 through a telephone channel as 蜀蜂蜜蜀), and a lone
/// syllable as the recogniser's stock phrase (普通话).
pub fn longer_other_text_heard(target: &[char], transcript: &str, matched: usize, syllables: usize) -> bool {
    if syllables <= WORD_SYLLABLES {
        return false;
    }
    let hanzi = hanzi_in(transcript);
    let distinct: std::collections::BTreeSet<&char> = hanzi.iter().collect();
    let words = distinct.len() as f32 >= DISTINCT_SHARE_OF_WORDS * hanzi.len() as f32;
    hanzi.len() >= target.len() + MORE_CHARACTERS && words && 2 * matched < syllables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_longer_transcript_of_other_words_is_another_text() {
        let target = chars("不但没嫁出去");
        assert!(longer_other_text_heard(&target, "甚至出现交易几乎停制的情况", 0, 6));
        // The target read on: its syllables are there.
        assert!(!longer_other_text_heard(&target, "不但没嫁出去反而更穷了", 6, 6));
        // Mispronounced, but no longer than the target.
        assert!(!longer_other_text_heard(&target, "不蛋美价出去", 2, 6));
        // The recogniser looping on a text it could not make out.
        let target = chars("我们坐地铁去吧");
        assert!(!longer_other_text_heard(&target, "你来来来你来来来你来", 0, 7));
        // A word is not judged so.
        assert!(!longer_other_text_heard(&chars("弟弟"), "蜀蜂蜜蜀", 0, 2));
    }

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
    fn a_word_the_transcript_heard_none_of_and_the_recogniser_doubts_throughout_is_another() {
        // 身体 read for 人民: 人 shares its final with 身, 民 nothing with 体.
        assert!(another_text_was_read(&[read("ren2", -8.0, "shen1"), read("min2", -7.3, "ti3")]));
        // 房间 read for 电视: the recogniser predicts 视 from 电 once it has written it.
        assert!(another_text_was_read(&[read("dian4", -11.6, "fang2"), read("shi4", -4.7, "jian1")]));
        // Less doubt on average than that is a word misheard (先生 by the synthetic voice,
        // heard as 香舍: -7.9, then -0.4).
        assert!(!another_text_was_read(&[read("xian1", -7.9, "xiang1"), read("sheng1", -0.4, "she4")]));
        // One syllable heard as itself keeps the word a reading to judge.
        assert!(!another_text_was_read(&[read("ren2", -8.0, "shen1"), read("min2", -7.3, "min2")]));
        // So does one the recogniser finds likely enough: 然后 said for 然马, with 马 misread.
        assert!(!another_text_was_read(&[read("ran2", -3.9, "ren2"), read("ma3", -10.3, "hou4")]));
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
    fn a_latin_transcript_with_no_letter_to_begin_a_syllable_heard_nothing_of_the_target() {
        let unlike = |transcript: &str, target: &[&str]| {
            latin_transcript_unlike(transcript, &target.iter().map(|s| syl(s)).collect::<Vec<_>>())
        };
        assert!(unlike("qq", &["mei2", "you3"]));
        assert!(unlike("when", &["fa1", "shao1"]));
        assert!(unlike("uu", &["lü3", "you2"]));
        // A romanisation of what was heard, even with one sound wrong, has some.
        assert!(!unlike("hayi", &["han4", "yu3"]));
        assert!(!unlike("haji", &["fei1", "ji1"]));
        assert!(!unlike("Yebye", &["yi4", "bai3"]));
        // Characters, kana or no letters at all are not the Latin fallback.
        assert!(!unlike("过", &["mei2", "you3"]));
        assert!(!unlike("适えた", &["jue2", "de5"]));
        assert!(!unlike("...", &["mei2", "you3"]));
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn a_text_the_recogniser_all_but_refuses_to_end_after_the_target_was_read_on() {
        assert!(read_on_past_the_target(-9.1, &chars("老"), "老", 600));
        assert!(!read_on_past_the_target(-5.2, &chars("热"), "苏娜", 600));
    }

    #[test]
    fn a_transcript_with_more_words_makes_a_weaker_doubt_about_the_end_enough() {
        // 我们明天见 read for 我.
        assert!(read_on_past_the_target(-5.0, &chars("我"), "我们明天见", 900));
        assert!(!read_on_past_the_target(-4.0, &chars("我"), "我们明天见", 900));
        // 五 through a reverberant room, heard as 普通话.
        assert!(!read_on_past_the_target(-3.8, &chars("五"), "普通话", 640));
        // One character more is as likely a recogniser's addition as a word said.
        assert!(!read_on_past_the_target(-5.0, &chars("可"), "可以", 900));
        // A lone 十 heard as 是是, or 奶奶 as 哪呢: no more characters than the target's.
        assert!(!read_on_past_the_target(-5.0, &chars("十"), "是是", 900));
        assert!(!read_on_past_the_target(-5.0, &chars("奶奶"), "哪呢", 900));
    }

    #[test]
    fn speech_far_longer_than_the_target_with_more_words_heard_was_read_on() {
        // 目前 read on into the whole line: the recogniser, given tokens for two characters,
        // ends there, but the speech lasts 4 s.
        assert!(read_on_past_the_target(-2.6, &chars("目前"), "目前中关村大街", 4000));
        assert!(!read_on_past_the_target(-2.6, &chars("目前"), "目前中关村大街", 2800));
        // A slow, hesitant reading of the target alone.
        assert!(!read_on_past_the_target(-1.0, &chars("目前"), "目前", 4000));
    }

    #[test]
    fn a_transcript_of_the_target_said_again_is_no_reading_on() {
        // The recogniser loops on short words: 洗澡洗澡 for one 洗澡.
        assert!(!read_on_past_the_target(-5.0, &chars("洗澡"), "洗澡洗澡", 900));
        assert!(read_on_past_the_target(-5.0, &chars("洗澡"), "洗澡洗澡去吧", 900));
    }

    #[test]
    fn a_lone_syllable_is_never_another_text() {
        assert!(!another_text_was_read(&[read("da4", -12.0, "gong1")]));
        assert!(!another_text_was_read(&[]));
    }
}
