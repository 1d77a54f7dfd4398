//! Texts a clip is scored against that are not what it says: another clip's line, the start
//! of its own, its own with one character misread or one tone changed, a lone syllable's
//! doubled word (妈 for 妈妈), or a word it has no part of. Each measures how the scorer meets
//! a kind of mistake the corpora have no recordings of.

use std::collections::BTreeMap;

use shiliu_pinyin::Tone;

use super::{Row, kind_of};

/// What each clip is scored against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Texts {
    /// What it says (the corpus as it is).
    Own,
    /// Another clip's text of the same kind (`--other-texts`).
    Another,
    /// The first half of its own text (`--read-on`).
    FirstHalf,
    /// Its own text, one character misread (`--misread`).
    Misread,
    /// Its own text, one syllable's tone changed (`--wrong-tone`).
    WrongTone,
    /// A lone syllable's character twice, the second neutral as in 妈妈 (`--said-once`).
    Doubled,
    /// A two-syllable word with no syllable of a lone syllable's (`--syllable-for-word`).
    WordForSyllable,
    /// Its own, with texts to tell it apart from (`--contrasts`).
    Contrasted,
}

impl Texts {
    /// The texts the command line chose: the first whose option was given (the options
    /// exclude one another), else the clips' own.
    pub fn chosen(options: &[(bool, Texts)]) -> Texts {
        options.iter().find(|(given, _)| *given).map_or(Texts::Own, |(_, texts)| *texts)
    }

    /// The corpus rows to score, with their texts altered.
    pub fn alter(self, rows: Vec<Row>) -> Vec<Row> {
        match self {
            Texts::Own => rows,
            Texts::Another => with_other_texts(rows),
            Texts::FirstHalf => with_read_on(rows),
            Texts::Misread => with_misread(rows),
            Texts::WrongTone => with_wrong_tone(rows),
            Texts::Doubled => doubled(rows),
            Texts::WordForSyllable => words_for_syllables(rows),
            Texts::Contrasted => super::contrasts::with_contrasts(rows),
        }
    }

    /// What the clips were scored against, for the tables' headings.
    pub fn described(self) -> &'static str {
        match self {
            Texts::Own => "their own text",
            Texts::Another => "another clip's text (the wrong line read)",
            Texts::FirstHalf => "the first half of their own text (read on past the target)",
            Texts::Misread => "their own text with one character misread",
            Texts::WrongTone => "their own text with the middle syllable's tone changed",
            Texts::Doubled => "their character doubled (a lone 妈 for 妈妈)",
            Texts::WordForSyllable => "a word they have no part of (one syllable said for a word)",
            Texts::Contrasted => "their own text, with contrasts to choose between",
        }
    }
}

/// The correct clips, each with the text of another correct clip of the same kind (the one
/// half the list further on, or the next with a different text): a student reading the
/// wrong line. Labelled mispronunciations are left out.
fn with_other_texts(rows: Vec<Row>) -> Vec<Row> {
    let correct: Vec<Row> = rows.into_iter().filter(|r| r.label.as_deref().is_none_or(|l| l == "correct")).collect();
    let mut by_kind: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &correct {
        by_kind.entry(kind_of(r.pinyin.split_whitespace().count())).or_default().push(r);
    }
    let mut out = Vec::new();
    for group in by_kind.values() {
        for (i, r) in group.iter().enumerate() {
            let n = group.len();
            let other = (1..n).map(|k| group[(i + n / 2 + k) % n]).find(|o| o.text != r.text);
            if let Some(o) = other {
                out.push(read_against(r, o));
            }
        }
    }
    out
}

/// The correct clips of two or more syllables, each with the first half of its own text: a
/// student reading on past the target.
fn with_read_on(rows: Vec<Row>) -> Vec<Row> {
    rows.into_iter()
        .filter(|r| r.label.as_deref().is_none_or(|l| l == "correct"))
        .filter_map(|r| {
            let hanzi: Vec<char> = r.text.chars().filter(|c| shiliu_pinyin::is_hanzi(*c)).collect();
            let syllables: Vec<&str> = r.pinyin.split_whitespace().collect();
            if hanzi.len() < 2 || hanzi.len() != syllables.len() {
                return None;
            }
            let half = hanzi.len() / 2;
            Some(Row {
                text: hanzi[..half].iter().collect(),
                pinyin: syllables[..half].join(" "),
                label: Some(READ_ON.into()),
                error_index: None,
                spoken: Some(r.pinyin.clone()),
                ..r
            })
        })
        .collect()
}

/// Characters to misread a text with: common, and between them there is always one with
/// neither initial nor final in common with a given syllable.
const MISREAD_AS: [(char, &str); 6] =
    [('马', "ma3"), ('书', "shu1"), ('天', "tian1"), ('狗', "gou3"), ('月', "yue4"), ('飞', "fei1")];

