//! From citation readings to what is said: tone sandhi and 儿化.
//!
//! The scorer compares a learner with the *surface* form, so the expected pronunciation must
//! apply the changes every speaker makes. Rules, in the order they run, inside one phrase (a
//! run of syllables with no punctuation between them):
//!
//! 1. **儿化**: a citation `er5` merges into the syllable before it (这儿 zhe4 er5 → zher4), which
//!    then covers both characters.
//! 2. **一** (only when the character is known to be 一): yi1 alone, phrase-final, word-final
//!    (统一), after 第, next to another numeral (一二三, 十一) and before 月/号 (dates); yi5
//!    between two copies of a verb (看一看); otherwise yi2 before a fourth (or neutral) tone and
//!    yi4 before the others.
//! 3. **不**: bu5 between two copies of a word (好不好, 喜不喜欢), bu2 before a fourth tone.
//! 4. **Third tone**: 3 + 3 → 2 + 3, applied cyclically over the word's structure, found from the
//!    dictionary: 展览馆 is (展览)馆 → 2 2 3, 小老虎 is 小(老虎) → 3 2 3. A word with no known
//!    inner structure is treated as left-branching, which is the same as applying the rule left
//!    to right (2 2 3). Across words the rule also runs left to right, comparing with the next
//!    word's own result, so 我很好 → 2 2 3 and 小 + 老虎 keeps its third tone.
//!
//! 5. **Reduplicated verbs** (试试, 想想): a one-character verb said twice has its second copy in
//!    the neutral tone, as dictionaries write 看看 kàn kan. That neutral is lexical, so the
//!    citation changes with it; a verb in the third tone still makes its first copy rising, as
//!    the third tone under the neutral one would (想想 xiáng xiang).
//!
//! A third tone that is still third and has another syllable after it in the phrase is a "half
//! third" (21 rather than 214): the tone number stays 3 and `half_third` is set, because the
//! pitch target differs but the tone category does not.
//!
//! Lexical neutral tones are already in the citation (妈妈 ma1 ma5). The exceptions where a
//! neutral syllable still triggers third-tone sandhi (小姐 xiáojie) are not modelled.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::finals::Final;
use crate::hanzi::{Reading, is_dictionary_word};
use crate::initial::Initial;
use crate::syllable::Syllable;
use crate::tone::Tone;

/// Which rule changed a syllable's tone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SandhiRule {
    ThirdTone,
    Yi,
    Bu,
}

/// One syllable as said, with what it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurfaceSyllable {
    /// The surface syllable: tone after sandhi, 儿化 merged in.
    pub syllable: Syllable,
    /// The citation syllable it comes from (for a 儿化 syllable, the one the suffix joined).
    pub citation: Syllable,
    /// A third tone said low (21) because another syllable follows in the phrase.
    pub half_third: bool,
    /// The rule that changed the tone, if any.
    pub rule: Option<SandhiRule>,
    /// Indices of the readings this covers (two for a 儿化 syllable).
    pub readings: Range<usize>,
    /// Character offsets in the original text.
    pub chars: Range<usize>,
    /// Index of the phrase (punctuation-delimited run) it belongs to.
    pub phrase: usize,
}

const NUMERALS: &str = "零〇一二三四五六七八九十";

struct Item {
    surface: SurfaceSyllable,
    hanzi: Option<char>,
    word: usize,
}

/// Applies sandhi and 儿化 to citation readings from [`crate::to_pinyin`],
/// [`crate::align_pinyin`] or [`crate::readings_from_pinyin`].
pub fn surface(readings: &[Reading]) -> Vec<SurfaceSyllable> {
    let mut items = merge_erhua(readings);
    let mut start = 0;
    while start < items.len() {
        let phrase = items[start].surface.phrase;
        let end = items[start..].iter().position(|i| i.surface.phrase != phrase).map_or(items.len(), |p| start + p);
        let run = &mut items[start..end];
        yi_and_bu(run);
        third_tone(run);
        reduplicated_verbs(run);
        mark_half_thirds(run);
        start = end;
    }
    items.into_iter().map(|i| i.surface).collect()
}

