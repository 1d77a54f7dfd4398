//! Whole lines of pinyin: `lao3 shi1`, `lao3shi1`, `lǎoshī`, `Xī'ān`.
//!
//! Whitespace and punctuation separate words; inside a word, syllables are separated by tone
//! digits, apostrophes or hyphens, or found by splitting the letters. Splitting takes the longest
//! syllable that leaves a splittable rest, and follows the pinyin rule that a syllable starting
//! with a, o or e inside a word needs an apostrophe — which is why `xian` is one syllable and
//! `xi'an` two.

use std::ops::Range;

use crate::error::{Error, Result};
use crate::spelling::decompose;
use crate::syllable::Syllable;

/// Longest syllable in characters: `zhuang` + `r` + a combining mark + a digit, with room spare.
const MAX_SYLLABLE_CHARS: usize = 10;

/// Whether a line of pinyin writes any tone at all (a mark or a digit). Without one it is
/// toneless spelling (`lao shi`), not a line of neutral tones: with marks, an unmarked syllable
/// is neutral (`péngyou`).
pub fn writes_tones(line: &str) -> bool {
    line.chars().any(crate::spelling::writes_a_tone)
}

/// Parses a line of pinyin into its syllables, in order.
pub fn parse_pinyin_line(line: &str) -> Result<Vec<Syllable>> {
    Ok(parse_pinyin_words(line)?.into_iter().flatten().collect())
}

/// Parses a line of pinyin keeping its words: `ni3hao3 lao3shi1` is two words of two syllables.
/// Word grouping matters for third-tone sandhi.
pub fn parse_pinyin_words(line: &str) -> Result<Vec<Vec<Syllable>>> {
    let mut words: Vec<Vec<Syllable>> = Vec::new();
    for span in parse_spans(line)? {
        match words.get_mut(span.word) {
            Some(word) => word.push(span.syllable),
            None => words.push(vec![span.syllable]),
        }
    }
    Ok(words)
}

/// One syllable of a line and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    /// Index of the word (whitespace- or punctuation-separated token) it belongs to.
    pub word: usize,
    /// Byte range in the line.
    pub bytes: Range<usize>,
    pub syllable: Syllable,
}

/// Every syllable of a line with its word and position; fails on the first bad token, or when
/// there are no syllables at all.
pub(crate) fn parse_spans(line: &str) -> Result<Vec<Span>> {
    // Offsets of a subslice within `line`; every token below is one.
    let offset = |sub: &str| sub.as_ptr() as usize - line.as_ptr() as usize;
    let mut spans = Vec::new();
    let mut word = 0;
    for token in line.split(is_word_separator).filter(|t| !t.is_empty()) {
        let before = spans.len();
        for chunk in token.split(is_syllable_separator).filter(|c| !c.is_empty()) {
            for piece in split_after_digits(chunk) {
                let base = offset(piece);
                for (range, syllable) in split_letters(piece)? {
                    spans.push(Span { word, bytes: base + range.start..base + range.end, syllable });
                }
            }
        }
        if spans.len() > before {
            word += 1;
        }
    }
    if spans.is_empty() {
        return Err(Error::Empty);
    }
    Ok(spans)
}

pub(crate) fn is_word_separator(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation() && !matches!(c, '\'' | '-' | ':' | '^'))
        || matches!(
            c,
            '，' | '。'
                | '！'
                | '？'
                | '、'
                | '；'
                | '：'
                | '“'
                | '”'
                | '（'
                | '）'
                | '《'
                | '》'
                | '…'
                | '—'
                | '·'
        )
}

fn is_syllable_separator(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '-')
}

/// `lao3shi1` → `lao3`, `shi1`; a tone digit always ends a syllable.
fn split_after_digits(chunk: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in chunk.char_indices() {
        if c.is_ascii_digit() {
            pieces.push(&chunk[start..i + 1]);
            start = i + 1;
        }
    }
    if start < chunk.len() {
        pieces.push(&chunk[start..]);
    }
    pieces
}

