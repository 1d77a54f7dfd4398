//! Readings decided by grammar rather than by the word lists: particles, suffixes, 一 and 不.
//!
//! jieba tags each word with its dictionary part of speech, which is enough for the common
//! cases: a standalone 的 / 了 / 着 is a particle (uj / ul / uz) and neutral; 过 after a verb is
//! the aspect particle. 地 and 得 need a guess from the word before them, and say so.

use crate::syllable::Syllable;

/// One word as segmented, with its dictionary tag.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaggedWord<'a> {
    pub word: &'a str,
    pub tag: &'a str,
}

/// A rule's reading and whether the rule is a guess between readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RuleReading {
    pub syllable: Syllable,
    pub guessed: bool,
}

fn fixed(s: &str) -> Option<RuleReading> {
    Syllable::parse(s).ok().map(|syllable| RuleReading { syllable, guessed: false })
}

fn guess(s: &str) -> Option<RuleReading> {
    Syllable::parse(s).ok().map(|syllable| RuleReading { syllable, guessed: true })
}

/// Adverbs and adjectives come before adverbial 地: 慢慢地, 认真地, 突然地.
fn is_adverbial(w: TaggedWord) -> bool {
    let tag_fits = ["a", "ad", "an", "d", "z", "i", "l"].contains(&w.tag);
    let chars: Vec<char> = w.word.chars().collect();
    let reduplicated = match chars.as_slice() {
        [a, b] => a == b,
        [a, b, c, d] => (a == b && c == d) || (a == c && b == d),
        _ => false,
    };
    tag_fits || reduplicated || w.word.ends_with('然')
}

/// The reading of a one-character word when grammar decides it. `prev` is the word before it in
/// the same phrase, if any.
pub(crate) fn single_char_reading(c: char, tag: &str, prev: Option<TaggedWord>) -> Option<RuleReading> {
    let prev_tag = prev.map(|p| p.tag).unwrap_or("");
    if let Some(citation) = yi_bu_citation(c) {
        return Some(citation);
    }
    match c {
        '的' => fixed("de5"),
        '了' => fixed("le5"),
        '着' => fixed("zhe5"),
        '过' if prev_tag.starts_with('v') => fixed("guo5"),
        '过' => fixed("guo4"),
        '吗' | '嘛' => fixed("ma5"),
        '呢' => fixed("ne5"),
        '吧' => fixed("ba5"),
        '啊' => fixed("a5"),
        '呀' => fixed("ya5"),
        '啦' => fixed("la5"),
        '么' => fixed("me5"),
        '们' => fixed("men5"),
        '地' if prev.is_some_and(is_adverbial) => fixed("de5"),
        '地' if tag == "uv" && prev.is_some() => guess("di4"),
        '得' if prev_tag.starts_with('v') || prev_tag.starts_with('a') => fixed("de5"),
        // Modal 得 děi follows its subject or an adverb: 我得走了, 还得去.
        '得' if prev_tag.starts_with('r') || prev_tag == "d" => fixed("dei3"),
        '得' if prev.is_some() => guess("de5"),
        // Alone, 数 is nearly always the verb "count" (数钱, 数星星); the noun shù lives in
        // compounds the lists know (数学, 人数).
        '数' => guess("shu3"),
        // A standalone 儿 after another character is the 儿化 suffix jieba did not join.
        '儿' if prev.is_some() => fixed("er5"),
        _ => None,
    }
}

/// 一 and 不 read yi1 and bu4 in citation wherever they stand; sandhi changes them later.
pub(crate) fn yi_bu_citation(c: char) -> Option<RuleReading> {
    match c {
        '一' => fixed("yi1"),
        '不' => fixed("bu4"),
        _ => None,
    }
}

/// Suffix readings for the last character of a word the lists do not know; `stem` is the rest of
/// the word. jieba keeps some adverbials whole (重重地, 悄悄地), and every 地 word that is a
/// place (目的地, 根据地) is in the lists, so an unknown reduplicated stem + 地 is the particle.
pub(crate) fn suffix_reading(c: char, stem: &str) -> Option<RuleReading> {
    match c {
        '们' => fixed("men5"),
        '儿' => fixed("er5"),
        '地' if is_adverbial(TaggedWord { word: stem, tag: "" }) => fixed("de5"),
        _ => None,
    }
}

