//! Hanzi → citation pinyin.
//!
//! Text is segmented into words with jieba's dictionary; each word is looked up in the word lists
//! ([`dict`]), grammar decides particles and suffixes ([`rules`]), and a character nothing else
//! covers gets its most common reading ([`chars`]), flagged `polyphone_unresolved` when it has
//! others so lesson tooling can ask a teacher. The output is the citation form, one syllable per
//! character (这儿 is `zhe4 er5`); [`crate::surface`] turns it into what is actually said.
//!
//! jieba splits a polyphone off as a one-character word whenever it does not know the phrase
//! (还书 → 还 / 书); such a character is joined with the words after it when the word lists know
//! the combination, so 还书 reads huán shū.

mod chars;
mod dict;
mod given;
mod rules;

use std::sync::OnceLock;

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

use crate::syllable::Syllable;
use rules::TaggedWord;

pub(crate) use chars::ER5;
pub use chars::{char_readings, is_hanzi, standard_characters};
pub use dict::words_containing;
pub use given::{align_pinyin, readings_from_pinyin};

/// Where a reading came from, so tools know how far to trust it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingSource {
    /// The word lists (or a built-in correction) know the word.
    Word,
    /// Grammar decided it: a particle, a suffix, 一 or 不.
    Rule,
    /// The character's most common reading; nothing better was known.
    Character,
    /// Supplied by the caller (reviewed pinyin, or pinyin-only input).
    Given,
    /// A hanzi with no reading in the data.
    Unknown,
    /// Not hanzi (punctuation, Latin, digits, spaces): passed through without a syllable.
    NotHanzi,
}

/// One hanzi and its citation reading, or a run of other text passed through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// The character, or the run of non-hanzi text (or the pinyin token, for pinyin input).
    pub text: String,
    /// Character (Unicode scalar) offsets of `text` in the input: `start..end`.
    pub start: usize,
    pub end: usize,
    pub syllable: Option<Syllable>,
    /// Index of the word this belongs to; readings of one word share it. Non-hanzi runs get
    /// their own index and end a phrase.
    pub word: usize,
    pub source: ReadingSource,
    /// The character has several readings and this one is a guess.
    pub polyphone_unresolved: bool,
}

impl Reading {
    fn hanzi(c: char, start: usize, word: usize, syllable: Option<Syllable>, source: ReadingSource) -> Reading {
        let source = if syllable.is_none() { ReadingSource::Unknown } else { source };
        Reading { text: c.to_string(), start, end: start + 1, syllable, word, source, polyphone_unresolved: false }
    }

    /// A reading that carries a syllable (a hanzi, or a syllable of pinyin input).
    pub fn is_syllable(&self) -> bool {
        self.syllable.is_some()
    }

    /// The single hanzi this reading is for, if it is one.
    pub fn hanzi_char(&self) -> Option<char> {
        let mut it = self.text.chars();
        match (it.next(), it.next()) {
            (Some(c), None) if is_hanzi(c) => Some(c),
            _ => None,
        }
    }
}

fn segmenter() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// Whether jieba's dictionary or the word lists know `word`; sandhi uses it to find the inner
/// structure of long words (展览 + 馆).
pub(crate) fn is_dictionary_word(word: &str) -> bool {
    segmenter().has_word(word) || dict::word_reading(word).is_some()
}

/// Citation readings for every character of `text`, in order.
pub fn to_pinyin(text: &str) -> Vec<Reading> {
    let mut out: Vec<Reading> = Vec::new();
    let mut word = 0;
    let mut pos = 0;
    // The hanzi words since the last non-hanzi text, with their jieba tags.
    let mut phrase: Vec<(String, String)> = Vec::new();
    for tag in segmenter().tag(text, false) {
        let mut rest = tag.word;
        while let Some(first) = rest.chars().next() {
            let hanzi = is_hanzi(first);
            let len = rest.find(|c| is_hanzi(c) != hanzi).unwrap_or(rest.len());
            let (run, tail) = rest.split_at(len);
            if hanzi {
                let t = if tail.is_empty() && len == tag.word.len() { tag.tag } else { "x" };
                phrase.push((run.to_owned(), t.to_owned()));
            } else {
                read_phrase(&std::mem::take(&mut phrase), &mut out, &mut word, &mut pos);
                let n = run.chars().count();
                match out.last_mut() {
                    Some(last) if last.source == ReadingSource::NotHanzi => {
                        last.text.push_str(run);
                        last.end += n;
                    }
                    _ => {
                        out.push(Reading {
                            text: run.to_owned(),
                            start: pos,
                            end: pos + n,
                            syllable: None,
                            word,
                            source: ReadingSource::NotHanzi,
                            polyphone_unresolved: false,
                        });
                        word += 1;
                    }
                }
                pos += n;
            }
            rest = tail;
        }
    }
    read_phrase(&phrase, &mut out, &mut word, &mut pos);
    out
}

