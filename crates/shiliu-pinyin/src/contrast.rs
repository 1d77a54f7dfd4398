//! The contrasts learners confuse, and the syllables one confusion away.
//!
//! Seven segmental contrasts come from pedagogy.md's list of what dialect and minority-language
//! speakers substitute, plus tone. The scorer compares the likelihood of a target syllable with
//! its [`confusable_neighbours`] to say which confusion a learner made; lessons use the same
//! neighbours to build minimal pairs.
//!
//! Some substitutions change the final as well as the initial, because that is what the
//! confusion sounds like: zhi ↔ zi (the apical vowel follows the initial), ri ↔ li, and the
//! southern f/h merger where hu- syllables become f- (hui ↔ fei, huan ↔ fan, hong ↔ feng).

use crate::error::{Error, Result};
use crate::finals::Final;
use crate::initial::Initial;
use crate::syllable::Syllable;
use crate::tone::Tone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Contrast {
    /// zh ch sh ↔ z c s (平翘舌).
    FlatRetroflex,
    /// -n ↔ -ng (前后鼻音).
    FrontBackNasal,
    /// n ↔ l (鼻边音).
    NasalLateral,
    /// f ↔ h (唇齿音与舌根音).
    LabiodentalVelar,
    /// r ↔ l.
    RetroflexLateral,
    /// b/p d/t g/k j/q z/c zh/ch (送气与不送气).
    Aspiration,
    /// i ↔ ü (齐齿呼与撮口呼).
    UnroundedRounded,
    /// Any tone for any other (声调).
    Tone,
}

impl Contrast {
    pub const ALL: [Contrast; 8] = [
        Contrast::FlatRetroflex,
        Contrast::FrontBackNasal,
        Contrast::NasalLateral,
        Contrast::LabiodentalVelar,
        Contrast::RetroflexLateral,
        Contrast::Aspiration,
        Contrast::UnroundedRounded,
        Contrast::Tone,
    ];

    /// Stable name for JSON, lesson packs and the progress store.
    pub fn name(self) -> &'static str {
        match self {
            Contrast::FlatRetroflex => "flat_retroflex",
            Contrast::FrontBackNasal => "front_back_nasal",
            Contrast::NasalLateral => "n_l",
            Contrast::LabiodentalVelar => "f_h",
            Contrast::RetroflexLateral => "r_l",
            Contrast::Aspiration => "aspiration",
            Contrast::UnroundedRounded => "i_ü",
            Contrast::Tone => "tone",
        }
    }

    pub fn from_name(name: &str) -> Result<Contrast> {
        Contrast::ALL
            .into_iter()
            .find(|c| c.name() == name || (name == "i_v" && *c == Contrast::UnroundedRounded))
            .ok_or_else(|| Error::UnknownName { kind: "contrast", name: name.to_owned() })
    }

    /// The name teachers and reports use.
    pub fn label_zh(self) -> &'static str {
        match self {
            Contrast::FlatRetroflex => "平翘舌",
            Contrast::FrontBackNasal => "前后鼻音",
            Contrast::NasalLateral => "鼻边音",
            Contrast::LabiodentalVelar => "唇齿音与舌根音",
            Contrast::RetroflexLateral => "r 与 l",
            Contrast::Aspiration => "送气与不送气",
            Contrast::UnroundedRounded => "齐齿呼与撮口呼",
            Contrast::Tone => "声调",
        }
    }

    /// The sounds involved, for headings: `"zh ch sh / z c s"`.
    pub fn sounds(self) -> &'static str {
        match self {
            Contrast::FlatRetroflex => "zh ch sh / z c s",
            Contrast::FrontBackNasal => "-n / -ng",
            Contrast::NasalLateral => "n / l",
            Contrast::LabiodentalVelar => "f / h",
            Contrast::RetroflexLateral => "r / l",
            Contrast::Aspiration => "b d g j z zh / p t k q c ch",
            Contrast::UnroundedRounded => "i / ü",
            Contrast::Tone => "1 2 3 4",
        }
    }
}

