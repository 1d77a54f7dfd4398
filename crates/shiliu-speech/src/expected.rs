//! What the student should say: the target's characters, its citation pinyin and the surface
//! form after sandhi, one entry per spoken syllable.

use serde::Serialize;
/// What counts as a Chinese character is the phonology crate's to say.
pub use shiliu_pinyin::is_hanzi;
use shiliu_pinyin::{Reading, SurfaceSyllable, Syllable};

use crate::candidates::{chars_for, segments};

/// The kind of item, which decides how a PSC examiner would count mistakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "Task.ts"))]
pub enum Task {
    /// One syllable (PSC part 1, 单音节字词).
    Syllable,
    /// Two to four syllables (PSC part 2, 多音节词语).
    Word,
    /// A sentence or passage read aloud (PSC part 3, 朗读短文).
    Reading,
}

/// One expected spoken syllable.
#[derive(Debug, Clone)]
pub struct ExpectedSyllable {
    /// The character(s) it is written with (two for 儿化 such as 这儿).
    pub hanzi: String,
    /// The character(s) forced for it in teacher forcing: simplified, or for a pinyin-only item
    /// one character read that way.
    pub forced: String,
    pub surface: SurfaceSyllable,
}

impl ExpectedSyllable {
    pub fn syllable(&self) -> Syllable {
        self.surface.syllable
    }
}

#[derive(Debug, Clone)]
pub struct Expected {
    pub text: String,
    pub syllables: Vec<ExpectedSyllable>,
    /// Every character teacher forcing walks through, in order (simplified).
    pub chars: Vec<char>,
    pub task: Task,
}

#[derive(Debug, thiserror::Error)]
pub enum ExpectedError {
    #[error("the target {0:?} has no Chinese characters or pinyin to practise")]
    Empty(String),
    #[error("the pinyin does not fit the target: {0}")]
    Pinyin(#[from] shiliu_pinyin::Error),
    #[error("no character is known for the syllable {0}")]
    NoCharacter(String),
    #[error("no reading is known for {0}: give the target's pinyin as well")]
    UnknownReading(String),
    #[error(
        "the pinyin {0:?} has no tones: write each syllable's tone as a digit (jin1 tian1) or a mark (jīntiān); a neutral tone is 5 or no mark"
    )]
    Toneless(String),
    #[error(
        "the target {target:?} mixes letters that are not Chinese ({letters}) with Chinese characters: only Chinese syllables are scored, so write them in hanzi or leave them out"
    )]
    ForeignLetters { target: String, letters: String },
    #[error(
        "the contrast {0:?} has no Chinese characters: give the text it could be mistaken for, such as 老鼠 for 老师"
    )]
    ContrastNotChinese(String),
    #[error(
        "the contrast {0:?} is the target itself (to compare two readings of the same characters, give the contrast's pinyin)"
    )]
    ContrastIsTarget(String),
}

