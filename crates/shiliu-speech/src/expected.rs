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
    /// The character that stands for it in teacher forcing.
    pub forcing_char: char,
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
    /// Every hanzi of the target in order (what teacher forcing walks through).
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
}

impl Expected {
    /// From hanzi (pinyin looked up, polyphones resolved by word) or, when the lesson gives it,
    /// hanzi with its pinyin; or pinyin alone (a representative character is chosen).
    pub fn new(text: &str, pinyin: Option<&str>) -> Result<Expected, ExpectedError> {
        // A target typed with digits ("3个人") is read as its number.
        let spelled = crate::normalize::spell_numbers(text);
        let text = spelled.as_str();
        let has_hanzi = text.chars().any(is_hanzi);
        let readings: Vec<Reading> = match (has_hanzi, pinyin) {
            (true, Some(p)) => shiliu_pinyin::align_pinyin(text, p)?,
            (true, None) => shiliu_pinyin::to_pinyin(text),
            (false, Some(p)) => shiliu_pinyin::readings_from_pinyin(p)?,
            (false, None) => shiliu_pinyin::readings_from_pinyin(text)?,
        };
        let surface = shiliu_pinyin::surface(&readings);
        if surface.is_empty() {
            return Err(ExpectedError::Empty(text.to_owned()));
        }
        let mut syllables = Vec::with_capacity(surface.len());
        let mut chars = Vec::new();
        for s in surface {
            let written: String = readings[s.readings.clone()].iter().map(|r| r.text.as_str()).collect();
            let hanzi: String = written.chars().filter(|c| is_hanzi(*c)).collect();
            let forcing_char = match hanzi.chars().next() {
                Some(c) => c,
                None => representative_char(&s.syllable)
                    .ok_or_else(|| ExpectedError::NoCharacter(s.syllable.to_numbered()))?,
            };
            if hanzi.is_empty() {
                chars.push(forcing_char);
            } else {
                chars.extend(hanzi.chars());
            }
            syllables.push(ExpectedSyllable {
                hanzi: if hanzi.is_empty() { forcing_char.to_string() } else { hanzi },
                forcing_char,
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
}

/// A character that is read exactly as `s` (same tone), for pinyin-only items.
fn representative_char(s: &Syllable) -> Option<char> {
    let chars = chars_for(segments(s));
    chars
        .iter()
        .copied()
        .find(|&c| shiliu_pinyin::char_readings(c).iter().any(|r| r.tone == s.tone && r.same_segments(s)))
        .or_else(|| chars.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_in_a_target_are_read_as_their_number() {
        let e = Expected::new("8", None).unwrap();
        assert_eq!(e.chars, vec!['八']);
        let e = Expected::new("第15课", None).unwrap();
        let read: Vec<String> = e.syllables.iter().map(|s| s.surface.citation.to_numbered()).collect();
        assert_eq!(read, ["di4", "shi2", "wu3", "ke4"]);
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
    fn given_pinyin_overrides_the_dictionary() {
        let e = Expected::new("行", Some("hang2")).unwrap();
        assert_eq!(e.syllables[0].syllable().to_numbered(), "hang2");
        assert_eq!(e.task, Task::Syllable);
    }

    #[test]
    fn pinyin_alone_gets_a_character_read_that_way() {
        let e = Expected::new("", Some("ma3")).unwrap();
        let c = e.syllables[0].forcing_char;
        assert!(shiliu_pinyin::char_readings(c).iter().any(|r| r.to_numbered() == "ma3"), "{c}");
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