/// Splits letters with no separators (`lǎoshī`, `xian1`) into syllables and their byte ranges.
fn split_letters(piece: &str) -> Result<Vec<(Range<usize>, Syllable)>> {
    let bounds: Vec<usize> = piece.char_indices().map(|(i, _)| i).chain([piece.len()]).collect();
    let n = bounds.len() - 1;
    // best[i]: the end (char index) of the syllable chosen at i, when piece[i..] splits.
    let mut best: Vec<Option<usize>> = vec![None; n + 1];
    for i in (0..n).rev() {
        for j in ((i + 1)..=n.min(i + MAX_SYLLABLE_CHARS)).rev() {
            let reachable = j == n || best[j].is_some();
            if !reachable {
                continue;
            }
            let text = &piece[bounds[i]..bounds[j]];
            let needs_apostrophe = i > 0 && decompose(text).is_ok_and(|d| d.body.starts_with(['a', 'o', 'e']));
            if !needs_apostrophe && Syllable::parse(text).is_ok() {
                best[i] = Some(j);
                break;
            }
        }
    }
    if best[0].is_none() {
        // Report what is wrong with the piece as a whole; it names the token.
        Syllable::parse(piece)?;
        return Err(Error::invalid(piece, "cannot be split into pinyin syllables"));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(j) = best[i] {
        out.push((bounds[i]..bounds[j], Syllable::parse(&piece[bounds[i]..bounds[j]])?));
        if j == n {
            break;
        }
        i = j;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_with_no_mark_or_digit_writes_no_tones() {
        assert!(!writes_tones("lao shi"));
        assert!(!writes_tones("Lü you"));
        assert!(writes_tones("lǎo shī") && writes_tones("lao3 shi1") && writes_tones("péngyou"));
        assert!(writes_tones("la\u{30c}o"), "a combining mark");
    }

    fn line(s: &str) -> Vec<String> {
        parse_pinyin_line(s).unwrap_or_else(|e| panic!("{s}: {e}")).iter().map(Syllable::to_numbered).collect()
    }

    #[test]
    fn spaced_and_unspaced_numbered_pinyin_agree() {
        assert_eq!(line("lao3 shi1"), ["lao3", "shi1"]);
        assert_eq!(line("lao3shi1"), ["lao3", "shi1"]);
        assert_eq!(line("  Lao3Shi1, ni3 hao3!  "), ["lao3", "shi1", "ni3", "hao3"]);
    }

    #[test]
    fn apostrophes_separate_syllables_that_would_otherwise_merge() {
        assert_eq!(line("xi'an"), ["xi5", "an5"]);
        assert_eq!(line("xian"), ["xian5"]);
        assert_eq!(line("Xī’ān"), ["xi1", "an1"]);
        assert_eq!(line("Tian1'an1men2"), ["tian1", "an1", "men2"]);
    }

    #[test]
    fn tone_mark_words_split_into_syllables() {
        assert_eq!(line("lǎoshī"), ["lao3", "shi1"]);
        assert_eq!(line("péngyou"), ["peng2", "you5"]);
        assert_eq!(line("Zhōngguó rén"), ["zhong1", "guo2", "ren2"]);
        assert_eq!(line("yídiǎnr"), ["yi2", "dianr3"]);
        assert_eq!(line("nǎrè"), ["na3", "re4"]);
    }

    #[test]
    fn erhua_suffix_tokens_are_kept_separate() {
        assert_eq!(line("zhe4 er5"), ["zhe4", "er5"]);
        assert_eq!(line("zhe4r5"), ["zhe4", "er5"]);
    }

    #[test]
    fn words_keep_their_grouping() {
        let words = parse_pinyin_words("ni3hao3 lao3-shi1").unwrap();
        assert_eq!(words.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2]);
    }

    #[test]
    fn a_bad_token_is_named_in_the_error() {
        let err = parse_pinyin_line("lao3 xqz1 shi1").unwrap_err();
        assert_eq!(err.code(), "pinyin.invalid_syllable");
        assert!(err.to_string().contains("xqz1"), "{err}");
        let err = parse_pinyin_line("ni3 bü3").unwrap_err();
        assert_eq!(err.code(), "pinyin.unattested_syllable");
        assert!(err.to_string().contains("bü3"), "{err}");
    }

    #[test]
    fn spans_point_at_the_written_syllables() {
        let line = "Nǐ hǎo, lǎoshī";
        let spans = parse_spans(line).unwrap();
        let written: Vec<&str> = spans.iter().map(|s| &line[s.bytes.clone()]).collect();
        assert_eq!(written, ["Nǐ", "hǎo", "lǎo", "shī"]);
        assert_eq!(spans.iter().map(|s| s.word).collect::<Vec<_>>(), [0, 1, 2, 2]);
    }

    #[test]
    fn a_line_without_syllables_is_empty() {
        assert_eq!(parse_pinyin_line(" ，。 ").unwrap_err().code(), "pinyin.empty");
    }
}