/// The correct clips of two or more syllables, each with its own text but the middle character
/// swapped for one read as another syllable altogether: a student misreading that character.
fn with_misread(rows: Vec<Row>) -> Vec<Row> {
    use shiliu_pinyin::Syllable;
    rows.into_iter()
        .filter(|r| r.label.as_deref().is_none_or(|l| l == "correct"))
        .filter_map(|r| {
            let mut hanzi: Vec<char> = r.text.chars().filter(|c| shiliu_pinyin::is_hanzi(*c)).collect();
            let mut syllables: Vec<&str> = r.pinyin.split_whitespace().collect();
            if hanzi.len() < 2 || hanzi.len() != syllables.len() {
                return None;
            }
            let k = hanzi.len() / 2;
            let said = Syllable::parse_allowing_rare(syllables[k]).ok()?;
            let (c, pinyin) = MISREAD_AS.into_iter().find(|(c, p)| {
                let other = Syllable::parse(p).expect("a valid syllable");
                other.initial != said.initial && other.final_ != said.final_ && !hanzi.contains(c)
            })?;
            hanzi[k] = c;
            syllables[k] = pinyin;
            Some(Row {
                text: hanzi.iter().collect(),
                pinyin: syllables.join(" "),
                label: Some(MISREAD.into()),
                error_index: Some(k),
                spoken: Some(r.pinyin.clone()),
                ..r
            })
        })
        .collect()
}

/// The tone most unlike each, for a tone error to measure (`--wrong-tone`, `--contrasts`):
/// level for low and rising for falling, and back.
pub(super) fn unlike(tone: Tone) -> Option<Tone> {
    match tone {
        Tone::First => Some(Tone::Third),
        Tone::Second => Some(Tone::Fourth),
        Tone::Third => Some(Tone::First),
        Tone::Fourth => Some(Tone::Second),
        Tone::Neutral => None,
    }
}

/// The surface syllables of `text` (read with `pinyin` when given), tone-numbered.
pub(super) fn surface(text: &str, pinyin: Option<&str>) -> Option<Vec<String>> {
    let e = shiliu_speech::expected::Expected::new(text, pinyin).ok()?;
    Some(e.syllables.iter().map(|s| s.syllable().to_numbered()).collect())
}

/// The correct clips, each with its own text but the middle syllable expected with another
/// tone: the scorer then hears a tone error in a real voice. Clips where the change would also
/// change another syllable's sandhi (a third tone beside a third), or whose middle syllable is
/// neutral or itself changed by sandhi (一, 不), are left out.
fn with_wrong_tone(rows: Vec<Row>) -> Vec<Row> {
    rows.into_iter()
        .filter(|r| r.label.as_deref().is_none_or(|l| l == "correct"))
        .filter_map(|r| {
            let mut syllables: Vec<String> = r.pinyin.split_whitespace().map(str::to_owned).collect();
            let k = syllables.len() / 2;
            let before = surface(&r.text, Some(&r.pinyin))?;
            // Split before the last character, not byte: a toneless "lü" ends in a two-byte ü.
            let said = syllables.get(k)?;
            let (segments, tone) = said.split_at(said.char_indices().last()?.0);
            let citation: u8 = tone.parse().ok()?;
            let changed = unlike(Tone::from_number(citation)?)?.number();
            // A syllable that sandhi already changes (一, 不, a third before a third) is left alone.
            if before.get(k)? != &syllables[k] {
                return None;
            }
            syllables[k] = format!("{segments}{changed}");
            let pinyin = syllables.join(" ");
            let after = surface(&r.text, Some(&pinyin))?;
            let others_unchanged = before.iter().zip(&after).enumerate().all(|(i, (b, a))| i == k || b == a);
            let tone_changed = after.get(k) == Some(&syllables[k]);
            (others_unchanged && tone_changed && before.len() == after.len()).then(|| Row {
                pinyin,
                label: Some("tone".into()),
                error_index: Some(k),
                spoken: Some(r.pinyin.clone()),
                ..r
            })
        })
        .collect()
}

/// The correct lone syllables, each expected twice over with the second neutral, as in
/// 妈妈, 爸爸, 哥哥: a child saying the word's syllable once. The second is the one not said.
fn doubled(rows: Vec<Row>) -> Vec<Row> {
    rows.into_iter()
        .filter(|r| r.label.as_deref().is_none_or(|l| l == "correct"))
        .filter(|r| r.text.chars().count() == 1 && r.pinyin.split_whitespace().count() == 1)
        .map(|r| {
            let said = r.pinyin.trim();
            let segments = said.trim_end_matches(|c: char| c.is_ascii_digit());
            Row {
                text: r.text.repeat(2),
                pinyin: format!("{said} {segments}5"),
                label: Some(OMITTED.into()),
                error_index: Some(1),
                spoken: Some(r.pinyin.clone()),
                ..r
            }
        })
        .collect()
}

