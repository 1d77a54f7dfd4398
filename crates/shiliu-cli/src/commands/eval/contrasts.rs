//! `shiliu eval --contrasts`: the forced choice between a target and the texts a lesson item
//! names as its contrasts (老师 / 老鼠, 山 / 扇). A correct clip is scored twice with its own
//! text: once against its middle syllable in other tones (all three for a lone syllable, as a
//! tone drill has them; the most unlike one in a longer text), once against a confusable
//! neighbour of that syllable (zh/z, -n/-ng, n/l …). The choice should name the clip's own
//! text. A correct clip of two or more syllables is also told apart from its own characters
//! with the last syllable read the other way, neutral for full or full for neutral (东西 xi1 /
//! xi5), once with its own reading as the target and once with the other. A labelled
//! mispronunciation is scored with the text it does say as the contrast, and the choice should
//! name that.

use shiliu_pinyin::{Syllable, Tone, confusable_neighbours, is_hanzi};
use shiliu_speech::Contrast;
use shiliu_speech::expected::representative_char;

use super::Row;
use super::altered::{surface, unlike};

/// Texts a recording is to be told apart from, and which one was said.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contrasted {
    pub contrasts: Vec<Contrast>,
    /// What was said: its text and surface reading (the clip's own, or for a mispronunciation
    /// the contrast it says).
    pub said: (String, String),
    /// Whether what was said is the target the row is scored against.
    pub target_said: bool,
    /// What tells the texts apart: "tone", "initial", "final" or "neutral" (a reading of the
    /// same characters with or without a neutral tone).
    pub by: &'static str,
}

impl Contrasted {
    /// The clip's own text said, told apart from `texts`.
    fn own(row: &Row, texts: Vec<String>, by: &'static str) -> Option<Contrasted> {
        let said = (row.text.clone(), surface(&row.text, Some(&row.pinyin))?.join(" "));
        let contrasts = texts.iter().map(|t| Contrast::from(t.as_str())).collect();
        Some(Contrasted { contrasts, said, target_said: true, by })
    }
}

/// The rows to score for `--contrasts`: each correct clip twice (tone and sound contrasts),
/// each labelled mispronunciation once; rows no contrast can be written for are left out.
pub(super) fn with_contrasts(rows: Vec<Row>) -> Vec<Row> {
    let mut out = Vec::new();
    for r in rows {
        let cases: Vec<(Row, Contrasted)> = match r.label.as_deref() {
            None | Some("correct") => [tone_contrasts(&r), sound_contrast(&r)]
                .into_iter()
                .flatten()
                .map(|c| (r.clone(), c))
                .chain(other_readings(&r))
                .collect(),
            Some("tone") => said_instead(&r, "tone").map(|c| (r.clone(), c)).into_iter().collect(),
            Some("initial") => said_instead(&r, "initial").map(|c| (r.clone(), c)).into_iter().collect(),
            Some("final") => said_instead(&r, "final").map(|c| (r.clone(), c)).into_iter().collect(),
            Some(_) => Vec::new(),
        };
        out.extend(cases.into_iter().map(|(row, c)| Row { contrast: Some(c), ..row }));
    }
    out
}

/// `text` with its `k`-th Chinese character replaced by `c`, punctuation kept.
fn replaced(text: &str, k: usize, c: char) -> String {
    let mut seen = 0;
    text.chars()
        .map(|ch| {
            if !is_hanzi(ch) {
                return ch;
            }
            seen += 1;
            if seen == k + 1 { c } else { ch }
        })
        .collect()
}