/// Reads one run of hanzi words (no punctuation inside).
fn read_phrase(words: &[(String, String)], out: &mut Vec<Reading>, word: &mut usize, pos: &mut usize) {
    let mut i = 0;
    let mut prev: Option<TaggedWord> = None;
    while i < words.len() {
        let (w, tag) = (&words[i].0, words[i].1.as_str());
        let tagged = TaggedWord { word: w, tag };
        let mut chars_of_w = w.chars();
        let single = match (chars_of_w.next(), chars_of_w.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        };
        if let Some(c) = single {
            if let Some(rule) = rules::single_char_reading(c, tag, prev) {
                let mut r = Reading::hanzi(c, *pos, *word, Some(rule.syllable), ReadingSource::Rule);
                r.polyphone_unresolved = rule.guessed;
                out.push(r);
                finish_word(&mut i, 1, word, pos, &mut prev, tagged);
                continue;
            }
            if let Some((joined, count)) = join_with_following(words, i) {
                let n = joined.chars().count();
                read_word(&joined, out, *word, *pos);
                i += count;
                *word += 1;
                *pos += n;
                prev = Some(TaggedWord { word: &words[i - 1].0, tag: "x" });
                continue;
            }
        }
        read_word(w, out, *word, *pos);
        let n = w.chars().count();
        finish_word(&mut i, n, word, pos, &mut prev, tagged);
    }
}

fn finish_word<'a>(
    i: &mut usize,
    chars: usize,
    word: &mut usize,
    pos: &mut usize,
    prev: &mut Option<TaggedWord<'a>>,
    this: TaggedWord<'a>,
) {
    *i += 1;
    *word += 1;
    *pos += chars;
    *prev = Some(this);
}

/// A one-character polyphone joined with whole words after it, when the lists know the result.
fn join_with_following(words: &[(String, String)], i: usize) -> Option<(String, usize)> {
    let first = words[i].0.chars().next()?;
    if !chars::is_polyphonic(first) {
        return None;
    }
    let longest = dict::longest_word_chars().min(6);
    let mut candidates = Vec::new();
    let mut joined = words[i].0.clone();
    for (k, (w, _)) in words.iter().enumerate().skip(i + 1) {
        joined.push_str(w);
        if joined.chars().count() > longest {
            break;
        }
        candidates.push((joined.clone(), k - i + 1));
    }
    candidates.into_iter().rev().find(|(j, _)| dict::word_reading(j).is_some())
}

