//! Lining up what the recogniser wrote with what was expected, syllable by syllable, so an
//! omitted, added or substituted syllable can be named.

use shiliu_pinyin::{Syllable, contrast_of};

/// What happened to one expected syllable in the free transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlignOp {
    /// Heard with the same initial and final.
    Match(Syllable),
    /// Heard as another syllable.
    Substituted(Syllable),
    /// Not in the transcript.
    Omitted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    pub ops: Vec<AlignOp>,
    /// Syllables in the transcript that match nothing expected.
    pub insertions: usize,
}

/// Cost of substituting `heard` for `expected`: small for one classic confusion, larger for
/// anything else, so alignment prefers plausible substitutions over gaps.
fn substitution_cost(expected: &Syllable, heard: &Syllable) -> f32 {
    if expected.same_segments(heard) {
        0.0
    } else if contrast_of(expected, heard).is_some() {
        0.5
    } else if expected.initial == heard.initial || expected.final_ == heard.final_ {
        0.8
    } else {
        1.2
    }
}

const GAP: f32 = 1.0;

/// Needleman–Wunsch over syllables (tones ignored: the transcript's characters say little about
/// the tone actually produced).
pub fn align(expected: &[Syllable], heard: &[Syllable]) -> Alignment {
    let (n, m) = (expected.len(), heard.len());
    let mut cost = vec![vec![0f32; m + 1]; n + 1];
    for (i, row) in cost.iter_mut().enumerate() {
        row[0] = i as f32 * GAP;
    }
    for (j, c) in cost[0].iter_mut().enumerate() {
        *c = j as f32 * GAP;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = cost[i - 1][j - 1] + substitution_cost(&expected[i - 1], &heard[j - 1]);
            cost[i][j] = sub.min(cost[i - 1][j] + GAP).min(cost[i][j - 1] + GAP);
        }
    }
    let (mut i, mut j) = (n, m);
    let mut ops = vec![AlignOp::Omitted; n];
    let mut insertions = 0;
    while i > 0 || j > 0 {
        if i > 0
            && j > 0
            && (cost[i][j] - cost[i - 1][j - 1] - substitution_cost(&expected[i - 1], &heard[j - 1])).abs() < 1e-4
        {
            let h = heard[j - 1];
            ops[i - 1] = if expected[i - 1].same_segments(&h) { AlignOp::Match(h) } else { AlignOp::Substituted(h) };
            i -= 1;
            j -= 1;
        } else if i > 0 && (cost[i][j] - cost[i - 1][j] - GAP).abs() < 1e-4 {
            ops[i - 1] = AlignOp::Omitted;
            i -= 1;
        } else {
            insertions += 1;
            j -= 1;
        }
    }
    Alignment { ops, insertions }
}

/// The syllables of a normalised transcript (hanzi only).
pub fn transcript_syllables(text: &str) -> Vec<Syllable> {
    shiliu_pinyin::to_pinyin(text).iter().filter_map(|r| r.syllable).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syls(s: &str) -> Vec<Syllable> {
        shiliu_pinyin::parse_pinyin_line(s).unwrap()
    }

    #[test]
    fn a_perfect_transcript_matches_everything() {
        let a = align(&syls("lao3 shi1 hao3"), &syls("lao3 shi1 hao3"));
        assert!(a.ops.iter().all(|o| matches!(o, AlignOp::Match(_))));
        assert_eq!(a.insertions, 0);
    }

    #[test]
    fn a_confusion_is_a_substitution_at_its_place() {
        let a = align(&syls("lao3 shi1 hao3"), &syls("lao3 si1 hao3"));
        assert_eq!(a.ops[1], AlignOp::Substituted(syls("si1")[0]));
        assert!(matches!(a.ops[0], AlignOp::Match(_)) && matches!(a.ops[2], AlignOp::Match(_)));
    }

    #[test]
    fn a_skipped_syllable_is_omitted_and_an_extra_one_inserted() {
        let a = align(&syls("wo3 men5 shang4 ke4 ba5"), &syls("wo3 men5 ke4 ba5"));
        assert_eq!(a.ops[2], AlignOp::Omitted);
        let b = align(&syls("ni3 hao3"), &syls("ni3 hao3 a5"));
        assert_eq!(b.insertions, 1);
    }

    #[test]
    fn tone_differences_alone_still_match() {
        let a = align(&syls("ma1"), &syls("ma3"));
        assert!(matches!(a.ops[0], AlignOp::Match(_)));
    }

    #[test]
    fn transcripts_are_read_as_pinyin() {
        assert_eq!(transcript_syllables("老师好").len(), 3);
    }
}
