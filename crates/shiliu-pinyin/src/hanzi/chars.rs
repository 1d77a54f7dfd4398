//! Per-character readings from the `pinyin` crate (mozillazg/pinyin-data, MIT).
//!
//! The data lists a character's readings most common first, but it also lists the sandhi forms
//! of 一 and 不 (yí, yì, bú) as readings, and puts a neutral reading first for a few characters
//! whose citation is a full tone (子 zi before zǐ). Both are corrected here so the fallback for a
//! character outside any known word is its citation reading.

use pinyin::ToPinyinMulti;

use crate::finals::Final;
use crate::initial::Initial;
use crate::syllable::Syllable;
use crate::tone::Tone;

/// Characters whose neutral reading really is the one to use when nothing else is known:
/// particles and the plural suffix.
const NEUTRAL_BY_DEFAULT: &str = "的了着吗呢吧啊呀么嘛啦哇哦们";

/// The unified ideograph blocks (basic, extensions A–I, compatibility). Radicals and strokes are
/// not words and pass through like punctuation.
pub(crate) fn is_hanzi(c: char) -> bool {
    matches!(u32::from(c),
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x323AF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
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

/// More than one reading once the sandhi forms are set aside.
pub(crate) fn is_polyphonic(c: char) -> bool {
    readings(c).len() > 1
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
    fn hanzi_detection_skips_punctuation_and_latin() {
        assert!(is_hanzi('银'));
        assert!(is_hanzi('〇'));
        assert!(!is_hanzi('，'));
        assert!(!is_hanzi('a'));
        assert!(!is_hanzi('3'));
    }
}
