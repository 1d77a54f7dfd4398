//! The four lexical tones and the neutral tone.
//!
//! Tones are numbered 1–4 and 5 for neutral, as lessons and the corpus write them; 0 is accepted on
//! input because some dictionaries use it. They serialise as that number.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tone {
    First,
    Second,
    Third,
    Fourth,
    Neutral,
}

impl Tone {
    pub const ALL: [Tone; 5] = [Tone::First, Tone::Second, Tone::Third, Tone::Fourth, Tone::Neutral];
    /// The four full tones, without neutral.
    pub const FULL: [Tone; 4] = [Tone::First, Tone::Second, Tone::Third, Tone::Fourth];

    /// 1–4, and 5 for neutral.
    pub fn number(self) -> u8 {
        match self {
            Tone::First => 1,
            Tone::Second => 2,
            Tone::Third => 3,
            Tone::Fourth => 4,
            Tone::Neutral => 5,
        }
    }

    /// 1–4 are the full tones; both 0 and 5 mean neutral.
    pub fn from_number(n: u8) -> Option<Tone> {
        match n {
            1 => Some(Tone::First),
            2 => Some(Tone::Second),
            3 => Some(Tone::Third),
            4 => Some(Tone::Fourth),
            0 | 5 => Some(Tone::Neutral),
            _ => None,
        }
    }

    /// The name teachers use in class: 第一声 … 第四声, 轻声.
    pub fn label_zh(self) -> &'static str {
        match self {
            Tone::First => "第一声",
            Tone::Second => "第二声",
            Tone::Third => "第三声",
            Tone::Fourth => "第四声",
            Tone::Neutral => "轻声",
        }
    }

    /// The traditional category name (阴平 阳平 上声 去声), as PSC materials print it.
    pub fn category_zh(self) -> &'static str {
        match self {
            Tone::First => "阴平",
            Tone::Second => "阳平",
            Tone::Third => "上声",
            Tone::Fourth => "去声",
            Tone::Neutral => "轻声",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Tone::First => "first tone",
            Tone::Second => "second tone",
            Tone::Third => "third tone",
            Tone::Fourth => "fourth tone",
            Tone::Neutral => "neutral tone",
        }
    }

    /// Chao tone letters for the citation contour; neutral has none because its pitch depends on
    /// the syllable before it.
    pub fn chao(self) -> Option<&'static str> {
        match self {
            Tone::First => Some("55"),
            Tone::Second => Some("35"),
            Tone::Third => Some("214"),
            Tone::Fourth => Some("51"),
            Tone::Neutral => None,
        }
    }

    /// The combining diacritic pinyin writes for this tone (none for neutral).
    pub(crate) fn combining_mark(self) -> Option<char> {
        match self {
            Tone::First => Some('\u{0304}'),
            Tone::Second => Some('\u{0301}'),
            Tone::Third => Some('\u{030C}'),
            Tone::Fourth => Some('\u{0300}'),
            Tone::Neutral => None,
        }
    }

    pub(crate) fn from_combining_mark(c: char) -> Option<Tone> {
        Tone::FULL.into_iter().find(|t| t.combining_mark() == Some(c))
    }

    pub fn parse(s: &str) -> Result<Tone> {
        s.trim()
            .parse::<u8>()
            .ok()
            .and_then(Tone::from_number)
            .ok_or_else(|| Error::UnknownName { kind: "tone", name: s.to_owned() })
    }
}

impl std::fmt::Display for Tone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.number())
    }
}

impl Serialize for Tone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

impl<'de> Deserialize<'de> for Tone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tone, D::Error> {
        let n = u8::deserialize(d)?;
        Tone::from_number(n).ok_or_else(|| serde::de::Error::custom(format!("tone {n} is not 0-5")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_five_both_mean_neutral() {
        assert_eq!(Tone::from_number(0), Some(Tone::Neutral));
        assert_eq!(Tone::from_number(5), Some(Tone::Neutral));
        assert_eq!(Tone::Neutral.number(), 5);
        assert_eq!(Tone::from_number(6), None);
    }

    #[test]
    fn numbers_round_trip() {
        for t in Tone::ALL {
            assert_eq!(Tone::from_number(t.number()), Some(t));
            assert_eq!(Tone::parse(&t.to_string()).unwrap(), t);
        }
    }

    #[test]
    fn tones_serialise_as_numbers() {
        assert_eq!(serde_json::to_string(&Tone::Third).unwrap(), "3");
        assert_eq!(serde_json::from_str::<Tone>("0").unwrap(), Tone::Neutral);
        assert!(serde_json::from_str::<Tone>("7").is_err());
    }

    #[test]
    fn third_tone_is_called_shangsheng_and_di_san_sheng() {
        assert_eq!(Tone::Third.label_zh(), "第三声");
        assert_eq!(Tone::Third.category_zh(), "上声");
        assert_eq!(Tone::Third.chao(), Some("214"));
    }

    #[test]
    fn combining_marks_map_back_to_their_tone() {
        for t in Tone::FULL {
            assert_eq!(Tone::from_combining_mark(t.combining_mark().unwrap()), Some(t));
        }
        assert_eq!(Tone::from_combining_mark('a'), None);
    }
}
