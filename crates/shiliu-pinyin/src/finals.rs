//! Finals (韵母): the 39 of the textbook table, plus `io` (哟 yo) and the syllabic nasals of
//! interjections (呣 m, 嗯 n / ng, 哼 hng).
//!
//! Finals are kept in their full phonological form (`iou`, `uei`, `uen`, `ü`); the abbreviated
//! spellings (`liu`, `gui`, `lun`, `ju`) are a matter of [`crate::Syllable`] spelling. The two
//! apical vowels written `i` (zi vs zhi) are distinct finals because learners confuse them and the
//! scorer must tell them apart.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Final {
    A,
    O,
    E,
    /// ê (欸), written `ê`; as a final on its own only in interjections, but it is the vowel of
    /// `ie` and `üe`.
    EHat,
    Er,
    /// The apical vowel after z c s (`zi`, `ci`, `si`), IPA `ɿ`.
    ApicalFront,
    /// The apical vowel after zh ch sh r (`zhi`, `chi`, `shi`, `ri`), IPA `ʅ`.
    ApicalBack,
    I,
    U,
    /// ü
    V,
    Ai,
    Ei,
    Ao,
    Ou,
    Ia,
    Ie,
    Iao,
    Iou,
    Ua,
    Uo,
    Uai,
    Uei,
    /// üe
    Ve,
    /// io, only in the interjection 哟 yo.
    Io,
    An,
    En,
    Ang,
    Eng,
    Ong,
    Ian,
    In,
    Iang,
    Ing,
    Iong,
    Uan,
    Uen,
    Uang,
    Ueng,
    /// üan
    Van,
    /// ün
    Vn,
    /// Syllabic m (呣).
    M,
    /// Syllabic n (嗯 n).
    N,
    /// Syllabic ng (嗯 ng, 哼 hng).
    Ng,
}

/// The four medial classes (四呼) that organise the final table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MedialClass {
    /// 开口呼: no medial.
    Open,
    /// 齐齿呼: i or an i medial.
    Even,
    /// 合口呼: u or a u medial.
    Closed,
    /// 撮口呼: ü or a ü medial.
    Rounded,
}

impl MedialClass {
    pub fn label_zh(self) -> &'static str {
        match self {
            MedialClass::Open => "开口呼",
            MedialClass::Even => "齐齿呼",
            MedialClass::Closed => "合口呼",
            MedialClass::Rounded => "撮口呼",
        }
    }
}

/// Which nasal a final ends in: the -n / -ng (前后鼻音) contrast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NasalCoda {
    /// -n, 前鼻音.
    Front,
    /// -ng, 后鼻音.
    Back,
}

impl NasalCoda {
    pub fn label_zh(self) -> &'static str {
        match self {
            NasalCoda::Front => "前鼻音",
            NasalCoda::Back => "后鼻音",
        }
    }
}

impl Final {
    pub const ALL: [Final; 43] = [
        Final::A,
        Final::O,
        Final::E,
        Final::EHat,
        Final::Er,
        Final::ApicalFront,
        Final::ApicalBack,
        Final::I,
        Final::U,
        Final::V,
        Final::Ai,
        Final::Ei,
        Final::Ao,
        Final::Ou,
        Final::Ia,
        Final::Ie,
        Final::Iao,
        Final::Iou,
        Final::Ua,
        Final::Uo,
        Final::Uai,
        Final::Uei,
        Final::Ve,
        Final::Io,
        Final::An,
        Final::En,
        Final::Ang,
        Final::Eng,
        Final::Ong,
        Final::Ian,
        Final::In,
        Final::Iang,
        Final::Ing,
        Final::Iong,
        Final::Uan,
        Final::Uen,
        Final::Uang,
        Final::Ueng,
        Final::Van,
        Final::Vn,
        Final::M,
        Final::N,
        Final::Ng,
    ];