impl Expected {
    /// From hanzi (pinyin looked up, polyphones resolved by word) or, when the lesson gives it,
    /// hanzi with its pinyin; or pinyin alone (a representative character is chosen).
    pub fn new(text: &str, pinyin: Option<&str>) -> Result<Expected, ExpectedError> {
        // A target typed with digits ("3个人", "15") is read as its number; in pinyin typed as
        // the target ("lao3 shi1") the digits are tones.
        let is_pinyin = !text.chars().any(is_hanzi) && text.chars().any(char::is_alphabetic);
        let spelled = if is_pinyin { text.to_owned() } else { crate::normalize::spell_numbers(text) };
        let text = spelled.as_str();
        let has_hanzi = text.chars().any(is_hanzi);
        let has_pinyin = pinyin.is_some_and(|p| p.chars().any(char::is_alphabetic));
        if !has_hanzi && !has_pinyin && !text.chars().any(char::is_alphabetic) {
            return Err(ExpectedError::Empty(text.to_owned()));
        }
        // Letters among hanzi (卡拉OK, T恤) are said as English letter names, which cannot be
        // scored as Putonghua; dropping them silently would leave the student's "O K" as noise.
        let letters: String = text.chars().filter(|&c| c.is_alphabetic() && !is_hanzi(c)).collect();
        if has_hanzi && !letters.is_empty() {
            return Err(ExpectedError::ForeignLetters { target: text.to_owned(), letters });
        }
        // Words are looked up, and forced, in their simplified form (謝謝 is the word 谢谢 with
        // its neutral tone, and the recogniser writes simplified), and shown as written. The text
        // is converted as a whole, so 乾坤 stays and 一乾二淨 becomes 一干二净.
        let written: Vec<char> = text.chars().collect();
        let simplified = Some(fast2s::convert(text))
            .filter(|s| s.chars().count() == written.len())
            .unwrap_or_else(|| text.to_owned());
        let readings: Vec<Reading> = match (has_hanzi, pinyin) {
            (true, Some(p)) if !shiliu_pinyin::writes_tones(p) => with_own_tones(&simplified, p)?,
            (true, Some(p)) => shiliu_pinyin::align_pinyin(&simplified, p)?,
            (true, None) => shiliu_pinyin::to_pinyin(&simplified),
            // Pinyin alone, with no tone written at all, is toneless spelling ("jintian"), not
            // a string of neutral tones: there is no tone to hold the student to.
            (false, _) if !shiliu_pinyin::writes_tones(pinyin.unwrap_or(text)) => {
                return Err(ExpectedError::Toneless(pinyin.unwrap_or(text).trim().to_owned()));
            }
            (false, Some(p)) => shiliu_pinyin::readings_from_pinyin(p)?,
            (false, None) => shiliu_pinyin::readings_from_pinyin(text)?,
        };
        // A character the data has no reading for is not skipped: it is part of what is said.
        let unknown: Vec<String> = readings
            .iter()
            .filter(|r| r.source == shiliu_pinyin::ReadingSource::Unknown)
            .map(|r| r.text.clone())
            .collect();
        if !unknown.is_empty() {
            return Err(ExpectedError::UnknownReading(unknown.join("、")));
        }
        let surface = shiliu_pinyin::surface(&readings);
        if surface.is_empty() {
            return Err(ExpectedError::Empty(text.to_owned()));
        }
        let mut syllables = Vec::with_capacity(surface.len());
        let mut chars = Vec::new();
        for s in surface {
            let parts = &readings[s.readings.clone()];
            let forced: String = parts.iter().flat_map(|r| r.text.chars()).filter(|c| is_hanzi(*c)).collect();
            // (Offsets are into `text` only when it has the hanzi; pinyin-only items have none.)
            let shown: String = if has_hanzi {
                parts.iter().flat_map(|r| &written[r.start..r.end]).copied().filter(|c| is_hanzi(*c)).collect()
            } else {
                String::new()
            };
            let forced = if forced.is_empty() {
                // Chosen for the citation syllable (你 for ni3 even where 你好 says ni2), with
                // the 儿 of a 儿化 syllable written out (这儿 for zher4).
                let c = representative_char(&s.citation.with_erhua(false))
                    .ok_or_else(|| ExpectedError::NoCharacter(s.syllable.to_numbered()))?;
                if s.syllable.erhua { format!("{c}儿") } else { c.to_string() }
            } else {
                forced
            };
            chars.extend(forced.chars());
            syllables.push(ExpectedSyllable {
                hanzi: if shown.is_empty() { forced.clone() } else { shown },
                forced,
                surface: s,
            });
        }
        let task = match syllables.len() {
            1 => Task::Syllable,
            2..=4 => Task::Word,
            _ => Task::Reading,
        };
        Ok(Expected { text: text.to_owned(), syllables, chars, task })
    }

