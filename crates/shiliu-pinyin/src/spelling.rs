//! Pinyin orthography: from letters to initial + final and back.
//!
//! Pinyin spells the same final differently by context (`iou` is `you` alone, `-iu` after a
//! consonant; `ü` is `u` after j q x y), so parsing undoes those rules and rendering applies them.
//! Only standard spellings are accepted, plus the ASCII habits everybody types (`v` for `ü`,
//! `lue`/`nue` for `lüe`/`nüe`, `jü` for `ju`); anything else gets an error that names the
//! standard spelling when there is one.

use crate::finals::Final;
use crate::initial::Initial;
use crate::tone::Tone;

/// A toneless syllable taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parts {
    pub initial: Initial,
    pub final_: Final,
    pub erhua: bool,
}

const CONSONANTS: [(&str, Initial); 21] = [
    ("zh", Initial::Zh),
    ("ch", Initial::Ch),
    ("sh", Initial::Sh),
    ("b", Initial::B),
    ("p", Initial::P),
    ("m", Initial::M),
    ("f", Initial::F),
    ("d", Initial::D),
    ("t", Initial::T),
    ("n", Initial::N),
    ("l", Initial::L),
    ("g", Initial::G),
    ("k", Initial::K),
    ("h", Initial::H),
    ("j", Initial::J),
    ("q", Initial::Q),
    ("x", Initial::X),
    ("r", Initial::R),
    ("z", Initial::Z),
    ("c", Initial::C),
    ("s", Initial::S),
];

/// Takes a lowercase, toneless body (`ü` already normalised, no digits) apart.
pub(crate) fn split_spelling(body: &str) -> Result<Parts, String> {
    let special = match body {
        "m" => Some((Initial::Zero, Final::M)),
        "n" => Some((Initial::Zero, Final::N)),
        "ng" => Some((Initial::Zero, Final::Ng)),
        "hm" => Some((Initial::H, Final::M)),
        "hng" => Some((Initial::H, Final::Ng)),
        "ê" => Some((Initial::Zero, Final::EHat)),
        // A bare `r` is how corpora write the 儿化 suffix as its own token (`zhe4 r5`).
        "er" | "r" => Some((Initial::Zero, Final::Er)),
        _ => None,
    };
    if let Some((initial, final_)) = special {
        return Ok(Parts { initial, final_, erhua: false });
    }
    if let Some(stem) = body.strip_suffix('r').filter(|s| !s.is_empty())
        && let Ok(parts) = split_plain(stem)
        && parts.final_.accepts_erhua()
    {
        return Ok(Parts { erhua: true, ..parts });
    }
    split_plain(body)
}

fn split_plain(body: &str) -> Result<Parts, String> {
    if body.is_empty() {
        return Err("no letters".into());
    }
    let (initial, core) = if let Some(rest) = body.strip_prefix('y') {
        let core = if let Some(r) = rest.strip_prefix('u').or_else(|| rest.strip_prefix('ü')) {
            format!("ü{r}")
        } else if rest.starts_with('i') {
            rest.to_owned()
        } else {
            format!("i{rest}")
        };
        (Initial::Zero, core)
    } else if let Some(rest) = body.strip_prefix('w') {
        let core = if rest.starts_with('u') { rest.to_owned() } else { format!("u{rest}") };
        (Initial::Zero, core)
    } else if let Some((prefix, initial)) = CONSONANTS.iter().find(|(p, _)| body.starts_with(p)) {
        let rest = &body[prefix.len()..];
        (*initial, expand_after_consonant(*initial, rest))
    } else {
        if let Some(first) = body.chars().next().filter(|c| matches!(c, 'i' | 'u' | 'ü')) {
            return Err(format!("a syllable starting with {first:?} is written with y or w"));
        }
        (Initial::Zero, body.to_owned())
    };
    let final_ = match core.as_str() {
        "i" if initial.is_dental_sibilant() => Final::ApicalFront,
        "i" if initial.is_retroflex() => Final::ApicalBack,
        "" => return Err("no final".into()),
        other => Final::ALL
            .into_iter()
            .find(|f| f.name() == other && !matches!(f, Final::M | Final::N | Final::Ng))
            .ok_or_else(|| format!("{other:?} is not a final"))?,
    };
    let canonical = spell(initial, final_);
    if !same_up_to_ascii_habits(body, &canonical, initial) {
        return Err(format!("the standard spelling is {canonical:?}"));
    }
    Ok(Parts { initial, final_, erhua: false })
}

