//! Word readings: the embedded word lists and a few corrections.
//!
//! Two lists ship in `data/` (see DATA-LICENCES.md), built by `tools/build_word_data.py`:
//! phrase-pinyin-data (MIT), which is curated for polyphones, and CC-CEDICT (CC BY-SA 4.0), which
//! marks neutral tones and 儿化 that the first list lacks (朋友 péngyou, 这儿 zhèr). They stay in
//! separate files because their licences differ, and are merged at lookup:
//!
//! * a word in the MIT list takes its reading, except that a syllable CC-CEDICT gives *only* as
//!   neutral (with the same sounds) becomes neutral;
//! * a word only in CC-CEDICT takes, for each syllable with two readings, the neutral one,
//!   because CC-CEDICT lists the colloquial noun (东西 dōngxi, "thing") beside the literal
//!   compound (东西 dōngxī, "east and west") and the colloquial word is far more common;
//! * [`CORRECTIONS`] wins over both.
//!
//! Both lists are parsed lazily, once, into maps of borrowed lines.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::syllable::Syllable;
use crate::tone::Tone;

const PHRASE_LIST: &str = include_str!("../../data/words-phrase.txt");
const CEDICT_LIST: &str = include_str!("../../data/words-cedict.txt");

/// Words both lists get wrong for a classroom: the reading a teacher expects for the common
/// sense. 地方 is dìfang "place" (dìfāng is "local", as in 地方政府).
const CORRECTIONS: [(&str, &str); 1] = [("地方", "di4 fang5")];

struct Lists {
    phrase: HashMap<&'static str, &'static str>,
    cedict: HashMap<&'static str, &'static str>,
    longest_word_chars: usize,
}

fn parse_list(list: &'static str) -> HashMap<&'static str, &'static str> {
    list.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('\t')).collect()
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let phrase = parse_list(PHRASE_LIST);
        let cedict = parse_list(CEDICT_LIST);
        let longest_word_chars = phrase.keys().chain(cedict.keys()).map(|w| w.chars().count()).max().unwrap_or(1);
        Lists { phrase, cedict, longest_word_chars }
    })
}

fn syllables(field: &str) -> Option<Vec<Syllable>> {
    field.split(' ').map(|s| Syllable::parse_allowing_rare(s).ok()).collect()
}

/// Each syllable's alternatives: `dong1 xi1/xi5`.
fn alternatives(field: &str) -> Option<Vec<Vec<Syllable>>> {
    field.split(' ').map(|s| s.split('/').map(|a| Syllable::parse_allowing_rare(a).ok()).collect()).collect()
}

/// The longest word (in characters) either list knows, to bound forward maximum matching.
pub(crate) fn longest_word_chars() -> usize {
    lists().longest_word_chars
}

/// How many words of the two lists contain `c`: a rough stand-in for how common the character
/// is (the lists keep only words whose reading needs them, yet 师 is in dozens and 䴓 in
/// none), for choosing a familiar character for a syllable given as bare pinyin.
pub fn words_containing(c: char) -> usize {
    static COUNTS: OnceLock<HashMap<char, u32>> = OnceLock::new();
    let counts = COUNTS.get_or_init(|| {
        let mut counts: HashMap<char, u32> = HashMap::new();
        let lists = lists();
        for word in lists.phrase.keys().chain(lists.cedict.keys().filter(|w| !lists.phrase.contains_key(*w))) {
            for ch in word.chars() {
                *counts.entry(ch).or_default() += 1;
            }
        }
        counts
    });
    counts.get(&c).copied().unwrap_or(0) as usize
}

/// A known word's citation reading, one syllable per character.
pub(crate) fn word_reading(word: &str) -> Option<Vec<Syllable>> {
    if let Some((_, field)) = CORRECTIONS.iter().find(|(w, _)| *w == word) {
        return syllables(field);
    }
    let lists = lists();
    let phrase = lists.phrase.get(word).and_then(|f| syllables(f));
    let cedict = lists.cedict.get(word).and_then(|f| alternatives(f));
    let n = word.chars().count();
    match (phrase, cedict) {
        (Some(p), Some(c)) if p.len() == c.len() => Some(
            p.iter()
                .zip(&c)
                .map(|(p, alts)| match alts.as_slice() {
                    [only] if only.tone == Tone::Neutral && only.same_segments(p) => *only,
                    _ => *p,
                })
                .collect(),
        ),
        (Some(p), _) => Some(p),
        (None, Some(c)) => {
            Some(c.iter().map(|alts| *alts.iter().find(|s| s.tone == Tone::Neutral).unwrap_or(&alts[0])).collect())
        }
        (None, None) => None,
    }
    .filter(|r| r.len() == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_characters_are_in_many_more_words_than_rare_ones() {
        assert!(
            words_containing('师') > 10 * words_containing('䴓').max(1),
            "{} {}",
            words_containing('师'),
            words_containing('䴓')
        );
        assert!(words_containing('老') > words_containing('佬'));
        assert_eq!(words_containing('a'), 0);
    }

    fn reading(word: &str) -> String {
        word_reading(word)
            .unwrap_or_else(|| panic!("{word} not found"))
            .iter()
            .map(Syllable::to_numbered)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn every_entry_parses_to_attested_syllables_one_per_character() {
        for (list, alternatives_allowed) in [(PHRASE_LIST, false), (CEDICT_LIST, true)] {
            let mut count = 0;
            for line in list.lines().filter(|l| !l.starts_with('#')) {
                let (word, field) = line.split_once('\t').unwrap_or_else(|| panic!("{line:?}"));
                let parts: Vec<&str> = field.split(' ').collect();
                assert_eq!(parts.len(), word.chars().count(), "{line}");
                for part in parts {
                    assert!(alternatives_allowed || !part.contains('/'), "{line}");
                    for s in part.split('/') {
                        assert!(Syllable::parse(s).is_ok(), "{line}: {s}");
                    }
                }
                count += 1;
            }
            assert!(count > 25_000, "{count}");
        }
    }

    #[test]
    fn mit_list_decides_polyphones() {
        assert_eq!(reading("银行"), "yin2 hang2");
        assert_eq!(reading("行走"), "xing2 zou3");
        assert_eq!(reading("长城"), "chang2 cheng2");
        assert_eq!(reading("重新"), "chong2 xin1");
        assert_eq!(reading("不是"), "bu4 shi4");
    }

    #[test]
    fn cedict_supplies_neutral_tones_and_erhua() {
        assert_eq!(reading("朋友"), "peng2 you5");
        assert_eq!(reading("这儿"), "zhe4 er5");
        assert_eq!(reading("东西"), "dong1 xi5");
        assert_eq!(reading("对不起"), "dui4 bu5 qi3");
    }

    #[test]
    fn corrections_win() {
        assert_eq!(reading("地方"), "di4 fang5");
    }

    #[test]
    fn sandhi_forms_in_the_data_are_back_to_citation() {
        assert_eq!(reading("一个"), "yi1 ge4");
    }

    #[test]
    fn unknown_words_have_no_reading() {
        assert!(word_reading("石榴石榴石榴").is_none());
    }
}