fn is_er5(s: &Syllable) -> bool {
    s.initial == Initial::Zero && s.final_ == Final::Er && s.tone == Tone::Neutral && !s.erhua
}

fn merge_erhua(readings: &[Reading]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut phrase = 0;
    let mut phrase_has_items = false;
    for (index, r) in readings.iter().enumerate() {
        let Some(s) = r.syllable else {
            if !r.text.trim().is_empty() && phrase_has_items {
                phrase += 1;
                phrase_has_items = false;
            }
            continue;
        };
        if let Some(prev) = items.last_mut().filter(|p| p.surface.phrase == phrase && phrase_has_items)
            && is_er5(&s)
            && !prev.surface.syllable.erhua
            && prev.surface.syllable.can_take_erhua()
        {
            prev.surface.syllable.erhua = true;
            prev.surface.readings.end = index + 1;
            prev.surface.chars.end = r.end;
            continue;
        }
        phrase_has_items = true;
        items.push(Item {
            surface: SurfaceSyllable {
                syllable: s,
                citation: s,
                half_third: false,
                rule: None,
                readings: index..index + 1,
                chars: r.start..r.end,
                phrase,
            },
            hanzi: r.hanzi_char(),
            word: r.word,
        });
    }
    items
}

fn set_tone(item: &mut Item, tone: Tone, rule: SandhiRule) {
    if item.surface.syllable.tone != tone {
        item.surface.syllable.tone = tone;
        item.surface.rule = Some(rule);
    }
}

/// Result and direction complements that follow 不 in a potential form (看不见, 做不完, 受不了).
const COMPLEMENTS: &str = "到见懂完起动及着清开住透惯了";
/// Words that precede 不 as plain negation, not as the verb of a potential form.
const NOT_VERBS: &str = "我你他她它们也都还就很太真最更再又才并可要会能我咱谁这那";

fn yi_and_bu(run: &mut [Item]) {
    for k in 0..run.len() {
        let Some(c @ ('一' | '不')) = run[k].hanzi else { continue };
        let prev = k.checked_sub(1).map(|p| &run[p]);
        let next = run.get(k + 1);
        // X一X / X不X, but not the second 一 of 一X一X (一朵一朵: one by one), which keeps
        // its ordinary sandhi.
        let one_by_one = k >= 2 && run[k - 2].hanzi == Some('一');
        let reduplicated =
            !one_by_one && matches!((prev, next), (Some(p), Some(n)) if p.hanzi.is_some() && p.hanzi == n.hanzi);
        // A potential complement, V不C (找不到, 听不懂, 来不及): 不 is unstressed. The
        // complement must end its word, or 不开心 (not happy) would count.
        let potential = c == '不'
            && prev.and_then(|p| p.hanzi).is_some_and(|h| !NOT_VERBS.contains(h))
            && next.and_then(|n| n.hanzi).is_some_and(|h| COMPLEMENTS.contains(h))
            && run.get(k + 2).is_none_or(|after| after.word != run[k + 1].word || after.hanzi.is_none());
        let next_tone = next.map(|n| n.surface.citation.tone);
        let tone = run[k].surface.citation.tone;
        if c == '一' && tone == Tone::First {
            let word_final = prev.is_some_and(|p| p.word == run[k].word) && next.is_none_or(|n| n.word != run[k].word);
            let counting = prev.and_then(|p| p.hanzi).is_some_and(|h| h == '第' || NUMERALS.contains(h))
                || next.and_then(|n| n.hanzi).is_some_and(|h| NUMERALS.contains(h) || "月号".contains(h));
            let new = match next_tone {
                None => continue,
                _ if word_final || counting => continue,
                _ if reduplicated => Tone::Neutral,
                Some(Tone::Fourth | Tone::Neutral) => Tone::Second,
                Some(_) => Tone::Fourth,
            };
            set_tone(&mut run[k], new, SandhiRule::Yi);
        } else if c == '不' && tone == Tone::Fourth {
            let new = match next_tone {
                _ if reduplicated || potential => Tone::Neutral,
                Some(Tone::Fourth) => Tone::Second,
                _ => continue,
            };
            set_tone(&mut run[k], new, SandhiRule::Bu);
        }
    }
}