/// A text like `row`'s whose syllable `k` is read `want` (surface) and every other syllable as
/// before, written with a common character: for a syllable that sandhi changes, one whose
/// citation tone is the target's, so the same sandhi turns it into `want`.
fn contrast_text(row: &Row, k: usize, want: &Syllable) -> Option<String> {
    let before = surface(&row.text, Some(&row.pinyin))?;
    let citation: Syllable = Syllable::parse_allowing_rare(row.pinyin.split_whitespace().nth(k)?).ok()?;
    let own = row.text.chars().filter(|c| is_hanzi(*c)).nth(k)?;
    [*want, want.with_tone(citation.tone)].into_iter().find_map(|cited| {
        let c = representative_char(&cited).filter(|&c| c != own)?;
        let text = replaced(&row.text, k, c);
        let after = surface(&text, None)?;
        let fits = after.len() == before.len()
            && after[k] == want.to_numbered()
            && (0..before.len()).all(|i| i == k || after[i] == before[i]);
        fits.then_some(text)
    })
}

/// The middle syllable of a correct clip, as said (surface), and where it is.
fn middle(row: &Row) -> Option<(usize, Syllable)> {
    let said = surface(&row.text, Some(&row.pinyin))?;
    let k = said.len() / 2;
    Some((k, Syllable::parse_allowing_rare(said.get(k)?).ok()?))
}

fn tone_contrasts(row: &Row) -> Option<Contrasted> {
    let (k, said) = middle(row)?;
    let tones: Vec<Tone> = if row.pinyin.split_whitespace().count() == 1 {
        Tone::FULL.into_iter().filter(|&t| t != said.tone).collect()
    } else {
        unlike(said.tone).into_iter().collect()
    };
    let texts: Vec<String> = tones.iter().filter_map(|&t| contrast_text(row, k, &said.with_tone(t))).collect();
    if texts.is_empty() {
        return None;
    }
    Contrasted::own(row, texts, "tone")
}

fn sound_contrast(row: &Row) -> Option<Contrasted> {
    let (k, said) = middle(row)?;
    confusable_neighbours(&said).into_iter().filter(|(_, c)| *c != shiliu_pinyin::Contrast::Tone).find_map(
        |(other, _)| {
            let text = contrast_text(row, k, &other)?;
            let by = if other.initial != said.initial { "initial" } else { "final" };
            Contrasted::own(row, vec![text], by)
        },
    )
}

/// A clip of two or more syllables against its own characters with the last syllable read the
/// other way (neutral for a full tone, the first tone for a neutral one): once scored against
/// its own reading, once against the other.
fn other_readings(row: &Row) -> Vec<(Row, Contrasted)> {
    let mut syllables: Vec<String> = row.pinyin.split_whitespace().map(str::to_owned).collect();
    if syllables.len() < 2 {
        return Vec::new();
    }
    let Some(last) = syllables.last_mut() else { return Vec::new() };
    let segments = last.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned();
    *last = if last.ends_with('5') { format!("{segments}1") } else { format!("{segments}5") };
    let other = syllables.join(" ");
    let (Some(own_read), Some(other_read)) = (surface(&row.text, Some(&row.pinyin)), surface(&row.text, Some(&other)))
    else {
        return Vec::new();
    };
    if own_read == other_read {
        return Vec::new();
    }
    let said = (row.text.clone(), own_read.join(" "));
    let against = |pinyin: &str| vec![Contrast { text: row.text.clone(), pinyin: Some(pinyin.to_owned()) }];
    vec![
        (row.clone(), Contrasted { contrasts: against(&other), said: said.clone(), target_said: true, by: "neutral" }),
        (
            Row { pinyin: other.clone(), ..row.clone() },
            Contrasted { contrasts: against(&row.pinyin), said, target_said: false, by: "neutral" },
        ),
    ]
}

