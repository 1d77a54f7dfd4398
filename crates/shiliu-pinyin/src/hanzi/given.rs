//! Readings whose pinyin the caller supplies: reviewed lesson text, or pinyin with no hanzi.
//!
//! Lessons carry pinyin a teacher has checked; it replaces whatever [`super::to_pinyin`] guessed
//! while keeping the hanzi's word and punctuation structure, which sandhi needs. Pinyin-only input
//! (drills, the corpus) keeps its own words: syllables written together are one word.

use crate::error::{Error, Result};
use crate::line::{parse_pinyin_line, parse_spans};

use super::{ER5, Reading, ReadingSource, to_pinyin};

/// Readings for hanzi with reviewed pinyin: `text`'s structure (words, punctuation) with the
/// syllables of `pinyin`, one per hanzi. A 儿化 syllable (`zher4`) may stand for a hanzi and the
/// 儿 after it.
pub fn align_pinyin(text: &str, pinyin: &str) -> Result<Vec<Reading>> {
    let mut readings = to_pinyin(text);
    let given = parse_pinyin_line(pinyin)?;
    let slots: Vec<usize> = (0..readings.len()).filter(|&i| readings[i].hanzi_char().is_some()).collect();
    let mismatch = || Error::AlignmentMismatch { text: text.to_owned(), hanzi: slots.len(), syllables: given.len() };
    let mut h = 0;
    for g in &given {
        if h >= slots.len() {
            return Err(mismatch());
        }
        let next_is_er = slots.get(h + 1).is_some_and(|&n| readings[n].text == "儿");
        let pairs = if g.erhua && next_is_er { vec![g.with_erhua(false), ER5] } else { vec![*g] };
        for (k, s) in pairs.into_iter().enumerate() {
            let r = &mut readings[slots[h + k]];
            r.syllable = Some(s);
            r.source = ReadingSource::Given;
            r.polyphone_unresolved = false;
        }
        h += if g.erhua && next_is_er { 2 } else { 1 };
    }
    if h != slots.len() {
        return Err(mismatch());
    }
    Ok(readings)
}

/// Readings for pinyin-only input (`ni3hao3, lao3shi1`): one per syllable, words as written,
/// punctuation passed through so it still ends a phrase. Offsets are into `line`.
pub fn readings_from_pinyin(line: &str) -> Result<Vec<Reading>> {
    let spans = parse_spans(line)?;
    let char_at = |byte: usize| line[..byte].chars().count();
    let mut out: Vec<Reading> = Vec::new();
    let mut cursor = 0;
    // The last word index handed out, and the written word the previous syllable came from.
    let mut word: Option<usize> = None;
    let mut previous_written_word = None;
    for span in spans {
        let gap = &line[cursor..span.bytes.start];
        if gap.chars().any(|c| !c.is_whitespace()) {
            let index = word.map_or(0, |w| w + 1);
            word = Some(index);
            out.push(Reading {
                text: gap.trim().to_owned(),
                start: char_at(cursor),
                end: char_at(span.bytes.start),
                syllable: None,
                word: index,
                source: ReadingSource::NotHanzi,
                polyphone_unresolved: false,
            });
            previous_written_word = None;
        }
        if previous_written_word != Some(span.word) {
            word = Some(word.map_or(0, |w| w + 1));
        }
        previous_written_word = Some(span.word);
        out.push(Reading {
            text: line[span.bytes.clone()].to_owned(),
            start: char_at(span.bytes.start),
            end: char_at(span.bytes.end),
            syllable: Some(span.syllable),
            word: word.unwrap_or(0),
            source: ReadingSource::Given,
            polyphone_unresolved: false,
        });
        cursor = span.bytes.end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviewed_pinyin_replaces_the_guesses() {
        let r = align_pinyin("长大了", "zhang3 da4 le5").unwrap();
        assert!(r.iter().all(|r| r.source == ReadingSource::Given));
        let r = align_pinyin("在这儿", "zai4 zher4").unwrap();
        let s: Vec<String> = r.iter().map(|r| r.syllable.unwrap().to_numbered()).collect();
        assert_eq!(s, ["zai4", "zhe4", "er5"]);
        let err = align_pinyin("你好", "ni3").unwrap_err();
        assert_eq!(err.code(), "pinyin.alignment_mismatch");
        assert!(align_pinyin("你好", "ni3 hao3 ma5").is_err());
    }

    #[test]
    fn pinyin_only_readings_keep_words_and_punctuation() {
        let r = readings_from_pinyin("ni3hao3, lao3 shi1").unwrap();
        let texts: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["ni3", "hao3", ",", "lao3", "shi1"]);
        let words: Vec<usize> = r.iter().map(|r| r.word).collect();
        assert_eq!(words, [0, 0, 1, 2, 3]);
        assert_eq!((r[3].start, r[3].end), (9, 13));
        let r = readings_from_pinyin("，ni3").unwrap();
        assert_eq!(r.iter().map(|r| r.word).collect::<Vec<_>>(), [0, 1]);
    }
}
