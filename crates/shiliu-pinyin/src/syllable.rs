//! One Mandarin syllable: initial, final, tone and an optional 儿化 suffix.
//!
//! A syllable reads from numbered pinyin (`lao3`, `lv4`, `nü3`, `huar1`, `r5`, `ma` or `ma0` for
//! neutral) or tone marks (`lǎo`, `nǚ`, `lüè`, `huār`), writes back to both, and serialises as its
//! numbered spelling (`"lao3"`) because that is what lesson packs and the UI read.

use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::finals::Final;
use crate::initial::Initial;
use crate::spelling::{decompose, place_mark, spell, split_spelling};
use crate::table;
use crate::tone::Tone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Syllable {
    pub initial: Initial,
    pub final_: Final,
    pub tone: Tone,
    /// The 儿化 suffix is merged into this syllable (`huar1` for 花儿 in speech).
    pub erhua: bool,
}

impl Syllable {
    /// Builds a syllable without checking it against the table; see [`Syllable::is_valid_mandarin`].
    pub const fn new(initial: Initial, final_: Final, tone: Tone) -> Syllable {
        Syllable { initial, final_, tone, erhua: false }
    }

    /// Parses one syllable in numbered or tone-mark pinyin and requires it to be a syllable of
    /// standard Mandarin.
    pub fn parse(token: &str) -> Result<Syllable> {
        let syllable = Syllable::parse_allowing_rare(token)?;
        if !syllable.is_valid_mandarin() {
            return Err(Error::UnattestedSyllable { token: token.trim().to_owned() });
        }
        Ok(syllable)
    }

    /// Parses well-formed pinyin even when the syllable is outside the table (dictionary readings
    /// of rare characters such as `biang2`, or a contrast drill's made-up item).
    pub fn parse_allowing_rare(token: &str) -> Result<Syllable> {
        if token.trim().is_empty() {
            return Err(Error::Empty);
        }
        let d = decompose(token).map_err(|reason| Error::invalid(token, reason))?;
        let tone = match (d.mark, d.digit) {
            (Some(_), Some(_)) => return Err(Error::invalid(token, "both a tone mark and a tone number")),
            (Some(t), None) => t,
            (None, Some(n)) => Tone::from_number(n)
                .ok_or_else(|| Error::invalid(token, "tone numbers are 1-4, and 5 or 0 for neutral"))?,
            (None, None) => Tone::Neutral,
        };
        let parts = split_spelling(&d.body).map_err(|reason| Error::invalid(token, reason))?;
        Ok(Syllable { initial: parts.initial, final_: parts.final_, tone, erhua: parts.erhua })
    }

    /// Whether this is one of the attested syllables of standard Mandarin (the tone is not
    /// checked: every syllable can turn up neutral in connected speech).
    pub fn is_valid_mandarin(&self) -> bool {
        table::is_attested(self.initial, self.final_) && (!self.erhua || self.can_take_erhua())
    }

    /// Whether the 儿化 suffix can merge into this syllable: not into `er` itself or a syllabic
    /// nasal, and not into a bare `e`, whose 儿化 spelling would be read as `er`.
    pub fn can_take_erhua(&self) -> bool {
        self.final_.accepts_erhua() && !(self.initial == Initial::Zero && self.final_ == Final::E)
    }

    pub fn with_tone(self, tone: Tone) -> Syllable {
        Syllable { tone, ..self }
    }

    pub fn with_erhua(self, erhua: bool) -> Syllable {
        Syllable { erhua, ..self }
    }

    /// Same sounds, whatever the tone.
    pub fn same_segments(&self, other: &Syllable) -> bool {
        self.initial == other.initial && self.final_ == other.final_ && self.erhua == other.erhua
    }

    /// Standard toneless spelling: `lü`, `jue`, `you`, `huar`.
    pub fn spelling(&self) -> String {
        let mut s = spell(self.initial, self.final_);
        if self.erhua {
            s.push('r');
        }
        s
    }

    /// Numbered pinyin with `ü` and 5 for neutral: `lü4`, `huar1`, `ma5`.
    pub fn to_numbered(&self) -> String {
        format!("{}{}", self.spelling(), self.tone.number())
    }

    /// Numbered pinyin with `v` for `ü` (`lv4`), for keyboards and tools that want ASCII. The
    /// interjection ê has no ASCII spelling and stays `ê`.
    pub fn to_ascii_numbered(&self) -> String {
        self.to_numbered().replace('ü', "v")
    }

    /// Tone-mark pinyin: `lǚ`, `xué`, `huār`; neutral syllables carry no mark.
    pub fn to_marked(&self) -> String {
        let mut s = place_mark(&spell(self.initial, self.final_), self.tone);
        if self.erhua {
            s.push('r');
        }
        s
    }
}

impl std::fmt::Display for Syllable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_numbered())
    }
}

impl FromStr for Syllable {
    type Err = Error;

    fn from_str(s: &str) -> Result<Syllable> {
        Syllable::parse(s)
    }
}

impl Serialize for Syllable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_numbered())
    }
}