/// Undoes the abbreviations pinyin uses after consonants.
fn expand_after_consonant(initial: Initial, rest: &str) -> String {
    if initial.is_palatal()
        && let Some(r) = rest.strip_prefix('u')
    {
        return format!("ü{r}");
    }
    match rest {
        "iu" => "iou".into(),
        "ui" => "uei".into(),
        "un" => "uen".into(),
        "ue" if matches!(initial, Initial::N | Initial::L) => "üe".into(),
        other => other.to_owned(),
    }
}

fn same_up_to_ascii_habits(body: &str, canonical: &str, initial: Initial) -> bool {
    if body == canonical {
        return true;
    }
    let relaxed = match initial {
        Initial::J | Initial::Q | Initial::X | Initial::Zero => body.replace('ü', "u"),
        Initial::N | Initial::L => body.replace("ue", "üe"),
        _ => return false,
    };
    relaxed == canonical
}

/// The standard spelling of a toneless syllable (`lü`, `jue`, `you`, `gui`, `zhi`).
pub(crate) fn spell(initial: Initial, final_: Final) -> String {
    use Final::*;
    if initial == Initial::Zero {
        let written = match final_ {
            I => "yi",
            Ia => "ya",
            Ie => "ye",
            Iao => "yao",
            Iou => "you",
            Ian => "yan",
            In => "yin",
            Iang => "yang",
            Ing => "ying",
            Iong => "yong",
            Io => "yo",
            U => "wu",
            Ua => "wa",
            Uo => "wo",
            Uai => "wai",
            Uei => "wei",
            Uan => "wan",
            Uen => "wen",
            Uang => "wang",
            Ueng => "weng",
            V => "yu",
            Ve => "yue",
            Van => "yuan",
            Vn => "yun",
            other => other.core_spelling(),
        };
        return written.to_owned();
    }
    let written = match final_ {
        Iou => "iu",
        Uei => "ui",
        Uen => "un",
        other => other.core_spelling(),
    };
    let written = if initial.is_palatal() { written.replacen('ü', "u", 1) } else { written.to_owned() };
    format!("{}{}", initial.spelling(), written)
}

/// Precomposed tone-marked letters and what they stand for.
const TONED: [(char, char, Tone); 28] = [
    ('ā', 'a', Tone::First),
    ('á', 'a', Tone::Second),
    ('ǎ', 'a', Tone::Third),
    ('à', 'a', Tone::Fourth),
    ('ē', 'e', Tone::First),
    ('é', 'e', Tone::Second),
    ('ě', 'e', Tone::Third),
    ('è', 'e', Tone::Fourth),
    ('ī', 'i', Tone::First),
    ('í', 'i', Tone::Second),
    ('ǐ', 'i', Tone::Third),
    ('ì', 'i', Tone::Fourth),
    ('ō', 'o', Tone::First),
    ('ó', 'o', Tone::Second),
    ('ǒ', 'o', Tone::Third),
    ('ò', 'o', Tone::Fourth),
    ('ū', 'u', Tone::First),
    ('ú', 'u', Tone::Second),
    ('ǔ', 'u', Tone::Third),
    ('ù', 'u', Tone::Fourth),
    ('ǖ', 'ü', Tone::First),
    ('ǘ', 'ü', Tone::Second),
    ('ǚ', 'ü', Tone::Third),
    ('ǜ', 'ü', Tone::Fourth),
    ('ế', 'ê', Tone::Second),
    ('ề', 'ê', Tone::Fourth),
    ('ń', 'n', Tone::Second),
    ('ň', 'n', Tone::Third),
];

/// Letters with marks that have no entry above because they are rare: ǹ and ḿ.
const TONED_EXTRA: [(char, char, Tone); 2] = [('ǹ', 'n', Tone::Fourth), ('ḿ', 'm', Tone::Second)];