    /// A contrast is another text the recording is compared with (老鼠 for 老师), or the
    /// target's own characters read another way (东西 dong1 xi1 for dong1 xi5): it needs Chinese
    /// characters to be read, pinyin that fits them if it has any, and it must not read as the
    /// target does, or it would compare nothing. Gives each contrast's surface syllables.
    pub fn check_contrasts(&self, contrasts: &[Contrast]) -> Result<Vec<Vec<Syllable>>, ExpectedError> {
        let target: String = self.chars.iter().collect();
        let own: Vec<Syllable> = self.syllables.iter().map(|s| s.syllable()).collect();
        let mut readings = Vec::with_capacity(contrasts.len());
        for c in contrasts {
            let chars: String = fast2s::convert(&c.text).chars().filter(|ch| is_hanzi(*ch)).collect();
            if chars.is_empty() {
                return Err(ExpectedError::ContrastNotChinese(c.text.clone()));
            }
            let read: Vec<Syllable> =
                Expected::new(&c.text, c.pinyin.as_deref())?.syllables.iter().map(|s| s.syllable()).collect();
            if chars == target && (c.pinyin.is_none() || read == own) {
                return Err(ExpectedError::ContrastIsTarget(c.text.clone()));
            }
            readings.push(read);
        }
        Ok(readings)
    }
}

/// A text a recording is to be told apart from: other characters (老鼠 for 老师), or with
/// `pinyin`, a reading of its own (东西 dong1 xi1, "east and west", for 东西 dong1 xi5, "thing").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contrast {
    pub text: String,
    /// Tone-numbered pinyin, one syllable per character; the dictionary's reading without it.
    pub pinyin: Option<String>,
}

impl From<&str> for Contrast {
    fn from(text: &str) -> Contrast {
        Contrast { text: text.to_owned(), pinyin: None }
    }
}

impl Contrast {
    /// `老鼠`, or `东西:dong1 xi1` with a reading of its own (as the command line takes it).
    pub fn parse(arg: &str) -> Contrast {
        match arg.split_once([':', '：']) {
            Some((text, pinyin)) => Contrast { text: text.trim().to_owned(), pinyin: Some(pinyin.trim().to_owned()) },
            None => Contrast::from(arg.trim()),
        }
    }
}

/// Hanzi with pinyin typed without any tone (`老师` with "lao shi"): the syllables as given,
/// each with the tone its character has when read so (its word's reading when the sounds
/// agree, else the character's reading with these sounds, else neutral).
fn with_own_tones(text: &str, pinyin: &str) -> Result<Vec<Reading>, ExpectedError> {
    let mut readings = shiliu_pinyin::align_pinyin(text, pinyin)?;
    let dictionary = shiliu_pinyin::to_pinyin(text);
    for (r, d) in readings.iter_mut().zip(&dictionary) {
        let (Some(given), Some(c)) = (r.syllable, r.hanzi_char()) else { continue };
        let own = d
            .syllable
            .filter(|d| d.same_segments(&given))
            .or_else(|| shiliu_pinyin::char_readings(c).into_iter().find(|s| s.same_segments(&given)));
        if let Some(own) = own {
            r.syllable = Some(Syllable { tone: own.tone, ..given });
        }
    }
    Ok(readings)
}