/// The correct lone syllables, each with the text of a correct two-syllable word of the corpus
/// (the one half the list further on, or the next) that has neither of its syllables' initial
/// and final together: a student saying one syllable for a whole word.
fn words_for_syllables(rows: Vec<Row>) -> Vec<Row> {
    let correct = |r: &Row| r.label.as_deref().is_none_or(|l| l == "correct");
    let segments = |pinyin: &str| -> Vec<String> {
        pinyin.split_whitespace().map(|s| s.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned()).collect()
    };
    let mut words: Vec<&Row> = rows.iter().filter(|r| correct(r) && segments(&r.pinyin).len() == 2).collect();
    words.dedup_by(|a, b| a.text == b.text);
    let n = words.len();
    let lone = rows.iter().filter(|r| correct(r) && segments(&r.pinyin).len() == 1);
    lone.enumerate()
        .filter_map(|(i, r)| {
            let said = segments(&r.pinyin);
            let word = (0..n).map(|k| words[(i + n / 2 + k) % n]).find(|w| !segments(&w.pinyin).contains(&said[0]))?;
            Some(read_against(r, word))
        })
        .collect()
}

/// Clip `said` scored against `other`'s text: a student who read something else.
fn read_against(said: &Row, other: &Row) -> Row {
    Row {
        file: said.file.clone(),
        text: other.text.clone(),
        pinyin: other.pinyin.clone(),
        label: Some(OTHER_TEXT.into()),
        error_index: None,
        variant: said.variant.clone(),
        spoken: Some(said.pinyin.clone()),
        contrast: None,
    }
}

/// The label of a clip scored against another clip's text (`--other-texts`).
pub(super) const OTHER_TEXT: &str = "other_text";
/// The label of a clip scored against the start of its own text (`--read-on`).
pub(super) const READ_ON: &str = "read_on";
/// The label of a clip scored against its own text with one character misread (`--misread`).
pub(super) const MISREAD: &str = "misread";
/// The label of a lone syllable scored against its doubled word (`--said-once`).
pub(super) const OMITTED: &str = "omitted";

#[cfg(test)]
mod tests {
    use super::*;

    fn correct(text: &str, pinyin: &str) -> Row {
        Row {
            file: format!("{text}.wav"),
            text: text.into(),
            pinyin: pinyin.into(),
            label: None,
            error_index: None,
            variant: "real".into(),
            spoken: None,
            contrast: None,
        }
    }

    fn wrong_tones(rows: &[(&str, &str)]) -> Vec<(String, String, Option<usize>)> {
        let rows = rows.iter().map(|(t, p)| correct(t, p)).collect();
        with_wrong_tone(rows).into_iter().map(|r| (r.text, r.pinyin, r.error_index)).collect()
    }

    #[test]
    fn a_lone_syllable_is_scored_against_a_word_without_it() {
        let rows = vec![
            correct("妈", "ma1"),
            correct("妈妈", "ma1 ma5"),
            correct("老师", "lao3 shi1"),
            correct("老师", "lao3 shi1"),
            correct("八", "ba1"),
        ];
        let altered = words_for_syllables(rows);
        let pairs: Vec<(&str, &str)> = altered.iter().map(|r| (r.file.as_str(), r.text.as_str())).collect();
        assert_eq!(pairs, [("妈.wav", "老师"), ("八.wav", "妈妈")]);
        assert!(altered.iter().all(|r| r.label.as_deref() == Some(OTHER_TEXT)));
    }

    #[test]
    fn a_lone_syllable_is_expected_doubled_with_the_second_one_missing() {
        let rows = vec![correct("妈", "ma1"), correct("老师", "lao3 shi1"), correct("绿", "lü4")];
        let got: Vec<_> = doubled(rows).into_iter().map(|r| (r.text, r.pinyin, r.label, r.error_index)).collect();
        assert_eq!(
            got,
            [
                ("妈妈".into(), "ma1 ma5".into(), Some(OMITTED.into()), Some(1)),
                ("绿绿".into(), "lü4 lü5".into(), Some(OMITTED.into()), Some(1)),
            ]
        );
    }

    #[test]
    fn the_middle_syllable_is_expected_with_the_most_unlike_tone() {
        let got = wrong_tones(&[("学生", "xue2 sheng1"), ("妈", "ma1"), ("汽车", "qi4 che1"), ("人民", "ren2 min2")]);
        assert_eq!(
            got,
            [
                ("学生".into(), "xue2 sheng3".into(), Some(1)),
                ("妈".into(), "ma3".into(), Some(0)),
                ("汽车".into(), "qi4 che3".into(), Some(1)),
                ("人民".into(), "ren2 min4".into(), Some(1)),
            ]
        );
    }

    #[test]
    fn no_change_is_made_that_would_change_another_syllables_sandhi() {
        // 你好: a first tone on 好 would undo the third-tone sandhi on 你; 老师: a third on 师
        // would make 老 rise; 不是: 不 is already changed by sandhi; 朋友: a neutral tone.
        let got =
            wrong_tones(&[("你好", "ni3 hao3"), ("老师", "lao3 shi1"), ("不是", "bu4 shi4"), ("朋友", "peng2 you5")]);
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn a_syllable_written_without_its_tone_is_left_alone() {
        let got = wrong_tones(&[("绿", "lü"), ("妈", "ma")]);
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn the_altered_clip_is_labelled_a_tone_error_and_keeps_what_was_said() {
        let rows = with_wrong_tone(vec![correct("学生", "xue2 sheng1")]);
        assert_eq!(rows[0].label.as_deref(), Some("tone"));
        assert_eq!(rows[0].spoken.as_deref(), Some("xue2 sheng1"));
    }
}