impl<'de> Deserialize<'de> for Syllable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Syllable, D::Error> {
        let s = String::deserialize(d)?;
        // Rare dictionary readings serialise too, so they must read back.
        Syllable::parse_allowing_rare(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syl(s: &str) -> Syllable {
        Syllable::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn every_table_syllable_round_trips_through_both_spellings_in_every_tone() {
        for &(initial, final_) in table::syllable_table() {
            for tone in Tone::ALL {
                let s = Syllable::new(initial, final_, tone);
                assert_eq!(syl(&s.to_numbered()), s, "{}", s.to_numbered());
                assert_eq!(syl(&s.to_marked()), s, "{}", s.to_marked());
                assert_eq!(syl(&s.to_ascii_numbered()), s, "{}", s.to_ascii_numbered());
            }
        }
    }

    #[test]
    fn erhua_syllables_round_trip_through_both_spellings() {
        for &(initial, final_) in table::syllable_table() {
            let s = Syllable::new(initial, final_, Tone::Fourth).with_erhua(true);
            if !s.can_take_erhua() {
                continue;
            }
            assert_eq!(syl(&s.to_numbered()), s);
            assert_eq!(syl(&s.to_marked()), s);
        }
    }

    #[test]
    fn numbered_pinyin_accepts_v_u_umlaut_and_neutral_forms() {
        let lv = Syllable::new(Initial::L, Final::V, Tone::Fourth);
        assert_eq!(syl("lv4"), lv);
        assert_eq!(syl("lü4"), lv);
        assert_eq!(syl("lu:4"), lv);
        assert_eq!(syl("nü3").final_, Final::V);
        assert_eq!(syl("ma5").tone, Tone::Neutral);
        assert_eq!(syl("ma0").tone, Tone::Neutral);
        assert_eq!(syl("ma").tone, Tone::Neutral);
    }

    #[test]
    fn tone_marks_parse_to_the_same_syllables_as_numbers() {
        assert_eq!(syl("lǎo"), syl("lao3"));
        assert_eq!(syl("nǚ"), syl("nv3"));
        assert_eq!(syl("lüè"), syl("lve4"));
        assert_eq!(syl("LǍO"), syl("lao3"));
    }

    #[test]
    fn r5_and_er5_are_the_erhua_suffix_token() {
        let er5 = Syllable::new(Initial::Zero, Final::Er, Tone::Neutral);
        assert_eq!(syl("r5"), er5);
        assert_eq!(syl("er5"), er5);
        assert_eq!(er5.to_numbered(), "er5");
        assert_eq!(syl("er2").tone, Tone::Second);
    }

    #[test]
    fn huar1_is_hua_with_the_erhua_flag() {
        let s = syl("huar1");
        assert_eq!((s.initial, s.final_, s.erhua), (Initial::H, Final::Ua, true));
        assert_eq!(s.to_marked(), "huār");
        assert_eq!(s.to_numbered(), "huar1");
    }

    #[test]
    fn rendering_uses_standard_spellings() {
        assert_eq!(syl("you3").to_marked(), "yǒu");
        assert_eq!(syl("jv2").to_numbered(), "ju2");
        assert_eq!(syl("lv4").to_marked(), "lǜ");
        assert_eq!(syl("lv4").to_ascii_numbered(), "lv4");
        assert_eq!(syl("gui4").to_marked(), "guì");
        assert_eq!(syl("zhi1").to_marked(), "zhī");
    }

    #[test]
    fn unattested_syllables_fail_strict_parsing_but_not_lenient() {
        let err = Syllable::parse("biang2").unwrap_err();
        assert_eq!(err.code(), "pinyin.unattested_syllable");
        assert!(err.to_string().contains("biang2"));
        assert!(Syllable::parse_allowing_rare("biang2").is_ok());
        assert_eq!(Syllable::parse("bü3").unwrap_err().code(), "pinyin.unattested_syllable");
    }

    #[test]
    fn malformed_tokens_fail_with_the_token_named() {
        for bad in ["lao6", "lǎo3", "xyz", "ma!", "3", "liou2"] {
            let err = Syllable::parse(bad).unwrap_err();
            assert_eq!(err.code(), "pinyin.invalid_syllable", "{bad}");
            assert!(err.to_string().contains(bad), "{err}");
        }
        assert_eq!(Syllable::parse("  ").unwrap_err().code(), "pinyin.empty");
    }

    #[test]
    fn zi_and_zhi_stay_distinguishable() {
        assert_ne!(syl("zi1").final_, syl("zhi1").final_);
        assert_eq!(syl("si4").final_, Final::ApicalFront);
        assert_eq!(syl("shi4").final_, Final::ApicalBack);
    }

    #[test]
    fn syllables_serialise_as_numbered_strings() {
        let s = syl("lǎo");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"lao3\"");
        assert_eq!(serde_json::from_str::<Syllable>("\"huar1\"").unwrap(), syl("huar1"));
        assert!(serde_json::from_str::<Syllable>("\"qqq\"").is_err());
    }

    #[test]
    fn interjections_and_e_hat_parse() {
        assert_eq!(syl("ê2").final_, Final::EHat);
        assert_eq!(syl("ê2").to_marked(), "ế");
        assert_eq!(syl("ńg").final_, Final::Ng);
        assert_eq!(syl("hm1").initial, Initial::H);
        assert_eq!(syl("yo1").final_, Final::Io);
    }
}