impl std::fmt::Display for Contrast {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

crate::serde_by_name!(Contrast);

const RETROFLEX_PAIRS: [(Initial, Initial); 3] =
    [(Initial::Zh, Initial::Z), (Initial::Ch, Initial::C), (Initial::Sh, Initial::S)];

const ASPIRATION_PAIRS: [(Initial, Initial); 6] = [
    (Initial::B, Initial::P),
    (Initial::D, Initial::T),
    (Initial::G, Initial::K),
    (Initial::J, Initial::Q),
    (Initial::Z, Initial::C),
    (Initial::Zh, Initial::Ch),
];

const NASAL_PAIRS: [(Final, Final); 7] = [
    (Final::An, Final::Ang),
    (Final::En, Final::Eng),
    (Final::In, Final::Ing),
    (Final::Ian, Final::Iang),
    (Final::Uan, Final::Uang),
    (Final::Uen, Final::Ueng),
    (Final::Vn, Final::Iong),
];

/// After a consonant uen's -ng partner is written ong (顿 dun / 动 dong).
const NASAL_PAIRS_AFTER_CONSONANT: [(Final, Final); 1] = [(Final::Uen, Final::Ong)];

const ROUNDING_PAIRS: [(Final, Final); 4] =
    [(Final::I, Final::V), (Final::Ie, Final::Ve), (Final::Ian, Final::Van), (Final::In, Final::Vn)];

/// The f/h merger: f + final ↔ h + the u-medial final (飞 fei ↔ 灰 hui).
const F_H_MERGER: [(Final, Final); 8] = [
    (Final::A, Final::Ua),
    (Final::O, Final::Uo),
    (Final::Ei, Final::Uei),
    (Final::An, Final::Uan),
    (Final::En, Final::Uen),
    (Final::Ang, Final::Uang),
    (Final::Eng, Final::Ong),
    (Final::U, Final::U),
];

fn swap<T: Copy + PartialEq>(pairs: &[(T, T)], x: T) -> Option<T> {
    pairs.iter().find_map(|&(a, b)| {
        if a == x {
            Some(b)
        } else if b == x {
            Some(a)
        } else {
            None
        }
    })
}

/// The apical vowel belongs to its initial: swapping zh for z turns zhi into zi.
fn apical_for(initial: Initial, final_: Final) -> Final {
    match final_ {
        Final::ApicalFront | Final::ApicalBack if initial.is_retroflex() => Final::ApicalBack,
        Final::ApicalFront | Final::ApicalBack if initial.is_dental_sibilant() => Final::ApicalFront,
        other => other,
    }
}

/// Every (initial, final) one segmental confusion away, whether or not it is a real syllable.
fn segmental_variants(initial: Initial, final_: Final) -> Vec<(Initial, Final, Contrast)> {
    let mut out = Vec::new();
    let mut initial_swap = |pairs: &[(Initial, Initial)], contrast: Contrast| {
        if let Some(other) = swap(pairs, initial) {
            out.push((other, apical_for(other, final_), contrast));
        }
    };
    initial_swap(&RETROFLEX_PAIRS, Contrast::FlatRetroflex);
    initial_swap(&ASPIRATION_PAIRS, Contrast::Aspiration);
    initial_swap(&[(Initial::N, Initial::L)], Contrast::NasalLateral);

    match (initial, final_) {
        (Initial::R, Final::ApicalBack) => out.push((Initial::L, Final::I, Contrast::RetroflexLateral)),
        (Initial::L, Final::I) => out.push((Initial::R, Final::ApicalBack, Contrast::RetroflexLateral)),
        (Initial::R, f) => out.push((Initial::L, f, Contrast::RetroflexLateral)),
        (Initial::L, f) => out.push((Initial::R, f, Contrast::RetroflexLateral)),
        (Initial::F, f) => {
            out.push((Initial::H, f, Contrast::LabiodentalVelar));
            if let Some((_, merged)) = F_H_MERGER.iter().find(|(plain, _)| *plain == f) {
                out.push((Initial::H, *merged, Contrast::LabiodentalVelar));
            }
        }
        (Initial::H, f) => {
            out.push((Initial::F, f, Contrast::LabiodentalVelar));
            if let Some((plain, _)) = F_H_MERGER.iter().find(|(_, merged)| *merged == f) {
                out.push((Initial::F, *plain, Contrast::LabiodentalVelar));
            }
        }
        _ => {}
    }

    if let Some(other) = swap(&NASAL_PAIRS, final_) {
        out.push((initial, other, Contrast::FrontBackNasal));
    }
    if initial != Initial::Zero
        && let Some(other) = swap(&NASAL_PAIRS_AFTER_CONSONANT, final_)
    {
        out.push((initial, other, Contrast::FrontBackNasal));
    }
    if let Some(other) = swap(&ROUNDING_PAIRS, final_) {
        out.push((initial, other, Contrast::UnroundedRounded));
    }
    out.sort();
    out.dedup();
    out.retain(|&(i, f, _)| (i, f) != (initial, final_));
    out
}

/// Names the contrast a substitution falls into: `heard` differs from `expected` by exactly one
/// of the confusions (same tone), or by tone alone. `None` when they are equal or differ in more
/// than one way.
pub fn contrast_of(expected: &Syllable, heard: &Syllable) -> Option<Contrast> {
    if expected.erhua != heard.erhua || expected == heard {
        return None;
    }
    if expected.same_segments(heard) {
        return Some(Contrast::Tone);
    }
    if expected.tone != heard.tone {
        return None;
    }
    segmental_variants(expected.initial, expected.final_)
        .into_iter()
        .find(|&(i, f, _)| i == heard.initial && f == heard.final_)
        .map(|(_, _, c)| c)
}

/// Every valid syllable one confusion away from `syl`: the segmental neighbours in the same tone,
/// then the same segments in the other full tones (a neutral syllable gets all four). Neutral is
/// never offered as a tone neighbour because a learner cannot be asked to produce it in isolation.
pub fn confusable_neighbours(syl: &Syllable) -> Vec<(Syllable, Contrast)> {
    let mut out: Vec<(Syllable, Contrast)> = segmental_variants(syl.initial, syl.final_)
        .into_iter()
        .map(|(initial, final_, c)| (Syllable { initial, final_, ..*syl }, c))
        .filter(|(s, _)| s.is_valid_mandarin())
        .collect();
    out.extend(Tone::FULL.into_iter().filter(|&t| t != syl.tone).map(|t| (syl.with_tone(t), Contrast::Tone)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::syllable_table;

    fn syl(s: &str) -> Syllable {
        Syllable::parse(s).unwrap()
    }

    fn neighbours(s: &str) -> Vec<(String, Contrast)> {
        confusable_neighbours(&syl(s)).into_iter().map(|(n, c)| (n.to_numbered(), c)).collect()
    }

    fn has(list: &[(String, Contrast)], s: &str, c: Contrast) -> bool {
        list.iter().any(|(n, k)| n == s && *k == c)
    }

    #[test]
    fn neighbours_of_nan2_include_lan2_and_nang2() {
        let n = neighbours("nan2");
        assert!(has(&n, "lan2", Contrast::NasalLateral), "{n:?}");
        assert!(has(&n, "nang2", Contrast::FrontBackNasal), "{n:?}");
        assert!(has(&n, "nan3", Contrast::Tone), "{n:?}");
        assert!(!n.iter().any(|(s, _)| s == "nan5"));
    }

    #[test]
    fn neighbours_of_zhi1_include_zi1_and_chi1() {
        let n = neighbours("zhi1");
        assert!(has(&n, "zi1", Contrast::FlatRetroflex), "{n:?}");
        assert!(has(&n, "chi1", Contrast::Aspiration), "{n:?}");
    }

    #[test]
    fn neighbours_of_ju4_include_ji4_and_qu4() {
        let n = neighbours("ju4");
        assert!(has(&n, "ji4", Contrast::UnroundedRounded), "{n:?}");
        assert!(has(&n, "qu4", Contrast::Aspiration), "{n:?}");
    }

    #[test]
    fn f_and_h_confusions_cover_the_hu_merger() {
        let n = neighbours("fei1");
        assert!(has(&n, "hui1", Contrast::LabiodentalVelar), "{n:?}");
        assert!(has(&n, "hei1", Contrast::LabiodentalVelar), "{n:?}");
        assert!(has(&neighbours("hong2"), "feng2", Contrast::LabiodentalVelar));
        assert!(has(&neighbours("fu2"), "hu2", Contrast::LabiodentalVelar));
    }

    #[test]
    fn ri_pairs_with_li_and_ru_with_lu() {
        assert!(has(&neighbours("ri4"), "li4", Contrast::RetroflexLateral));
        assert!(has(&neighbours("ru4"), "lu4", Contrast::RetroflexLateral));
        assert!(has(&neighbours("li4"), "ri4", Contrast::RetroflexLateral));
    }

    #[test]
    fn qun_pairs_with_qiong_and_dun_with_dong() {
        assert!(has(&neighbours("qun2"), "qiong2", Contrast::FrontBackNasal));
        assert!(has(&neighbours("dun4"), "dong4", Contrast::FrontBackNasal));
        assert!(has(&neighbours("wen1"), "weng1", Contrast::FrontBackNasal));
    }

    #[test]
    fn neighbours_are_always_valid_syllables_with_the_same_tone_or_a_tone_contrast() {
        for &(initial, final_) in syllable_table() {
            let s = Syllable::new(initial, final_, Tone::Second);
            for (n, c) in confusable_neighbours(&s) {
                assert!(n.is_valid_mandarin(), "{s} -> {n}");
                assert_ne!(n, s);
                assert_eq!(contrast_of(&s, &n), Some(c), "{s} -> {n}");
                if c != Contrast::Tone {
                    assert_eq!(n.tone, s.tone);
                }
            }
        }
    }

    #[test]
    fn contrast_of_names_single_substitutions_only() {
        assert_eq!(contrast_of(&syl("zhi1"), &syl("zi1")), Some(Contrast::FlatRetroflex));
        assert_eq!(contrast_of(&syl("si4"), &syl("shi4")), Some(Contrast::FlatRetroflex));
        assert_eq!(contrast_of(&syl("nan2"), &syl("lan2")), Some(Contrast::NasalLateral));
        assert_eq!(contrast_of(&syl("bao3"), &syl("pao3")), Some(Contrast::Aspiration));
        assert_eq!(contrast_of(&syl("ma1"), &syl("ma3")), Some(Contrast::Tone));
        assert_eq!(contrast_of(&syl("nan2"), &syl("lang2")), None);
        assert_eq!(contrast_of(&syl("nan2"), &syl("lan3")), None);
        assert_eq!(contrast_of(&syl("ma1"), &syl("ma1")), None);
        assert_eq!(contrast_of(&syl("ba1"), &syl("ma1")), None);
    }

    #[test]
    fn contrast_names_and_labels_are_stable() {
        for c in Contrast::ALL {
            assert_eq!(Contrast::from_name(c.name()).unwrap(), c);
        }
        assert_eq!(Contrast::FlatRetroflex.label_zh(), "平翘舌");
        assert_eq!(Contrast::FrontBackNasal.label_zh(), "前后鼻音");
        assert_eq!(serde_json::to_string(&Contrast::NasalLateral).unwrap(), "\"n_l\"");
        assert_eq!(Contrast::from_name("x_y").unwrap_err().code(), "pinyin.unknown_name");
    }
}
