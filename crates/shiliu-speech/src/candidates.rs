//! Which characters stand for which sounds: the candidate sets teacher forcing compares.
//!
//! For an expected syllable the candidates are grouped by *segments* (initial + final, any
//! tone): the target's own segments first, then each confusable neighbour's (n↔l, zh↔z, -n↔-ng,
//! i↔ü, aspiration, f↔h, r↔l). Summing over every character with the same segments asks the
//! recogniser about the sound rather than about one word, and leaving tone out keeps this
//! evidence about initials and finals — tone is judged from pitch.

use std::collections::HashMap;
use std::sync::OnceLock;

use shiliu_pinyin::{Contrast, Final, Initial, Syllable, char_readings, confusable_neighbours};

/// Initial and final, ignoring tone and 儿化.
pub type Segments = (Initial, Final);

pub fn segments(s: &Syllable) -> Segments {
    (s.initial, s.final_)
}

/// Every standard character, filed under each of its readings' segments.
fn index() -> &'static HashMap<Segments, Vec<char>> {
    static INDEX: OnceLock<HashMap<Segments, Vec<char>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: HashMap<Segments, Vec<char>> = HashMap::new();
        for c in shiliu_pinyin::standard_characters() {
            let mut seen = Vec::new();
            for r in char_readings(c) {
                let seg = segments(&r);
                if !seen.contains(&seg) {
                    seen.push(seg);
                    map.entry(seg).or_default().push(c);
                }
            }
        }
        map
    })
}

/// Characters whose reading has these segments.
pub fn chars_for(seg: Segments) -> &'static [char] {
    index().get(&seg).map(Vec::as_slice).unwrap_or(&[])
}

/// Every syllable (segments, any tone) with its characters, in a fixed order: what a lone
/// syllable's target is weighed against when any syllable at all may have been said.
pub fn inventory() -> &'static [(Segments, Vec<char>)] {
    static INVENTORY: OnceLock<Vec<(Segments, Vec<char>)>> = OnceLock::new();
    INVENTORY.get_or_init(|| {
        let mut all: Vec<(Segments, Vec<char>)> = index().iter().map(|(s, c)| (*s, c.clone())).collect();
        all.sort_by_key(|(s, _)| *s);
        all
    })
}

/// The inventory's character groups, in [`inventory`]'s order, to weigh a lone syllable's
/// `target_char` against. The target character itself is left out: its own mass counts for the
/// target alone, whatever other readings a polyphone like 行 has.
pub fn inventory_groups(target_char: char) -> Vec<Vec<char>> {
    inventory().iter().map(|(_, chars)| chars.iter().copied().filter(|&c| c != target_char).collect()).collect()
}

/// Of the inventory masses `lp` (in [`inventory`]'s order), the strongest syllable with
/// neither initial nor final in common with `expected` (another syllable altogether, not a
/// slip), with the expected tone, and its mass.
pub fn strongest_unrelated(expected: &Syllable, lp: &[f32]) -> Option<(Syllable, f32)> {
    inventory()
        .iter()
        .zip(lp)
        .map(|(((initial, final_), _), &lp)| (Syllable::new(*initial, *final_, expected.tone), lp))
        .filter(|(s, _)| crate::verdict::nothing_in_common(expected, s))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// A candidate group: the sound it stands for and how it differs from the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub syllable: Syllable,
    /// The named confusion; `None` for the target itself and for the other final slips.
    pub contrast: Option<Contrast>,
}

/// Finals learners slip between outside the named contrasts: a dropped (or added) medial —
/// guan/gan, duo/do, xiao/xao is no syllable and falls away — and uo/ou, whose two vowels
/// swap order. They are only candidates here, not teaching contrasts.
const FINAL_SLIPS: [(Final, Final); 9] = [
    (Final::Uan, Final::An),
    (Final::Uang, Final::Ang),
    (Final::Uen, Final::En),
    (Final::Uei, Final::Ei),
    (Final::Uai, Final::Ai),
    (Final::Ua, Final::A),
    (Final::Ian, Final::An),
    (Final::Iao, Final::Ao),
    (Final::Uo, Final::Ou),
];

fn final_slips(final_: Final) -> impl Iterator<Item = Final> {
    FINAL_SLIPS.into_iter().filter_map(move |(a, b)| match final_ {
        f if f == a => Some(b),
        f if f == b => Some(a),
        _ => None,
    })
}