fn third_tone(run: &mut [Item]) {
    let mut words: Vec<Range<usize>> = Vec::new();
    for k in 0..run.len() {
        match words.last_mut() {
            Some(w) if run[w.start].word == run[k].word => w.end = k + 1,
            _ => words.push(k..k + 1),
        }
    }
    for w in &words {
        let text: Option<Vec<char>> = run[w.clone()].iter().map(|i| i.hanzi).collect();
        cyclic(&mut run[w.clone()], text.as_deref());
    }
    for pair in words.windows(2) {
        junction(run, pair[0].end - 1, pair[1].start);
    }
}

/// 3 + 3 → 2 + 3 at one boundary, on the tones as they stand.
fn junction(run: &mut [Item], left: usize, right: usize) {
    if run[left].surface.syllable.tone == Tone::Third && run[right].surface.syllable.tone == Tone::Third {
        set_tone(&mut run[left], Tone::Second, SandhiRule::ThirdTone);
    }
}

/// Applies the third-tone rule inside one word, innermost constituents first.
fn cyclic(items: &mut [Item], text: Option<&[char]>) {
    let n = items.len();
    if n < 2 {
        return;
    }
    let k = split_point(text, n);
    let (left_text, right_text) = match text {
        Some(t) => (Some(&t[..k]), Some(&t[k..])),
        None => (None, None),
    };
    cyclic(&mut items[..k], left_text);
    cyclic(&mut items[k..], right_text);
    junction(items, k - 1, k);
}

/// Where a word divides into its two immediate constituents: the split whose halves are both
/// words (or single characters), as balanced as possible, preferring the left half to be the
/// longer; left-branching (`n - 1`) when no split is known.
fn split_point(text: Option<&[char]>, n: usize) -> usize {
    let Some(text) = text.filter(|t| t.len() == n && n > 2) else {
        return n - 1;
    };
    let unit = |part: &[char]| part.len() == 1 || is_dictionary_word(&part.iter().collect::<String>());
    let mut best: Option<usize> = None;
    for k in 1..n {
        if unit(&text[..k]) && unit(&text[k..]) {
            let better = match best {
                None => true,
                Some(b) => {
                    (2 * k).abs_diff(n) < (2 * b).abs_diff(n) || ((2 * k).abs_diff(n) == (2 * b).abs_diff(n) && k > b)
                }
            };
            if better {
                best = Some(k);
            }
        }
    }
    best.unwrap_or(n - 1)
}

/// One-character verbs whose doubled form (AA: 试试 "have a try") is the verb reduplicated.
/// Left out: doubles that are other words (等等 "and so on", 数数 "count numbers", 画画 "draw
/// pictures", 比比 as in 比比皆是, 刷刷 the sound).
const REDUPLICATING_VERBS: &str =
    "看听说读写问想走坐试尝找洗讲聊玩学练唱跳猜摸闻擦扫搬拿放帮查算谈逛转动歇躺跑念背抄敲拍摇推拉送陪喝穿梳修";

fn reduplicated_verbs(run: &mut [Item]) {
    for k in 1..run.len() {
        let Some(verb) = run[k].hanzi.filter(|h| REDUPLICATING_VERBS.contains(*h)) else { continue };
        let first = k - 1;
        let doubled = run[first].hanzi == Some(verb)
            // Not three copies, and the pair is not inside a longer word (问问题 is 问 + 问题).
            && (first == 0 || run[first - 1].hanzi != Some(verb) && run[first - 1].word != run[first].word)
            && run.get(k + 1).is_none_or(|next| next.hanzi != Some(verb) && next.word != run[k].word);
        if !doubled {
            continue;
        }
        if run[first].surface.citation.tone == Tone::Third {
            set_tone(&mut run[first], Tone::Second, SandhiRule::ThirdTone);
        }
        let second = &mut run[k].surface;
        second.syllable.tone = Tone::Neutral;
        second.citation.tone = Tone::Neutral;
        second.rule = None;
    }
}

