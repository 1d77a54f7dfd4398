//! The 21 consonant initials (声母) and the zero initial.
//!
//! `y` and `w` are spelling devices, not initials: `ya` is the zero initial with the final `ia`.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Initial {
    B,
    P,
    M,
    F,
    D,
    T,
    N,
    L,
    G,
    K,
    H,
    J,
    Q,
    X,
    Zh,
    Ch,
    Sh,
    R,
    Z,
    C,
    S,
    /// 零声母: the syllable starts with its final (`a`, `yi`, `wu`, `er`).
    Zero,
}

impl Initial {
    /// In textbook order, the zero initial last.
    pub const ALL: [Initial; 22] = [
        Initial::B,
        Initial::P,
        Initial::M,
        Initial::F,
        Initial::D,
        Initial::T,
        Initial::N,
        Initial::L,
        Initial::G,
        Initial::K,
        Initial::H,
        Initial::J,
        Initial::Q,
        Initial::X,
        Initial::Zh,
        Initial::Ch,
        Initial::Sh,
        Initial::R,
        Initial::Z,
        Initial::C,
        Initial::S,
        Initial::Zero,
    ];

    /// How pinyin writes it; empty for the zero initial.
    pub fn spelling(self) -> &'static str {
        match self {
            Initial::B => "b",
            Initial::P => "p",
            Initial::M => "m",
            Initial::F => "f",
            Initial::D => "d",
            Initial::T => "t",
            Initial::N => "n",
            Initial::L => "l",
            Initial::G => "g",
            Initial::K => "k",
            Initial::H => "h",
            Initial::J => "j",
            Initial::Q => "q",
            Initial::X => "x",
            Initial::Zh => "zh",
            Initial::Ch => "ch",
            Initial::Sh => "sh",
            Initial::R => "r",
            Initial::Z => "z",
            Initial::C => "c",
            Initial::S => "s",
            Initial::Zero => "",
        }
    }

    /// The stable name used in JSON, lesson packs and the progress store: the spelling, or
    /// `"zero"` for the zero initial.
    pub fn name(self) -> &'static str {
        match self {
            Initial::Zero => "zero",
            other => other.spelling(),
        }
    }

    pub fn from_name(name: &str) -> Result<Initial> {
        Initial::ALL
            .into_iter()
            .find(|i| i.name() == name || (i.spelling() == name && !name.is_empty()))
            .ok_or_else(|| Error::UnknownName { kind: "initial", name: name.to_owned() })
    }

    /// Place of articulation as Chinese textbooks group the initials (双唇音, 翘舌音 …).
    pub fn place_zh(self) -> &'static str {
        match self {
            Initial::B | Initial::P | Initial::M => "双唇音",
            Initial::F => "唇齿音",
            Initial::D | Initial::T | Initial::N | Initial::L => "舌尖中音",
            Initial::G | Initial::K | Initial::H => "舌根音",
            Initial::J | Initial::Q | Initial::X => "舌面音",
            Initial::Zh | Initial::Ch | Initial::Sh | Initial::R => "翘舌音",
            Initial::Z | Initial::C | Initial::S => "平舌音",
            Initial::Zero => "零声母",
        }
    }

    /// Manner of articulation (塞音, 塞擦音, 擦音, 鼻音, 边音); empty for the zero initial.
    pub fn manner_zh(self) -> &'static str {
        match self {
            Initial::B | Initial::P | Initial::D | Initial::T | Initial::G | Initial::K => "塞音",
            Initial::J | Initial::Q | Initial::Zh | Initial::Ch | Initial::Z | Initial::C => "塞擦音",
            Initial::F | Initial::H | Initial::X | Initial::Sh | Initial::S | Initial::R => "擦音",
            Initial::M | Initial::N => "鼻音",
            Initial::L => "边音",
            Initial::Zero => "",
        }
    }

    /// A short label for tips: place, plus 送气 / 不送气 for stops and affricates (`"翘舌音 送气"`).
    pub fn label_zh(self) -> String {
        match self.aspirated() {
            Some(true) => format!("{} 送气", self.place_zh()),
            Some(false) => format!("{} 不送气", self.place_zh()),
            None => self.place_zh().to_owned(),
        }
    }

    /// Whether a stop or affricate is aspirated (送气); `None` for sounds without the contrast.
    pub fn aspirated(self) -> Option<bool> {
        match self {
            Initial::P | Initial::T | Initial::K | Initial::Q | Initial::Ch | Initial::C => Some(true),
            Initial::B | Initial::D | Initial::G | Initial::J | Initial::Zh | Initial::Z => Some(false),
            _ => None,
        }
    }

    /// zh ch sh r: the tongue tip curls back (翘舌).
    pub fn is_retroflex(self) -> bool {
        matches!(self, Initial::Zh | Initial::Ch | Initial::Sh | Initial::R)
    }

    /// z c s: the tongue tip stays flat behind the teeth (平舌).
    pub fn is_dental_sibilant(self) -> bool {
        matches!(self, Initial::Z | Initial::C | Initial::S)
    }

    /// j q x, the only initials before which `u` is written for `ü`.
    pub fn is_palatal(self) -> bool {
        matches!(self, Initial::J | Initial::Q | Initial::X)
    }
}

impl std::fmt::Display for Initial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

crate::serde_by_name!(Initial);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for i in Initial::ALL {
            assert_eq!(Initial::from_name(i.name()).unwrap(), i);
            assert!(seen.insert(i.name()));
        }
        assert_eq!(Initial::from_name("zh").unwrap(), Initial::Zh);
        assert_eq!(Initial::from_name("y").unwrap_err().code(), "pinyin.unknown_name");
    }

    #[test]
    fn twenty_one_consonants_plus_zero() {
        assert_eq!(Initial::ALL.iter().filter(|i| **i != Initial::Zero).count(), 21);
    }

    #[test]
    fn aspiration_pairs_are_six() {
        let aspirated = Initial::ALL.iter().filter(|i| i.aspirated() == Some(true)).count();
        let plain = Initial::ALL.iter().filter(|i| i.aspirated() == Some(false)).count();
        assert_eq!((aspirated, plain), (6, 6));
    }

    #[test]
    fn zh_is_labelled_retroflex_unaspirated() {
        assert_eq!(Initial::Zh.label_zh(), "翘舌音 不送气");
        assert_eq!(Initial::S.place_zh(), "平舌音");
        assert_eq!(Initial::L.manner_zh(), "边音");
    }

    #[test]
    fn initials_serialise_by_name() {
        assert_eq!(serde_json::to_string(&Initial::Zh).unwrap(), "\"zh\"");
        assert_eq!(serde_json::to_string(&Initial::Zero).unwrap(), "\"zero\"");
        assert_eq!(serde_json::from_str::<Initial>("\"ch\"").unwrap(), Initial::Ch);
        assert!(serde_json::from_str::<Initial>("\"w\"").is_err());
    }
}