/// A labelled mispronunciation with the text it does say as the contrast.
fn said_instead(row: &Row, label: &'static str) -> Option<Contrasted> {
    let k = row.error_index?;
    let spoken = Syllable::parse_allowing_rare(row.spoken.as_deref()?.split_whitespace().nth(k)?).ok()?;
    let text = contrast_text(row, k, &spoken)?;
    let said = (text.clone(), surface(&text, None)?.join(" "));
    Some(Contrasted { contrasts: vec![Contrast::from(text.as_str())], said, target_said: false, by: label })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str, pinyin: &str, label: Option<&str>, error_index: Option<usize>, spoken: Option<&str>) -> Row {
        Row {
            file: format!("{text}.wav"),
            text: text.into(),
            pinyin: pinyin.into(),
            label: label.map(str::to_owned),
            error_index,
            variant: "clean".into(),
            spoken: spoken.map(str::to_owned),
            contrast: None,
        }
    }

    fn contrasts(rows: Vec<Row>) -> Vec<(Vec<String>, String, &'static str)> {
        with_contrasts(rows)
            .into_iter()
            .filter_map(|r| r.contrast)
            .filter(|c| c.by != "neutral")
            .map(|c| (c.contrasts.into_iter().map(|k| k.text).collect(), c.said.0, c.by))
            .collect()
    }

    #[test]
    fn a_word_is_told_apart_from_its_own_characters_read_with_or_without_a_neutral_tone() {
        let rows = with_contrasts(vec![row("东西", "dong1 xi5", None, None, None)]);
        let readings: Vec<(String, Option<String>, bool)> = rows
            .iter()
            .filter_map(|r| r.contrast.as_ref().filter(|c| c.by == "neutral").map(|c| (r, c)))
            .map(|(r, c)| (r.pinyin.clone(), c.contrasts[0].pinyin.clone(), c.target_said))
            .collect();
        assert_eq!(
            readings,
            [
                ("dong1 xi5".into(), Some("dong1 xi1".into()), true),
                ("dong1 xi1".into(), Some("dong1 xi5".into()), false)
            ]
        );
        let said = &rows.iter().find_map(|r| r.contrast.as_ref().filter(|c| c.by == "neutral")).unwrap().said;
        assert_eq!(said, &("东西".to_owned(), "dong1 xi5".to_owned()));
    }

    #[test]
    fn a_lone_syllable_is_told_apart_from_its_other_tones_and_a_neighbouring_sound() {
        let cases = contrasts(vec![row("妈", "ma1", None, None, None)]);
        let (tones, said, by) = &cases[0];
        assert_eq!((said.as_str(), *by), ("妈", "tone"));
        let read: Vec<String> = tones.iter().map(|t| surface(t, None).unwrap()[0].clone()).collect();
        assert_eq!(read, ["ma2", "ma3", "ma4"]);
        // m and a have no confusable neighbour: no sound contrast.
        assert_eq!(cases.len(), 1);

        let cases = contrasts(vec![row("山", "shan1", None, None, None)]);
        // Only the tones a common character is read in: no character is read shan2.
        assert_eq!(cases[0].0.len(), 2, "{:?}", cases[0].0);
        let (sound, said, by) = &cases[1];
        assert_eq!(said, "山");
        assert!(["initial", "final"].contains(by));
        let other = surface(&sound[0], None).unwrap()[0].clone();
        assert!(other == "san1" || other == "shang1", "{other}");
    }

    #[test]
    fn a_mispronounced_word_has_what_it_says_as_the_contrast() {
        let cases = contrasts(vec![row("老师", "lao3 shi1", Some("initial"), Some(1), Some("lao3 si1"))]);
        assert_eq!(cases.len(), 1);
        let (texts, said, by) = &cases[0];
        assert_eq!(texts, &vec![said.clone()]);
        assert_eq!(by, &"initial");
        assert_eq!(surface(said, None).unwrap(), ["lao3", "si1"]);
        assert!(said.starts_with('老'));
    }

    #[test]
    fn under_sandhi_the_contrast_keeps_the_citation_tone_that_gives_the_said_tone() {
        // 可以: 可 ke3 is said ke2 before 以; said as ge2, the contrast needs a ge3 character.
        let cases = contrasts(vec![row("可以", "ke3 yi3", Some("initial"), Some(0), Some("ge2 yi3"))]);
        let (_, said, _) = &cases[0];
        assert_eq!(surface(said, None).unwrap(), ["ge2", "yi3"]);
    }

    #[test]
    fn other_rows_get_no_contrast() {
        assert!(contrasts(vec![row("你好", "ni3 hao3", Some("omitted"), Some(1), None)]).is_empty());
    }
}