/// Whether this character writes a tone: a tone digit, a marked vowel, or a combining mark.
pub(crate) fn writes_a_tone(c: char) -> bool {
    c.is_ascii_digit()
        || Tone::from_combining_mark(c).is_some()
        || TONED.iter().chain(TONED_EXTRA.iter()).any(|(marked, _, _)| *marked == c)
}

/// A token split into its toneless letters, the tone its marks give and the tone its digit gives.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Decomposed {
    pub body: String,
    pub mark: Option<Tone>,
    pub digit: Option<u8>,
}

/// Lowercases, turns `v`, `u:` and a combining diaeresis into `ü`, and pulls out tone marks and a
/// trailing tone digit. Fails on any character pinyin does not use.
pub(crate) fn decompose(token: &str) -> Result<Decomposed, String> {
    fn set_mark(out: &mut Decomposed, t: Tone) -> Result<(), String> {
        match out.mark.replace(t) {
            Some(_) => Err("more than one tone mark".to_owned()),
            None => Ok(()),
        }
    }
    let mut out = Decomposed::default();
    let mut chars = token.trim().chars().flat_map(char::to_lowercase).peekable();
    while let Some(c) = chars.next() {
        if out.digit.is_some() {
            return Err("the tone number must come last".into());
        }
        match c {
            'a'..='z' if c != 'v' => {
                if c == 'u' && chars.peek() == Some(&':') {
                    chars.next();
                    out.body.push('ü');
                } else {
                    out.body.push(c);
                }
            }
            'v' | 'ü' => out.body.push('ü'),
            'ê' => out.body.push('ê'),
            '0'..='9' => out.digit = Some(c as u8 - b'0'),
            '\u{0308}' if out.body.ends_with('u') => {
                out.body.pop();
                out.body.push('ü');
            }
            '\u{0302}' if out.body.ends_with('e') => {
                out.body.pop();
                out.body.push('ê');
            }
            _ => {
                if let Some(t) = Tone::from_combining_mark(c) {
                    if out.body.is_empty() {
                        return Err("a tone mark with no letter under it".into());
                    }
                    set_mark(&mut out, t)?;
                } else if let Some((_, base, t)) = TONED.iter().chain(TONED_EXTRA.iter()).find(|(m, _, _)| *m == c) {
                    out.body.push(*base);
                    set_mark(&mut out, *t)?;
                } else {
                    return Err(format!("{c:?} is not a pinyin letter"));
                }
            }
        }
    }
    if out.body.is_empty() {
        return Err("no letters".into());
    }
    Ok(out)
}