/// The target's segments first, then its segmental neighbours (tone neighbours are left to pitch),
/// then the other final slips.
pub fn candidates_for(expected: &Syllable) -> Vec<Candidate> {
    let mut out = vec![Candidate { syllable: *expected, contrast: None }];
    let named = confusable_neighbours(expected).into_iter().filter(|(_, c)| *c != Contrast::Tone);
    let slips = final_slips(expected.final_)
        .map(|final_| (Syllable { final_, ..*expected }, None))
        .filter(|(s, _)| s.is_valid_mandarin());
    for (syl, contrast) in named.map(|(s, c)| (s, Some(c))).chain(slips) {
        if out.iter().any(|c| c.syllable.same_segments(&syl)) {
            continue;
        }
        if !chars_for(segments(&syl)).is_empty() {
            out.push(Candidate { syllable: syl, contrast });
        }
    }
    out
}

/// The character groups for a list of candidates; the target character is always in group 0.
pub fn char_groups(target_char: char, candidates: &[Candidate]) -> Vec<Vec<char>> {
    candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut chars = chars_for(segments(&c.syllable)).to_vec();
            if i == 0 && !chars.contains(&target_char) {
                chars.push(target_char);
            }
            chars
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syl(s: &str) -> Syllable {
        Syllable::parse(s).unwrap()
    }

    #[test]
    fn characters_are_filed_under_their_segments_whatever_the_tone() {
        let nan = chars_for(segments(&syl("nan2")));
        assert!(nan.contains(&'男') && nan.contains(&'南') && nan.contains(&'难'));
        let lan = chars_for(segments(&syl("lan2")));
        assert!(lan.contains(&'蓝') && lan.contains(&'兰') && lan.contains(&'懒'));
    }

    #[test]
    fn a_polyphone_is_filed_under_each_reading() {
        assert!(chars_for(segments(&syl("hang2"))).contains(&'行'));
        assert!(chars_for(segments(&syl("xing2"))).contains(&'行'));
    }

    #[test]
    fn candidates_start_with_the_target_and_name_each_contrast() {
        let c = candidates_for(&syl("nan2"));
        assert_eq!(c[0].contrast, None);
        assert!(c.iter().any(|c| c.syllable.same_segments(&syl("lan2")) && c.contrast == Some(Contrast::NasalLateral)));
        assert!(
            c.iter().any(|c| c.syllable.same_segments(&syl("nang2")) && c.contrast == Some(Contrast::FrontBackNasal))
        );
        assert!(c.iter().all(|c| c.contrast != Some(Contrast::Tone)));
    }

    #[test]
    fn dropped_medials_and_uo_ou_are_candidates_without_a_named_contrast() {
        let has = |target: &str, other: &str| {
            candidates_for(&syl(target)).iter().any(|c| c.syllable.same_segments(&syl(other)) && c.contrast.is_none())
        };
        assert!(has("duo1", "dou1") && has("dou1", "duo1"));
        assert!(has("guan1", "gan1") && has("gan1", "guan1"));
        assert!(has("tian1", "tan1"));
        assert!(!candidates_for(&syl("xiao3")).iter().any(|c| c.syllable.final_ == Final::Ao), "xao is no syllable");
    }

    #[test]
    fn the_target_character_is_always_a_candidate() {
        let c = candidates_for(&syl("shi1"));
        let groups = char_groups('师', &c);
        assert!(groups[0].contains(&'师'));
        assert!(groups.iter().skip(1).all(|g| !g.contains(&'师')));
    }

    #[test]
    fn the_inventory_holds_every_syllable_once_in_a_fixed_order() {
        let inv = inventory();
        assert!(inv.len() > 390, "{}", inv.len());
        assert!(inv.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(inv.iter().any(|(seg, chars)| *seg == segments(&syl("ma1")) && chars.contains(&'马')));
    }

    #[test]
    fn a_polyphone_target_lends_none_of_its_mass_to_its_other_reading() {
        let groups = inventory_groups('行');
        assert_eq!(groups.len(), inventory().len());
        assert!(groups.iter().all(|g| !g.contains(&'行')));
        let at = |s: &str| inventory().iter().position(|(seg, _)| *seg == segments(&syl(s))).unwrap();
        assert!(groups[at("hang2")].contains(&'航') && groups[at("xing2")].contains(&'星'));
    }

    #[test]
    fn the_strongest_unrelated_syllable_shares_neither_initial_nor_final_with_the_target() {
        let at = |s: &str| inventory().iter().position(|(seg, _)| *seg == segments(&syl(s))).unwrap();
        let mut lp = vec![-20.0; inventory().len()];
        lp[at("shu1")] = -0.5; // the target itself
        lp[at("su1")] = -1.0; // same final
        lp[at("shi1")] = -1.5; // same initial
        lp[at("ma1")] = -3.0;
        lp[at("ba1")] = -4.0;
        let (s, mass) = strongest_unrelated(&syl("shu3"), &lp).unwrap();
        assert_eq!((s, mass), (syl("ma3"), -3.0), "with the expected tone");
    }
}
