//! Per-character readings from the `pinyin` crate (mozillazg/pinyin-data, MIT).
//!
//! The data lists a character's readings most common first, but it also lists the sandhi forms
//! of 一 and 不 (yí, yì, bú) as readings, and puts a neutral reading first for a few characters
//! whose citation is a full tone (子 zi before zǐ). Both are corrected here so the fallback for a
//! character outside any known word is its citation reading.
//!
//! Whether a character is polyphonic is decided by `data/polyphones.txt` (kTGHZ2013, the readings
//! of the 2013 standard dictionary) for the 8105 standard characters, because the merged data also
//! keeps archaic readings (他 tuó, 吃 jī) that would flag nearly every sentence for review.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use pinyin::ToPinyinMulti;

use crate::finals::Final;
use crate::initial::Initial;
use crate::syllable::Syllable;
use crate::tone::Tone;

const POLYPHONES: &str = include_str!("../../data/polyphones.txt");
const STANDARD_CHARS: &str = include_str!("../../data/standard-chars.txt");

/// Characters whose neutral reading really is the one to use when nothing else is known:
/// particles and the plural suffix.
const NEUTRAL_BY_DEFAULT: &str = "的了着吗呢吧啊呀么嘛啦哇哦们";

/// The unified ideograph blocks (basic, extension A, the supplementary-plane extensions and
/// compatibility ideographs). Radicals and strokes are
/// not words and pass through like punctuation.
pub fn is_hanzi(c: char) -> bool {
    matches!(u32::from(c),
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x323AF | 0xF900..=0xFAFF)
        || c == '〇'
}

/// Every reading the data gives, in its order, without the sandhi forms of 一 and 不.
pub(crate) fn readings(c: char) -> Vec<Syllable> {
    let Some(multi) = c.to_pinyin_multi() else {
        return Vec::new();
    };
    let mut out: Vec<Syllable> = Vec::new();
    for p in multi {
        // Unparseable data is skipped rather than failing a whole sentence on a rare character.
        let Ok(s) = Syllable::parse_allowing_rare(p.with_tone()) else { continue };
        let sandhi_form = match c {
            '一' => s.tone != Tone::First,
            '不' => s.tone == Tone::Second,
            _ => false,
        };
        if !sandhi_form && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The citation reading to use for a character on its own.
pub(crate) fn default_reading(c: char) -> Option<Syllable> {
    let all = readings(c);
    if NEUTRAL_BY_DEFAULT.contains(c) {
        return all.first().copied();
    }
    all.iter().find(|s| s.tone != Tone::Neutral).or(all.first()).copied()
}

/// The standard characters with several modern readings, and those readings.
fn polyphones() -> &'static HashMap<char, &'static str> {
    static MAP: OnceLock<HashMap<char, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        POLYPHONES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .filter_map(|(c, readings)| Some((c.chars().next()?, readings)))
            .collect()
    })
}

/// Whether a character has more than one modern reading, so a reading not backed by a word or a
/// rule is a guess. Characters outside the standard list fall back to the merged data.
pub(crate) fn is_polyphonic(c: char) -> bool {
    if polyphones().contains_key(&c) {
        return true;
    }
    !standard_chars().contains(&c) && readings(c).len() > 1
}

/// The readings a reviewer should choose from: the modern readings of a standard character, or
/// everything the data has for a rare one.
pub fn char_readings(c: char) -> Vec<Syllable> {
    if let Some(field) = polyphones().get(&c) {
        return field.split(' ').filter_map(|s| Syllable::parse_allowing_rare(s).ok()).collect();
    }
    if standard_chars().contains(&c) {
        return default_reading(c).into_iter().collect();
    }
    readings(c)
}

/// The 8105 characters of the 2013 standard list (通用规范汉字表), in code-point order.
pub fn standard_characters() -> impl Iterator<Item = char> {
    STANDARD_CHARS.lines().filter(|l| !l.starts_with('#')).flat_map(str::chars)
}

fn standard_chars() -> &'static HashSet<char> {
    static SET: OnceLock<HashSet<char>> = OnceLock::new();
    SET.get_or_init(|| STANDARD_CHARS.lines().filter(|l| !l.starts_with('#')).flat_map(str::chars).collect())
}

/// The 儿化 suffix as a citation token: er5.
pub(crate) const ER5: Syllable = Syllable::new(Initial::Zero, Final::Er, Tone::Neutral);

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(c: char) -> String {
        default_reading(c).unwrap().to_numbered()
    }

    #[test]
    fn yi_and_bu_lose_their_sandhi_forms() {
        assert_eq!(readings('一').iter().map(Syllable::to_numbered).collect::<Vec<_>>(), ["yi1"]);
        assert!(readings('不').iter().all(|s| s.tone != Tone::Second));
        assert_eq!(numbered('不'), "bu4");
    }

    #[test]
    fn zi_alone_is_zi3_but_men_stays_neutral() {
        assert_eq!(numbered('子'), "zi3");
        assert_eq!(numbered('们'), "men5");
        assert_eq!(numbered('吗'), "ma5");
    }

    #[test]
    fn hang_and_xing_make_xing_polyphonic_but_not_wo() {
        assert!(is_polyphonic('行'));
        assert!(is_polyphonic('长'));
        assert!(!is_polyphonic('我'));
        assert!(!is_polyphonic('一'));
    }

    #[test]
    fn archaic_readings_do_not_make_a_standard_character_polyphonic() {
        assert!(readings('他').len() > 1, "the merged data lists 他 tuó");
        assert!(!is_polyphonic('他'));
        assert!(!is_polyphonic('吃'));
        assert!(is_polyphonic('好'));
        assert!(is_polyphonic('了'));
    }

    #[test]
    fn reviewers_choose_among_modern_readings() {
        let hang: Vec<String> = char_readings('行').iter().map(Syllable::to_numbered).collect();
        assert_eq!(hang, ["hang2", "heng2", "xing2"]);
        assert_eq!(char_readings('他').len(), 1);
        assert!(char_readings('x').is_empty());
    }

    #[test]
    fn the_standard_list_has_8105_characters() {
        assert_eq!(standard_chars().len(), 8105);
        assert!(standard_chars().contains(&'银'));
        assert!(!standard_chars().contains(&'東'));
    }

    #[test]
    fn hanzi_detection_skips_punctuation_and_latin() {
        assert!(is_hanzi('银'));
        assert!(is_hanzi('〇'));
        assert!(!is_hanzi('，'));
        assert!(!is_hanzi('a'));
        assert!(!is_hanzi('3'));
    }
}