    /// The stable name: the full form as the final table writes it (`"iou"`, `"ü"`, `"-i[ʅ]"`).
    pub fn name(self) -> &'static str {
        match self {
            Final::A => "a",
            Final::O => "o",
            Final::E => "e",
            Final::EHat => "ê",
            Final::Er => "er",
            Final::ApicalFront => "-i[ɿ]",
            Final::ApicalBack => "-i[ʅ]",
            Final::I => "i",
            Final::U => "u",
            Final::V => "ü",
            Final::Ai => "ai",
            Final::Ei => "ei",
            Final::Ao => "ao",
            Final::Ou => "ou",
            Final::Ia => "ia",
            Final::Ie => "ie",
            Final::Iao => "iao",
            Final::Iou => "iou",
            Final::Ua => "ua",
            Final::Uo => "uo",
            Final::Uai => "uai",
            Final::Uei => "uei",
            Final::Ve => "üe",
            Final::Io => "io",
            Final::An => "an",
            Final::En => "en",
            Final::Ang => "ang",
            Final::Eng => "eng",
            Final::Ong => "ong",
            Final::Ian => "ian",
            Final::In => "in",
            Final::Iang => "iang",
            Final::Ing => "ing",
            Final::Iong => "iong",
            Final::Uan => "uan",
            Final::Uen => "uen",
            Final::Uang => "uang",
            Final::Ueng => "ueng",
            Final::Van => "üan",
            Final::Vn => "ün",
            Final::M => "m",
            Final::N => "n",
            Final::Ng => "ng",
        }
    }

    /// Accepts the stable names, `v` for `ü`, and `-i` spelled as `zi`/`zhi` learners know it.
    pub fn from_name(name: &str) -> Result<Final> {
        let normalised = name.replace('v', "ü");
        let alias = match normalised.as_str() {
            "-i[z]" | "-i(z)" => Some(Final::ApicalFront),
            "-i[zh]" | "-i(zh)" => Some(Final::ApicalBack),
            _ => None,
        };
        alias
            .or_else(|| Final::ALL.into_iter().find(|f| f.name() == normalised))
            .ok_or_else(|| Error::UnknownName { kind: "final", name: name.to_owned() })
    }

    /// The final as spelled inside a syllable after a consonant, before abbreviation rules
    /// (`ü` stays `ü`, `iou` stays `iou`); the apical vowels are written `i`.
    pub(crate) fn core_spelling(self) -> &'static str {
        match self {
            Final::ApicalFront | Final::ApicalBack => "i",
            other => other.name(),
        }
    }

    pub fn medial_class(self) -> Option<MedialClass> {
        use Final::*;
        Some(match self {
            I | Ia | Ie | Iao | Iou | Ian | In | Iang | Ing | Io => MedialClass::Even,
            U | Ua | Uo | Uai | Uei | Uan | Uen | Uang | Ueng | Ong => MedialClass::Closed,
            V | Ve | Van | Vn | Iong => MedialClass::Rounded,
            M | N | Ng => return None,
            _ => MedialClass::Open,
        })
    }

    pub fn nasal_coda(self) -> Option<NasalCoda> {
        use Final::*;
        match self {
            An | En | Ian | In | Uan | Uen | Van | Vn => Some(NasalCoda::Front),
            Ang | Eng | Ing | Ong | Iang | Iong | Uang | Ueng => Some(NasalCoda::Back),
            _ => None,
        }
    }

    /// The textbook category: 单韵母, 复韵母, 前鼻韵母, 后鼻韵母, 卷舌韵母, or 鼻辅音 for the
    /// syllabic nasals.
    pub fn category_zh(self) -> &'static str {
        use Final::*;
        match self {
            A | O | E | EHat | ApicalFront | ApicalBack | I | U | V => "单韵母",
            Er => "卷舌韵母",
            M | N | Ng => "鼻辅音",
            _ => match self.nasal_coda() {
                Some(NasalCoda::Front) => "前鼻韵母",
                Some(NasalCoda::Back) => "后鼻韵母",
                None => "复韵母",
            },
        }
    }

    /// A short label for tips: the category and, where there is one, the medial class
    /// (`"后鼻韵母 齐齿呼"` for `ing`).
    pub fn label_zh(self) -> String {
        match self.medial_class() {
            Some(class) => format!("{} {}", self.category_zh(), class.label_zh()),
            None => self.category_zh().to_owned(),
        }
    }

    /// Syllabic nasals and `er` cannot take the 儿化 suffix.
    pub fn accepts_erhua(self) -> bool {
        !matches!(self, Final::Er | Final::M | Final::N | Final::Ng)
    }
}

impl std::fmt::Display for Final {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

crate::serde_by_name!(Final);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_textbook_table_has_thirty_nine_finals() {
        let extra = [Final::Io, Final::M, Final::N, Final::Ng];
        assert_eq!(Final::ALL.iter().filter(|f| !extra.contains(f)).count(), 39);
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for f in Final::ALL {
            assert_eq!(Final::from_name(f.name()).unwrap(), f);
            assert!(seen.insert(f.name()));
        }
        assert_eq!(Final::from_name("lve").unwrap_err().code(), "pinyin.unknown_name");
        assert_eq!(Final::from_name("ve").unwrap(), Final::Ve);
    }

    #[test]
    fn nasal_finals_split_into_eight_front_and_eight_back() {
        let front = Final::ALL.iter().filter(|f| f.nasal_coda() == Some(NasalCoda::Front)).count();
        let back = Final::ALL.iter().filter(|f| f.nasal_coda() == Some(NasalCoda::Back)).count();
        assert_eq!((front, back), (8, 8));
        assert_eq!(Final::Ang.category_zh(), "后鼻韵母");
        assert_eq!(Final::In.category_zh(), "前鼻韵母");
    }

    #[test]
    fn iong_counts_as_rounded_and_ong_as_closed() {
        assert_eq!(Final::Iong.medial_class(), Some(MedialClass::Rounded));
        assert_eq!(Final::Ong.medial_class(), Some(MedialClass::Closed));
        assert_eq!(Final::Vn.medial_class().unwrap().label_zh(), "撮口呼");
        assert_eq!(Final::Ing.label_zh(), "后鼻韵母 齐齿呼");
        assert_eq!(Final::Ng.label_zh(), "鼻辅音");
    }

    #[test]
    fn finals_serialise_by_name() {
        assert_eq!(serde_json::to_string(&Final::V).unwrap(), "\"ü\"");
        assert_eq!(serde_json::to_string(&Final::Ang).unwrap(), "\"ang\"");
        assert_eq!(serde_json::from_str::<Final>("\"uei\"").unwrap(), Final::Uei);
    }
}