fn mark_half_thirds(run: &mut [Item]) {
    let n = run.len();
    for (k, item) in run.iter_mut().enumerate() {
        let s = &mut item.surface;
        s.half_third = s.syllable.tone == Tone::Third && k + 1 < n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hanzi::{readings_from_pinyin, to_pinyin};

    fn said(text: &str) -> String {
        surface(&to_pinyin(text)).iter().map(|s| s.syllable.to_numbered()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn third_tone_before_third_becomes_second() {
        assert_eq!(said("你好"), "ni2 hao3");
        assert_eq!(said("老鼠"), "lao2 shu3");
    }

    #[test]
    fn three_thirds_follow_the_word_structure() {
        assert_eq!(said("展览馆"), "zhan2 lan2 guan3");
        assert_eq!(said("小老虎"), "xiao3 lao2 hu3");
        let s = surface(&to_pinyin("小老虎"));
        assert!(s[0].half_third);
        assert_eq!(s[0].rule, None);
    }

    #[test]
    fn word_structure_comes_from_the_dictionary() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(split_point(Some(&chars("展览馆")), 3), 2);
        assert_eq!(split_point(Some(&chars("小老虎")), 3), 1);
        assert_eq!(split_point(Some(&chars("展览大厅")), 4), 2);
        assert_eq!(split_point(None, 3), 2, "unknown structure is left-branching");
    }

    #[test]
    fn third_tone_chains_across_words_run_left_to_right() {
        assert_eq!(said("我很好"), "wo2 hen2 hao3");
        assert_eq!(surface(&readings_from_pinyin("ni3 hao3").unwrap())[0].syllable.to_numbered(), "ni2");
    }

    #[test]
    fn punctuation_stops_third_tone_sandhi_and_half_thirds() {
        let s = surface(&to_pinyin("你，好"));
        assert_eq!(s[0].syllable.tone, Tone::Third);
        assert!(!s[0].half_third);
        assert_ne!(s[0].phrase, s[1].phrase);
    }

    #[test]
    fn third_tone_before_another_tone_is_a_half_third() {
        let s = surface(&to_pinyin("老师"));
        assert_eq!(s[0].syllable.tone, Tone::Third);
        assert!(s[0].half_third);
        assert!(!s[1].half_third);
        let s = surface(&to_pinyin("很好"));
        assert!(!s[1].half_third, "a phrase-final third tone is full");
    }

    #[test]
    fn yi_keeps_first_tone_alone_final_ordinal_and_in_numbers() {
        assert_eq!(said("一"), "yi1");
        assert_eq!(said("第一"), "di4 yi1");
        assert_eq!(said("一二三"), "yi1 er4 san1");
        assert_eq!(said("十一"), "shi2 yi1");
        assert_eq!(said("统一"), "tong3 yi1");
        assert_eq!(said("一月"), "yi1 yue4");
    }

    #[test]
    fn yi_is_second_before_fourth_and_fourth_before_the_rest() {
        assert_eq!(said("一样"), "yi2 yang4");
        assert_eq!(said("一个"), "yi2 ge4");
        assert_eq!(said("一天"), "yi4 tian1");
        assert_eq!(said("一年"), "yi4 nian2");
        assert_eq!(said("一起"), "yi4 qi3");
        let s = surface(&to_pinyin("一个"));
        assert_eq!((s[0].citation.to_numbered(), s[0].rule), ("yi1".into(), Some(SandhiRule::Yi)));
    }

    #[test]
    fn yi_is_neutral_in_reduplicated_verbs() {
        assert_eq!(said("看一看"), "kan4 yi5 kan4");
        assert_eq!(said("想一想"), "xiang3 yi5 xiang3");
    }

    #[test]
    fn yi_between_repeated_measures_keeps_its_ordinary_sandhi() {
        assert_eq!(said("一朵一朵"), "yi4 duo3 yi4 duo3");
    }

    #[test]
    fn bu_in_a_potential_complement_is_neutral() {
        assert_eq!(said("找不到"), "zhao3 bu5 dao4");
        assert_eq!(said("听不懂"), "ting1 bu5 dong3");
        assert_eq!(said("我不懂"), "wo3 bu4 dong3");
        assert_eq!(said("受不了"), "shou4 bu5 liao3");
        assert_eq!(said("我不了解"), "wo3 bu4 liao2 jie3", "了解 is a word, not a complement");
    }

    #[test]
    fn bu_is_second_before_fourth_and_neutral_between_copies() {
        assert_eq!(said("不是"), "bu2 shi4");
        assert_eq!(said("不去"), "bu2 qu4");
        assert_eq!(said("不好"), "bu4 hao3");
        assert_eq!(said("不"), "bu4");
        assert_eq!(said("好不好"), "hao3 bu5 hao3");
        assert_eq!(said("去不去"), "qu4 bu5 qu4");
    }

    #[test]
    fn yi_and_bu_rules_need_the_characters() {
        // 衣 yi1 and 医 yi1 are not 一: pinyin-only input leaves them alone.
        let s = surface(&readings_from_pinyin("yi1 yuan4").unwrap());
        assert_eq!(s[0].syllable.to_numbered(), "yi1");
        assert_eq!(said("医院"), "yi1 yuan4");
    }

    #[test]
    fn erhua_merges_into_the_previous_syllable_and_maps_back_to_both_characters() {
        let s = surface(&to_pinyin("这儿"));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].syllable.to_numbered(), "zher4");
        assert_eq!(s[0].citation.to_numbered(), "zhe4");
        assert_eq!((s[0].readings.clone(), s[0].chars.clone()), (0..2, 0..2));
        assert_eq!(said("那儿"), "nar4");
        assert_eq!(said("哪儿"), "nar3");
        assert_eq!(said("一点儿"), "yi4 dianr3");
        assert_eq!(said("一会儿"), "yi2 huir4");
    }

    #[test]
    fn erhua_maps_back_through_surrounding_text() {
        let text = "我在这儿，你呢？";
        let r = to_pinyin(text);
        let s = surface(&r);
        let zher = s.iter().find(|s| s.syllable.erhua).unwrap();
        let covered: String = text.chars().skip(zher.chars.start).take(zher.chars.len()).collect();
        assert_eq!(covered, "这儿");
        assert_eq!(s.len(), r.iter().filter(|r| r.is_syllable()).count() - 1);
    }

    #[test]
    fn pinyin_written_erhua_suffix_merges_too() {
        let s = surface(&readings_from_pinyin("zhe4 er5").unwrap());
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].syllable.to_numbered(), "zher4");
        let s = surface(&readings_from_pinyin("er2 zi5").unwrap());
        assert_eq!(s.len(), 2, "a full-tone er is a syllable of its own");
    }

    #[test]
    fn a_one_character_verb_said_twice_has_its_second_copy_neutral() {
        assert_eq!(said("试试"), "shi4 shi5");
        assert_eq!(said("听听"), "ting1 ting5");
        assert_eq!(said("我们去看看吧"), "wo3 men5 qu4 kan4 kan5 ba5");
        assert_eq!(said("想想"), "xiang2 xiang5", "a third tone still rises before its neutral copy");
        assert_eq!(said("我想想"), "wo3 xiang2 xiang5");
        let s = surface(&to_pinyin("试试"));
        assert_eq!((s[1].citation.tone, s[1].rule), (Tone::Neutral, None), "the neutral is lexical");
    }

    #[test]
    fn doubles_that_are_not_a_verb_reduplicated_keep_their_tones() {
        assert_eq!(said("天天"), "tian1 tian1");
        assert_eq!(said("常常"), "chang2 chang2");
        assert_eq!(said("等等"), "deng2 deng3");
        assert_eq!(said("问问题"), "wen4 wen4 ti2", "问 + 问题");
    }

    #[test]
    fn lexical_neutral_tones_survive() {
        assert_eq!(said("妈妈"), "ma1 ma5");
        assert_eq!(said("朋友"), "peng2 you5");
    }

    #[test]
    fn surface_syllables_serialise_with_numbered_pinyin() {
        let s = &surface(&to_pinyin("你好"))[0];
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(json["syllable"], "ni2");
        assert_eq!(json["citation"], "ni3");
        assert_eq!(json["rule"], "third_tone");
        assert_eq!(json["half_third"], false);
    }
}