/// Readings for the characters of one word: the whole word from the lists, else the longest
/// known pieces, else character by character.
fn read_word(w: &str, out: &mut Vec<Reading>, word: usize, start: usize) {
    let chars: Vec<char> = w.chars().collect();
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let longest = dict::longest_word_chars().min(n - i);
        let known = (2..=longest).rev().find_map(|len| {
            let piece: String = chars[i..i + len].iter().collect();
            dict::word_reading(&piece).map(|r| (len, r))
        });
        if let Some((len, syllables)) = known {
            for (k, s) in syllables.into_iter().enumerate() {
                out.push(Reading::hanzi(chars[i + k], start + i + k, word, Some(s), ReadingSource::Word));
            }
            i += len;
            continue;
        }
        let c = chars[i];
        let stem: String = chars[..i].iter().collect();
        let rest: String = chars[i + 1..].iter().collect();
        let suffix = if n >= 2 && i == n - 1 { rules::suffix_reading(c, &stem) } else { None };
        let rule = suffix.or_else(|| rules::inner_reading(c, &stem, &rest)).or_else(|| rules::yi_bu_citation(c));
        let r = match rule {
            Some(rule) => Reading::hanzi(c, start + i, word, Some(rule.syllable), ReadingSource::Rule),
            None => {
                let mut r = Reading::hanzi(c, start + i, word, chars::default_reading(c), ReadingSource::Character);
                r.polyphone_unresolved = r.syllable.is_some() && chars::is_polyphonic(c);
                r
            }
        };
        out.push(r);
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(text: &str) -> String {
        to_pinyin(text).iter().filter_map(|r| r.syllable.map(|s| s.to_numbered())).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn polyphones_are_resolved_by_word() {
        let cases = [
            ("银行", "yin2 hang2"),
            ("行走", "xing2 zou3"),
            ("音乐", "yin1 yue4"),
            ("快乐", "kuai4 le4"),
            ("长大", "zhang3 da4"),
            ("长城", "chang2 cheng2"),
            ("重要", "zhong4 yao4"),
            ("重新", "chong2 xin1"),
            ("觉得", "jue2 de5"),
            ("睡觉", "shui4 jiao4"),
            // 现代汉语词典 and HSK write háishi; CC-CEDICT agrees, so 是 is neutral here.
            ("还是", "hai2 shi5"),
            ("还书", "huan2 shu1"),
            ("老师", "lao3 shi1"),
        ];
        for (text, expected) in cases {
            assert_eq!(py(text), expected, "{text}");
        }
    }

    #[test]
    fn grammar_decides_where_jieba_keeps_a_phrase_whole_or_a_verb_stands_alone() {
        assert_eq!(py("他跑得快"), "ta1 pao3 de5 kuai4");
        assert_eq!(py("说得好"), "shuo1 de5 hao3");
        assert_eq!(py("得到"), "de2 dao4");
        assert_eq!(py("数一数"), "shu3 yi1 shu3");
        assert_eq!(py("数钱"), "shu3 qian2");
        assert_eq!(py("数学"), "shu4 xue2");
    }

    #[test]
    fn lexical_neutral_tones_come_from_the_word_lists() {
        let cases = [
            ("朋友", "peng2 you5"),
            ("妈妈", "ma1 ma5"),
            ("我们", "wo3 men5"),
            ("东西", "dong1 xi5"),
            ("地方", "di4 fang5"),
        ];
        for (text, expected) in cases {
            assert_eq!(py(text), expected, "{text}");
        }
    }

    #[test]
    fn yi_and_bu_keep_their_citation_tone() {
        assert_eq!(py("一个"), "yi1 ge4");
        assert_eq!(py("一"), "yi1");
        assert_eq!(py("不是"), "bu4 shi4");
        assert_eq!(py("不去"), "bu4 qu4");
    }

    #[test]
    fn particles_are_neutral_in_sentences() {
        assert_eq!(py("我的书"), "wo3 de5 shu1");
        assert_eq!(py("他来了"), "ta1 lai2 le5");
        assert_eq!(py("他看着我"), "ta1 kan4 zhe5 wo3");
        assert_eq!(py("你好吗"), "ni3 hao3 ma5");
        assert_eq!(py("我了解"), "wo3 liao3 jie3");
        assert_eq!(py("他跑得很快"), "ta1 pao3 de5 hen3 kuai4");
        assert_eq!(py("他慢慢地走"), "ta1 man4 man4 de5 zou3");
    }

    #[test]
    fn a_reduplicated_adverb_kept_whole_by_jieba_still_ends_in_de5() {
        // jieba keeps 重重地 as one word the lists do not know.
        let r = to_pinyin("他重重地摔了一跤");
        assert_eq!(r[1].word, r[3].word);
        assert_eq!(r[3].syllable.unwrap().to_numbered(), "de5");
        assert_eq!(py("他悄悄地走了"), "ta1 qiao1 qiao1 de5 zou3 le5");
    }

    #[test]
    fn erhua_suffix_is_its_own_er5_token_in_the_citation() {
        assert_eq!(py("这儿"), "zhe4 er5");
        assert_eq!(py("那儿"), "na4 er5");
        assert_eq!(py("哪儿"), "na3 er5");
        assert_eq!(py("一点儿"), "yi1 dian3 er5");
        assert_eq!(py("一会儿"), "yi1 hui4 er5");
        assert_eq!(py("女儿"), "nü3 er2");
    }

    #[test]
    fn non_hanzi_passes_through_with_positions() {
        let r = to_pinyin("你好，Tom 123！");
        let texts: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["你", "好", "，Tom 123！"]);
        let last = r.last().unwrap();
        assert_eq!((last.start, last.end, last.source), (2, 11, ReadingSource::NotHanzi));
        assert!(last.syllable.is_none());
        assert_eq!(r[0].word, r[1].word);
    }

    #[test]
    fn empty_text_has_no_readings() {
        assert!(to_pinyin("").is_empty());
        assert!(crate::surface(&to_pinyin("")).is_empty());
    }

    #[test]
    fn guessed_polyphones_are_flagged_and_known_words_are_not() {
        let r = to_pinyin("银行");
        assert!(r.iter().all(|r| !r.polyphone_unresolved && r.source == ReadingSource::Word));
        let r = to_pinyin("长");
        assert!(r[0].polyphone_unresolved, "{r:?}");
        assert_eq!(r[0].source, ReadingSource::Character);
        let r = to_pinyin("我");
        assert!(!r[0].polyphone_unresolved);
    }

    #[test]
    fn words_share_an_index_and_offsets_count_characters() {
        let r = to_pinyin("我们是朋友");
        assert_eq!(r.len(), 5);
        assert_eq!(r[0].word, r[1].word);
        assert_ne!(r[1].word, r[2].word);
        assert_eq!(r[3].word, r[4].word);
        assert_eq!(r.iter().map(|r| r.start).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn readings_serialise_for_the_ui() {
        let r = &to_pinyin("好")[0];
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(json["syllable"], "hao3");
        assert_eq!(json["source"], "character");
        let back: Reading = serde_json::from_value(json).unwrap();
        assert_eq!(&back, r);
    }
}