/// Readings for a character inside a word the lists do not know, after `stem`. jieba keeps
/// some verb + 得 + complement phrases whole (跑得快, 说得好: its list has them as a card game
/// and an exclamation); every word with dé in it (得到, 获得, 难得) is in the lists. So is the
/// verb in an unknown V一V (数一数 shǔ yi shǔ).
pub(crate) fn inner_reading(c: char, stem: &str, rest: &str) -> Option<RuleReading> {
    let v_yi_v = stem.strip_suffix('一').is_some_and(|s| s.ends_with(c))
        || rest.strip_prefix('一').is_some_and(|r| r.starts_with(c));
    match c {
        '得' if !stem.is_empty() => fixed("de5"),
        '数' if v_yi_v => fixed("shu3"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(c: char, tag: &str, prev: Option<(&str, &str)>) -> (String, bool) {
        let prev = prev.map(|(word, tag)| TaggedWord { word, tag });
        let r = single_char_reading(c, tag, prev).expect("a rule applies");
        (r.syllable.to_numbered(), r.guessed)
    }

    #[test]
    fn structural_particles_are_neutral() {
        assert_eq!(read('的', "uj", Some(("我", "r"))).0, "de5");
        assert_eq!(read('了', "ul", Some(("吃", "v"))).0, "le5");
        assert_eq!(read('着', "uz", Some(("看", "v"))).0, "zhe5");
    }

    #[test]
    fn guo_is_neutral_only_after_a_verb() {
        assert_eq!(read('过', "ug", Some(("去", "v"))).0, "guo5");
        assert_eq!(read('过', "ug", None).0, "guo4");
    }

    #[test]
    fn di_after_an_adverb_is_the_particle_de() {
        assert_eq!(read('地', "uv", Some(("慢慢", "d"))), ("de5".into(), false));
        assert_eq!(read('地', "uv", Some(("认真", "ad"))), ("de5".into(), false));
        assert_eq!(read('地', "uv", Some(("高高兴兴", "z"))), ("de5".into(), false));
        assert_eq!(read('地', "uv", Some(("在", "p"))), ("di4".into(), true));
    }

    #[test]
    fn de_after_a_verb_is_neutral_and_after_a_subject_is_dei3() {
        assert_eq!(read('得', "ud", Some(("跑", "v"))).0, "de5");
        assert_eq!(read('得', "ud", Some(("我", "r"))).0, "dei3");
        assert_eq!(read('得', "ud", Some(("还", "d"))).0, "dei3");
    }

    #[test]
    fn de_inside_a_phrase_jieba_kept_whole_is_the_complement_particle() {
        let r = inner_reading('得', "跑", "快").unwrap();
        assert_eq!((r.syllable.to_numbered(), r.guessed), ("de5".into(), false));
        assert!(inner_reading('得', "", "到").is_none(), "a word starting with 得 is left to the lists");
    }

    #[test]
    fn shu_counting_is_the_verb() {
        assert_eq!(read('数', "n", None), ("shu3".into(), true));
        assert_eq!(inner_reading('数', "", "一数").unwrap().syllable.to_numbered(), "shu3");
        assert_eq!(inner_reading('数', "数一", "").unwrap().syllable.to_numbered(), "shu3");
        assert!(inner_reading('数', "分", "").is_none());
    }

    #[test]
    fn standalone_er_after_a_character_is_the_erhua_suffix() {
        assert_eq!(read('儿', "n", Some(("玩", "v"))).0, "er5");
        assert!(single_char_reading('儿', "n", None).is_none());
    }

    #[test]
    fn ordinary_characters_have_no_rule() {
        assert!(single_char_reading('书', "n", None).is_none());
        assert!(suffix_reading('书', "看").is_none());
        assert_eq!(suffix_reading('们', "同学").unwrap().syllable.to_numbered(), "men5");
    }

    #[test]
    fn a_reduplicated_stem_makes_a_final_di_the_particle() {
        assert_eq!(suffix_reading('地', "重重").unwrap().syllable.to_numbered(), "de5");
        assert!(suffix_reading('地', "根据").is_none());
    }
}