/// A character for a syllable given as bare pinyin: shown to the student and walked by the
/// recogniser, so a familiar one. Best is a common character whose usual reading is exactly
/// `s` (师 for shi1, not the rare 䴓); then one that can be read so; then any with its sounds.
pub fn representative_char(s: &Syllable) -> Option<char> {
    let exactly = |r: &Syllable| r.tone == s.tone && r.same_segments(s);
    let usually = |c: char| {
        shiliu_pinyin::to_pinyin(&c.to_string()).first().and_then(|r| r.syllable).is_some_and(|r| exactly(&r))
    };
    let can_be = |c: char| shiliu_pinyin::char_readings(c).iter().any(exactly);
    let fit = |c: char| (usually(c), can_be(c), shiliu_pinyin::words_containing(c));
    chars_for(segments(s)).iter().copied().max_by_key(|&c| fit(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contrast_must_be_another_chinese_text() {
        let e = Expected::new("老师", None).unwrap();
        assert!(e.check_contrasts(&["老鼠".into(), "老師們".into()]).is_ok());
        let err = e.check_contrasts(&["laoshu".into()]).unwrap_err().to_string();
        assert!(err.contains("no Chinese characters"), "{err}");
        let err = e.check_contrasts(&["老師".into()]).unwrap_err().to_string();
        assert!(err.contains("the target itself"), "{err}");
    }

    #[test]
    fn the_same_characters_are_a_contrast_only_with_another_reading() {
        let e = Expected::new("东西", Some("dong1 xi5")).unwrap();
        assert!(e.check_contrasts(&[Contrast::parse("东西:dong1 xi1")]).is_ok());
        let err = e.check_contrasts(&[Contrast::parse("东西：dong1 xi5")]).unwrap_err().to_string();
        assert!(err.contains("the target itself"), "{err}");
        let err = e.check_contrasts(&[Contrast::parse("东西:dong1")]).unwrap_err().to_string();
        assert!(err.contains("pinyin"), "{err}");
        assert_eq!(Contrast::parse(" 老鼠 "), Contrast { text: "老鼠".into(), pinyin: None });
    }

    #[test]
    fn a_character_with_no_known_reading_is_not_skipped_but_asks_for_its_pinyin() {
        // U+30000, in CJK extension G: an ideograph no reading list has.
        let rare = "老\u{30000}";
        let err = Expected::new(rare, None).unwrap_err().to_string();
        assert!(err.contains('\u{30000}') && err.contains("pinyin"), "{err}");
        let e = Expected::new(rare, Some("lao3 shi1")).unwrap();
        assert_eq!(e.syllables.len(), 2);
    }

    #[test]
    fn letters_among_hanzi_are_refused_rather_than_dropped() {
        for (target, letters) in [("卡拉OK", "OK"), ("八a", "a"), ("Ｔ恤", "Ｔ")] {
            let err = Expected::new(target, None).unwrap_err().to_string();
            assert!(err.contains(&format!("({letters})")), "{target}: {err}");
        }
        assert!(Expected::new("lao3 shi1", None).is_ok(), "pinyin alone is still a target");
    }

    #[test]
    fn digits_in_a_target_are_read_as_their_number() {
        let e = Expected::new("8", None).unwrap();
        assert_eq!(e.chars, vec!['八']);
        let e = Expected::new("第15课", None).unwrap();
        let read: Vec<String> = e.syllables.iter().map(|s| s.surface.citation.to_numbered()).collect();
        assert_eq!(read, ["di4", "shi2", "wu3", "ke4"]);
    }

    #[test]
    fn a_target_with_nothing_to_read_is_refused_as_empty() {
        for text in ["", "  ", "😀", "？！"] {
            assert!(matches!(Expected::new(text, None), Err(ExpectedError::Empty(_))), "{text:?}");
        }
        assert!(Expected::new("", Some("lao3 shi1")).is_ok(), "pinyin alone is a target");
    }

    #[test]
    fn pinyin_alone_without_any_tone_is_refused_rather_than_read_as_neutral_tones() {
        for (text, pinyin) in [("jintian", None), ("jin tian", None), ("", Some("jin tian"))] {
            let e = Expected::new(text, pinyin);
            assert!(matches!(e, Err(ExpectedError::Toneless(_))), "{text:?} {pinyin:?}: {e:?}");
        }
        // One tone written makes the unmarked syllables neutral; hanzi bring their own tones.
        assert!(Expected::new("péngyou", None).is_ok());
        assert!(Expected::new("今天", Some("jin tian")).is_ok());
    }

    #[test]
    fn pinyin_typed_as_the_target_keeps_its_tone_digits() {
        let e = Expected::new("lao3 shi1", None).unwrap();
        let read: Vec<String> = e.syllables.iter().map(|s| s.surface.citation.to_numbered()).collect();
        assert_eq!(read, ["lao3", "shi1"]);
    }

    #[test]
    fn hanzi_give_surface_syllables_after_sandhi() {
        let e = Expected::new("你好", None).unwrap();
        assert_eq!(e.syllables.len(), 2);
        assert_eq!(e.syllables[0].syllable().to_numbered(), "ni2");
        assert_eq!(e.syllables[0].surface.citation.to_numbered(), "ni3");
        assert_eq!(e.task, Task::Word);
        assert_eq!(e.chars, vec!['你', '好']);
    }

    #[test]
    fn traditional_characters_are_read_as_their_simplified_word_and_shown_as_written() {
        let e = Expected::new("謝謝", None).unwrap();
        let surface: Vec<String> = e.syllables.iter().map(|s| s.syllable().to_numbered()).collect();
        assert_eq!(surface, ["xie4", "xie5"]);
        assert_eq!(e.syllables[0].hanzi, "謝");
        assert_eq!(e.chars, ['谢', '谢']);
        // Converted as a whole: 乾 stays 乾 in 乾坤.
        assert_eq!(Expected::new("乾坤", None).unwrap().chars, ['乾', '坤']);
    }

    #[test]
    fn given_pinyin_overrides_the_dictionary() {
        let e = Expected::new("行", Some("hang2")).unwrap();
        assert_eq!(e.syllables[0].syllable().to_numbered(), "hang2");
        assert_eq!(e.task, Task::Syllable);
    }

    #[test]
    fn pinyin_alone_gets_a_character_read_that_way() {
        let e = Expected::new("", Some("ma3")).unwrap();
        let c = e.syllables[0].forced.chars().next().unwrap();
        assert!(shiliu_pinyin::char_readings(c).iter().any(|r| r.to_numbered() == "ma3"), "{c}");
    }

    #[test]
    fn pinyin_typed_without_tones_takes_each_characters_own_tone() {
        let read = |text: &str, pinyin: &str| -> Vec<String> {
            let e = Expected::new(text, Some(pinyin)).unwrap();
            e.syllables.iter().map(|s| s.surface.citation.to_numbered()).collect()
        };
        assert_eq!(read("老师", "lao shi"), ["lao3", "shi1"]);
        assert_eq!(read("朋友", "peng you"), ["peng2", "you5"]);
        // The given sounds still decide a polyphone: 行 read hang takes hang's tone.
        assert_eq!(read("银行", "yin hang"), ["yin2", "hang2"]);
        // With any tone written, an unmarked syllable is neutral, as pinyin writes it.
        assert_eq!(read("朋友", "péngyou"), ["peng2", "you5"]);
        assert_eq!(read("老师", "lǎo shi"), ["lao3", "shi5"]);
    }

    #[test]
    fn pinyin_alone_is_shown_and_forced_with_a_familiar_character() {
        let shown =
            |p: &str| -> String { Expected::new(p, None).unwrap().syllables.iter().map(|s| s.hanzi.clone()).collect() };
        assert_eq!(shown("ma1"), "妈");
        assert_eq!(shown("lü4"), "绿");
        assert_ne!(shown("shi1"), "䴓");
        // Chosen for the citation tone, not the sandhi one: 你 for ni3 in ni3 hao3 (said ni2).
        assert_eq!(shown("ni3 hao3"), "你好");
        // A 儿化 syllable is written with its 儿.
        assert_eq!(shown("zhe4r"), "这儿");
    }

    #[test]
    fn punctuation_is_not_a_syllable_and_long_texts_are_reading() {
        let e = Expected::new("老师，早上好！我们上课吧。", None).unwrap();
        assert_eq!(e.syllables.len(), 10);
        assert_eq!(e.task, Task::Reading);
        assert!(e.chars.iter().all(|c| is_hanzi(*c)));
    }

    #[test]
    fn erhua_is_one_syllable_written_with_two_characters() {
        let e = Expected::new("这儿", None).unwrap();
        assert_eq!(e.syllables.len(), 1);
        assert_eq!(e.syllables[0].hanzi, "这儿");
        assert_eq!(e.chars.len(), 2);
    }

    #[test]
    fn an_empty_target_is_refused() {
        assert!(Expected::new("？！", None).is_err());
    }
}