/// Writes the tone mark on the right letter of a toneless spelling: `a` or `e` if present, the
/// `o` of `ou`, otherwise the last vowel; the nasal of `m`, `n`, `ng`, `hm`, `hng`.
pub(crate) fn place_mark(spelled: &str, tone: Tone) -> String {
    let Some(mark) = tone.combining_mark() else {
        return spelled.to_owned();
    };
    let letters: Vec<char> = spelled.chars().collect();
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'ê' | 'i' | 'o' | 'u' | 'ü');
    let at = letters
        .iter()
        .position(|&c| c == 'a')
        .or_else(|| letters.iter().position(|&c| c == 'e' || c == 'ê'))
        .or_else(|| spelled.find("ou").map(|byte| spelled[..byte].chars().count()))
        .or_else(|| letters.iter().rposition(|&c| is_vowel(c)))
        .or_else(|| letters.iter().position(|&c| c == 'm' || c == 'n'))
        .unwrap_or(0);
    let mut out = String::with_capacity(spelled.len() + 2);
    for (i, &c) in letters.iter().enumerate() {
        if i != at {
            out.push(c);
            continue;
        }
        match TONED.iter().chain(TONED_EXTRA.iter()).find(|(_, b, t)| *b == c && *t == tone) {
            Some((m, _, _)) => out.push(*m),
            None => {
                out.push(c);
                out.push(mark);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> (Initial, Final, bool) {
        let p = split_spelling(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (p.initial, p.final_, p.erhua)
    }

    #[test]
    fn y_and_w_spellings_map_to_zero_initial_finals() {
        let cases = [
            ("yi", Final::I),
            ("ya", Final::Ia),
            ("you", Final::Iou),
            ("yin", Final::In),
            ("ying", Final::Ing),
            ("yong", Final::Iong),
            ("yu", Final::V),
            ("yue", Final::Ve),
            ("yuan", Final::Van),
            ("yun", Final::Vn),
            ("wu", Final::U),
            ("wo", Final::Uo),
            ("wei", Final::Uei),
            ("wen", Final::Uen),
            ("weng", Final::Ueng),
        ];
        for (s, f) in cases {
            assert_eq!(parts(s), (Initial::Zero, f, false), "{s}");
            assert_eq!(spell(Initial::Zero, f), s);
        }
    }

    #[test]
    fn abbreviated_finals_expand_after_consonants() {
        assert_eq!(parts("liu"), (Initial::L, Final::Iou, false));
        assert_eq!(parts("gui"), (Initial::G, Final::Uei, false));
        assert_eq!(parts("lun"), (Initial::L, Final::Uen, false));
        assert_eq!(parts("jun"), (Initial::J, Final::Vn, false));
        assert_eq!(parts("xue"), (Initial::X, Final::Ve, false));
        assert_eq!(parts("qu"), (Initial::Q, Final::V, false));
    }

    #[test]
    fn apical_i_depends_on_the_initial() {
        assert_eq!(parts("zi").1, Final::ApicalFront);
        assert_eq!(parts("si").1, Final::ApicalFront);
        assert_eq!(parts("zhi").1, Final::ApicalBack);
        assert_eq!(parts("ri").1, Final::ApicalBack);
        assert_eq!(parts("li").1, Final::I);
    }

    #[test]
    fn erhua_suffix_is_a_flag_but_er_is_a_final() {
        assert_eq!(parts("huar"), (Initial::H, Final::Ua, true));
        assert_eq!(parts("dianr"), (Initial::D, Final::Ian, true));
        assert_eq!(parts("er"), (Initial::Zero, Final::Er, false));
        assert_eq!(parts("r"), (Initial::Zero, Final::Er, false));
    }

    #[test]
    fn ascii_habits_are_tolerated() {
        assert_eq!(parts("lue"), (Initial::L, Final::Ve, false));
        assert_eq!(parts("jü"), (Initial::J, Final::V, false));
    }

    #[test]
    fn non_standard_spellings_name_the_standard_one() {
        let err = split_spelling("liou").unwrap_err();
        assert!(err.contains("\"liu\""), "{err}");
        assert!(split_spelling("i").is_err());
        assert!(split_spelling("xyz").is_err());
        assert!(split_spelling("wi").is_err());
        assert!(split_spelling("ü").is_err());
    }

    #[test]
    fn decompose_reads_marks_digits_and_umlaut_spellings() {
        let d = decompose("Lǚ").unwrap();
        assert_eq!((d.body.as_str(), d.mark, d.digit), ("lü", Some(Tone::Third), None));
        let d = decompose("lv4").unwrap();
        assert_eq!((d.body.as_str(), d.mark, d.digit), ("lü", None, Some(4)));
        assert_eq!(decompose("nu:3").unwrap().body, "nü");
        assert_eq!(decompose("nu\u{0308}").unwrap().body, "nü");
        assert_eq!(decompose("ma\u{0301}").unwrap().mark, Some(Tone::Second));
        assert!(decompose("mǎá").is_err());
        assert!(decompose("ma3a").is_err());
        assert!(decompose("ma!").is_err());
    }

    #[test]
    fn marks_go_on_a_then_e_then_the_o_of_ou_then_the_last_vowel() {
        assert_eq!(place_mark("lao", Tone::Third), "lǎo");
        assert_eq!(place_mark("xue", Tone::Second), "xué");
        assert_eq!(place_mark("gou", Tone::Third), "gǒu");
        assert_eq!(place_mark("liu", Tone::Second), "liú");
        assert_eq!(place_mark("gui", Tone::Fourth), "guì");
        assert_eq!(place_mark("lüe", Tone::Fourth), "lüè");
        assert_eq!(place_mark("nü", Tone::Third), "nǚ");
        assert_eq!(place_mark("huar", Tone::First), "huār");
        assert_eq!(place_mark("ng", Tone::Second), "ńg");
        assert_eq!(place_mark("hm", Tone::First), "hm\u{0304}");
        assert_eq!(place_mark("ma", Tone::Neutral), "ma");
    }
}
