//! Teacher forcing: walking the recogniser along the *expected* characters and, at each
//! position, measuring how likely each candidate character was — the target, and the
//! characters of its confusable neighbours (n↔l, zh↔z, -n↔-ng…).
//!
//! Comparing the target against its neighbours at the same position is what makes this a
//! goodness-of-pronunciation measure rather than a transcript check: the recogniser's
//! preference is judged on the sounds in question, with the words around them held fixed.
//! The model is behind a trait so this logic is tested without Whisper.

use std::collections::HashMap;

use crate::vocab::{TokenId, VocabIndex};

/// A next-token model with a rewindable context (Whisper's decoder with its KV cache).
pub trait NextTokenModel {
    /// Feeds `tokens` at positions `n_past..` (discarding anything cached from `n_past` on) and
    /// returns the log-probabilities of the token that would follow them.
    fn feed(&mut self, tokens: &[TokenId], n_past: usize) -> Result<Vec<f32>, String>;
}

/// Below this probability a fragment token is not worth a decoder call to complete.
const EXPAND_MIN_PROB: f32 = 0.002;
/// A fragment that starts the target's character another way than its own tokens is completed
/// only when it could add this share to the target's probability (its spelling by one token
/// alone). At 1e-7, as most are, a decoder call for it would change nothing.
const TARGET_ROUTE_SHARE: f32 = 0.01;
/// At most this many fragment tokens are completed per position.
const MAX_EXPANSIONS: usize = 4;

/// One position of the expected text: its character, the canonical tokens that spell it, and
/// groups of candidate characters (group 0 is the target syllable's characters).
#[derive(Debug, Clone)]
pub struct Position {
    pub ch: char,
    pub tokens: Vec<TokenId>,
    pub groups: Vec<Vec<char>>,
    /// More groups to measure here that are not rivals (the whole syllable inventory, for a
    /// lone syllable); usually none.
    pub others: Vec<Vec<char>>,
}

/// What the recogniser thought at one position.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionEvidence {
    /// Log-probability of the expected character itself.
    pub target_lp: f32,
    /// Log-probability mass of each candidate group (summed over its characters).
    pub group_lp: Vec<f32>,
    /// The same for each of the position's other groups.
    pub other_lp: Vec<f32>,
    /// The single most likely next character and its log-probability.
    pub top: Option<(char, f32)>,
    /// Log-probability that the text ends here instead (the end-of-text token, which follows
    /// the last character token in Whisper's vocabulary).
    pub end_lp: f32,
}

impl PositionEvidence {
    /// Log-probability mass of the target's own group (its sound, in any character); the
    /// evidence most rules weigh. Minus infinity where nothing was measured.
    pub fn target_group_lp(&self) -> f32 {
        self.group_lp.first().copied().unwrap_or(f32::NEG_INFINITY)
    }
}

fn log_sum(ps: impl IntoIterator<Item = f32>) -> f32 {
    let total: f32 = ps.into_iter().sum();
    if total > 0.0 { total.ln() } else { f32::NEG_INFINITY }
}

/// Probability mass of tokens starting with `bytes` under `lp`.
fn mass_starting_with(vocab: &VocabIndex, lp: &[f32], bytes: &[u8]) -> f32 {
    vocab.starting_with(bytes).map(|t| lp.get(t as usize).map_or(0.0, |l| l.exp())).sum()
}

/// What a character said through a multi-character token says about the next one. Whisper
/// writes common words as one token (我们, 什么, 知道): walked along 我 as a token of its own,
/// the decoder finds 们 unlikely, because it would have written 我们. The expected next
/// character's probability is taken over both ways of writing the pair.
struct Carry {
    /// Probability of each character that follows the last one inside a merged token.
    merged: HashMap<char, f32>,
    merged_total: f32,
    /// Probability of the last character's own tokens, the way the walk went on.
    own: f32,
}

impl Carry {
    /// The next character's probability given the last, from its probability `after` the last
    /// character's own tokens.
    fn next(&self, c: char, after: f32) -> f32 {
        (self.merged.get(&c).copied().unwrap_or(0.0) + self.own * after) / (self.merged_total + self.own)
    }
}

/// The characters that follow `c` inside the tokens that spell `c` and go on, with those
/// tokens' probabilities under `lp`.
fn merged_after(vocab: &VocabIndex, lp: &[f32], c: char) -> HashMap<char, f32> {
    let mut buf = [0u8; 4];
    let utf8 = c.encode_utf8(&mut buf).as_bytes();
    let mut out = HashMap::new();
    for t in vocab.starting_with(utf8) {
        let rest = &vocab.token_bytes(t)[utf8.len()..];
        let next = (1..=rest.len().min(4)).find_map(|n| std::str::from_utf8(&rest[..n]).ok()?.chars().next());
        if let Some(next) = next {
            *out.entry(next).or_insert(0.0) += lp.get(t as usize).map_or(0.0, |l| l.exp());
        }
    }
    out
}

/// What walking the decoder along the target found.
#[derive(Debug, Clone, PartialEq)]
pub struct Walk {
    /// The evidence at each position.
    pub positions: Vec<PositionEvidence>,
    /// Log-probability that the text ends once the whole target has been written: the
    /// end-of-text token or a full stop (a comma would go on). Low when the recording goes on
    /// with more words.
    pub end_after_lp: f32,
}

/// Probability mass of the end-of-text token and of the full stops.
fn ending_lp(vocab: &VocabIndex, lp: &[f32]) -> f32 {
    let p = |t: usize| lp.get(t).map_or(0.0, |l| l.exp());
    log_sum(std::iter::once(p(vocab.len())).chain(vocab.full_stops().iter().map(|&t| p(t as usize))))
}

/// Walks `positions` after `prefix` and returns the evidence at each, and how likely the text
/// ends after them. `along` sees the next-token distribution before each of the positions' own
/// tokens and after the last one (free transcription follows the same path; see `greedy`).
pub fn force<M: NextTokenModel>(
    model: &mut M,
    vocab: &VocabIndex,
    prefix: &[TokenId],
    positions: &[Position],
    along: &mut dyn FnMut(&[f32]),
) -> Result<Walk, String> {
    let mut lp = model.feed(prefix, 0)?;
    let mut n_past = prefix.len();
    let mut out = Vec::with_capacity(positions.len());
    let mut carry: Option<Carry> = None;
    for pos in positions {
        // Complete the fragment tokens that carry real probability (the target's own first,
        // which we must decode anyway, is done last so its result can be reused).
        let mut wanted: Vec<(TokenId, f32)> = Vec::new();
        // (Only the candidates' fragments: the other groups are measured with what is expanded
        // anyway, and take no expansion from a rival.)
        let mut all_chars: Vec<char> = pos.groups.iter().flatten().copied().collect();
        all_chars.push(pos.ch);
        let target_at_least: f32 =
            vocab.routes(pos.ch).complete.iter().map(|&t| lp.get(t as usize).map_or(0.0, |l| l.exp())).sum();
        let own_first = pos.tokens.first().copied();
        for &c in &all_chars {
            // The target's other spellings only where they could add a hundredth to it.
            let floor = if c == pos.ch { target_at_least * TARGET_ROUTE_SHARE } else { EXPAND_MIN_PROB };
            for (t, _) in vocab.routes(c).partial {
                let p = lp.get(t as usize).map_or(0.0, |l| l.exp());
                if (p >= floor || Some(t) == own_first) && !wanted.iter().any(|(w, _)| *w == t) {
                    wanted.push((t, p));
                }
            }
        }
        // Ascending probability with the target's own fragment last: the tail kept below is the
        // own fragment and the most probable others.
        wanted.sort_by(|a, b| (Some(a.0) == own_first).cmp(&(Some(b.0) == own_first)).then(a.1.total_cmp(&b.1)));
        let keep_from = wanted.len().saturating_sub(MAX_EXPANSIONS);
        let mut expansions: HashMap<TokenId, Vec<f32>> = HashMap::new();
        let mut last_expanded = None;
        for &(t, _) in &wanted[keep_from..] {
            expansions.insert(t, model.feed(&[t], n_past)?);
            last_expanded = Some(t);
        }

        // Advance along the expected character by its own tokens. The path's probability is
        // exact even for a character spelled in three byte tokens (蝶, 瓮), which one completion
        // step cannot reach; it is the least the character's probability can be.
        let mut own_lp = 0.0f32;
        let mut rest = pos.tokens.as_slice();
        let mut after_own_tokens: Option<Vec<f32>> = None;
        if let (Some(first), Some(last)) = (own_first, last_expanded)
            && first == last
        {
            along(&lp);
            own_lp += lp.get(first as usize).copied().unwrap_or(f32::NEG_INFINITY);
            after_own_tokens = expansions.get(&first).cloned();
            n_past += 1;
            rest = &rest[1..];
        }
        for &t in rest {
            let before = after_own_tokens.as_deref().unwrap_or(&lp);
            along(before);
            own_lp += before.get(t as usize).copied().unwrap_or(f32::NEG_INFINITY);
            after_own_tokens = Some(model.feed(&[t], n_past)?);
            n_past += 1;
        }
        let own_path = if pos.tokens.is_empty() { 0.0 } else { own_lp.exp() };

        let char_prob = |c: char| -> f32 {
            let mut buf = [0u8; 4];
            let utf8 = c.encode_utf8(&mut buf).as_bytes();
            let routes = vocab.routes(c);
            let mut p: f32 = routes.complete.iter().map(|&t| lp.get(t as usize).map_or(0.0, |l| l.exp())).sum();
            for (t, covered) in routes.partial {
                if let Some(next) = expansions.get(&t) {
                    p += lp[t as usize].exp() * mass_starting_with(vocab, next, &utf8[covered..]);
                }
            }
            if c == pos.ch { p.max(own_path) } else { p }
        };
        let mut cache: HashMap<char, f32> = HashMap::new();
        let mut after_own = |c: char| *cache.entry(c).or_insert_with(|| char_prob(c));
        // The target's sound counts both ways of writing the word (see `Carry`); a rival's is
        // read after the last character's own tokens, as the recogniser would hear it outside
        // the word it expects: merged, the word prior would hide a slip (今年 said as 今娘: the
        // rival niang falls to 1 in 4 there, while read after 今 it leads 4 to 1).
        let mut prob = |c: char, in_target_group: bool| {
            let p = after_own(c);
            match &carry {
                Some(cr) if in_target_group => cr.next(c, p),
                _ => p,
            }
        };
        let target_lp = log_sum([prob(pos.ch, true)]);
        let group_lp =
            pos.groups.iter().enumerate().map(|(j, g)| log_sum(g.iter().map(|&c| prob(c, j == 0)))).collect();
        let other_lp = pos.others.iter().map(|g| log_sum(g.iter().map(|&c| prob(c, false)))).collect();
        let top = lp
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .and_then(|(t, _)| vocab.first_char(t as TokenId))
            .map(|c| (c, log_sum([prob(c, true)])));
        let end_lp = lp.get(vocab.len()).copied().unwrap_or(f32::NEG_INFINITY);
        out.push(PositionEvidence { target_lp, group_lp, other_lp, top, end_lp });

        let merged = merged_after(vocab, &lp, pos.ch);
        if let Some(next) = after_own_tokens {
            lp = next;
        }
        let merged_total: f32 = merged.values().sum();
        carry = (merged_total > 0.0).then_some(Carry { merged, merged_total, own: own_lp.exp() });
    }
    along(&lp);
    Ok(Walk { positions: out, end_after_lp: ending_lp(vocab, &lp) })
}

/// Total log-probability of `tokens` following `prefix` (for forced choice between whole texts).
pub fn sequence_lp<M: NextTokenModel>(model: &mut M, prefix: &[TokenId], tokens: &[TokenId]) -> Result<f32, String> {
    let mut lp = model.feed(prefix, 0)?;
    let mut total = 0.0;
    for (i, &t) in tokens.iter().enumerate() {
        total += lp.get(t as usize).copied().unwrap_or(f32::NEG_INFINITY);
        if i + 1 < tokens.len() {
            lp = model.feed(&[t], prefix.len() + i)?;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::tests::toy;

    /// A model whose next-token distribution depends only on the last token fed, from a table.
    struct TableModel {
        table: HashMap<Option<TokenId>, Vec<f32>>,
        calls: usize,
    }

    /// Log-probabilities over a vocabulary of `n` tokens: the given ones, the rest near zero.
    fn dist_over(n: usize, pairs: &[(TokenId, f32)]) -> Vec<f32> {
        let mut p = vec![1e-6f32; n];
        for &(t, v) in pairs {
            p[t as usize] = v;
        }
        let s: f32 = p.iter().sum();
        p.iter().map(|v| (v / s).ln()).collect()
    }

    /// The same over the toy vocabulary's 7 tokens.
    fn dist(pairs: &[(TokenId, f32)]) -> Vec<f32> {
        dist_over(7, pairs)
    }

    impl NextTokenModel for TableModel {
        fn feed(&mut self, tokens: &[TokenId], _n_past: usize) -> Result<Vec<f32>, String> {
            self.calls += 1;
            Ok(self.table.get(&tokens.last().copied()).cloned().unwrap_or_else(|| dist(&[])))
        }
    }

    /// How likely the text ends after walking 我, when the next token after it is drawn from
    /// `next` over 我 (0), 。 (1), 们 (2) and the end-of-text token (3).
    fn end_after_wo(next: &[(TokenId, f32)]) -> f32 {
        let vocab = VocabIndex::new(vec!["我".as_bytes().to_vec(), "。".as_bytes().to_vec(), "们".as_bytes().to_vec()]);
        let table = HashMap::from([(Some(0), dist_over(4, next))]);
        let wo = Position { ch: '我', tokens: vec![0], groups: vec![vec!['我']], others: vec![] };
        force(&mut TableModel { table, calls: 0 }, &vocab, &[1], &[wo], &mut |_| {}).unwrap().end_after_lp
    }

    #[test]
    fn the_text_ending_after_the_target_counts_the_end_token_and_closing_punctuation() {
        let ended = end_after_wo(&[(3, 0.3), (1, 0.2), (2, 0.5)]);
        assert!((ended.exp() - 0.5).abs() < 0.01, "{}", ended.exp());
        // The recording goes on: after 我 the recogniser all but insists on 们.
        let goes_on = end_after_wo(&[(3, 0.0005), (2, 0.9995)]);
        assert!(goes_on < -7.0, "{goes_on}");
    }

    #[test]
    fn a_merged_token_counts_towards_its_first_character() {
        let vocab = toy();
        // After the prefix (token 6 "a"): "我" 0.3, "我们" 0.5, "们" 0.2.
        let table = HashMap::from([(Some(6), dist(&[(0, 0.3), (2, 0.5), (1, 0.2)]))]);
        let mut m = TableModel { table, calls: 0 };
        let pos = Position { ch: '我', tokens: vec![0], groups: vec![vec!['我'], vec!['们']], others: vec![] };
        let ev = force(&mut m, &vocab, &[6], &[pos], &mut |_| {}).unwrap().positions;
        assert!((ev[0].target_lp.exp() - 0.8).abs() < 0.01, "{}", ev[0].target_lp.exp());
        assert!((ev[0].group_lp[1].exp() - 0.2).abs() < 0.01);
        assert_eq!(ev[0].top.map(|t| t.0), Some('我'));
    }

    #[test]
    fn a_character_the_recogniser_would_write_merged_with_the_one_before_is_not_doubted() {
        let vocab = toy();
        // After "a": "我" 0.3, "我们" 0.5. After "我" alone, 们 is unlikely (0.1): the decoder
        // would have written 我们. Over both ways of writing it, 们 after 我 is
        // (0.5 + 0.3 × 0.1) / (0.5 + 0.3) = 0.6625. A rival (我 again) is read after 我's own
        // token, where the word prior does not hide it: 0.9.
        let table =
            HashMap::from([(Some(6), dist(&[(0, 0.3), (2, 0.5), (1, 0.2)])), (Some(0), dist(&[(1, 0.1), (0, 0.9)]))]);
        let mut m = TableModel { table, calls: 0 };
        let wo = Position { ch: '我', tokens: vec![0], groups: vec![vec!['我']], others: vec![] };
        let men = Position { ch: '们', tokens: vec![1], groups: vec![vec!['们'], vec!['我']], others: vec![] };
        let ev = force(&mut m, &vocab, &[6], &[wo, men], &mut |_| {}).unwrap().positions;
        assert!((ev[1].target_lp.exp() - 0.6625).abs() < 0.01, "{}", ev[1].target_lp.exp());
        assert!((ev[1].group_lp[0].exp() - 0.6625).abs() < 0.01);
        assert!((ev[1].group_lp[1].exp() - 0.9).abs() < 0.01, "{}", ev[1].group_lp[1].exp());
    }

    #[test]
    fn without_merged_tokens_the_next_character_is_read_after_the_last_ones_own() {
        let vocab = toy();
        let table = HashMap::from([(Some(6), dist(&[(1, 0.9), (0, 0.1)])), (Some(1), dist(&[(0, 0.25), (1, 0.75)]))]);
        let mut m = TableModel { table, calls: 0 };
        let men = Position { ch: '们', tokens: vec![1], groups: vec![vec!['们']], others: vec![] };
        let wo = Position { ch: '我', tokens: vec![0], groups: vec![vec!['我'], vec!['们']], others: vec![] };
        let ev = force(&mut m, &vocab, &[6], &[men, wo], &mut |_| {}).unwrap().positions;
        assert!((ev[1].target_lp.exp() - 0.25).abs() < 0.01, "{}", ev[1].target_lp.exp());
        assert!((ev[1].group_lp[1].exp() - 0.75).abs() < 0.01);
    }

    #[test]
    fn fragment_characters_are_completed_with_one_more_step() {
        let vocab = toy();
        // After "a": fragment (3) 0.9; after the fragment: 鼠's tail (4) 0.25, 鼓's tail (5) 0.75.
        let table = HashMap::from([(Some(6), dist(&[(3, 0.9), (0, 0.1)])), (Some(3), dist(&[(4, 0.25), (5, 0.75)]))]);
        let mut m = TableModel { table, calls: 0 };
        let groups = vec![vec!['鼠'], vec!['鼓'], vec!['我']];
        let pos = Position { ch: '鼠', tokens: vec![3, 4], groups, others: vec![] };
        let ev = force(&mut m, &vocab, &[6], &[pos], &mut |_| {}).unwrap().positions;
        assert!((ev[0].target_lp.exp() - 0.225).abs() < 0.01, "{}", ev[0].target_lp.exp());
        assert!((ev[0].group_lp[1].exp() - 0.675).abs() < 0.01);
        // prefix, the fragment (reused to advance), the tail: three calls, not four.
        assert_eq!(m.calls, 3);
    }

    #[test]
    fn a_character_spelled_in_three_byte_tokens_has_its_paths_probability() {
        // 蝶 as three one-byte tokens (0, 1, 2) after "a" (3): 0.8, then 0.5, then 0.9.
        let mut tokens: Vec<Vec<u8>> = "蝶".bytes().map(|b| vec![b]).collect();
        tokens.push(b"a".to_vec());
        let vocab = VocabIndex::new(tokens);
        let table = HashMap::from([
            (Some(3), dist_over(4, &[(0, 0.8), (3, 0.2)])),
            (Some(0), dist_over(4, &[(1, 0.5), (3, 0.5)])),
            (Some(1), dist_over(4, &[(2, 0.9), (3, 0.1)])),
        ]);
        let mut m = TableModel { table, calls: 0 };
        let pos = Position { ch: '蝶', tokens: vec![0, 1, 2], groups: vec![vec!['蝶']], others: vec![] };
        let ev = force(&mut m, &vocab, &[3], &[pos], &mut |_| {}).unwrap().positions;
        assert!((ev[0].target_lp.exp() - 0.36).abs() < 0.01, "{}", ev[0].target_lp.exp());
        assert!((ev[0].target_group_lp().exp() - 0.36).abs() < 0.01);
    }

    #[test]
    fn when_too_many_fragments_compete_the_most_probable_are_completed() {
        // Six characters, each spelled by a leading fragment and a tail; token 12 is "a".
        let chars = ['鼠', '书', '树', '数', '输', '叔'];
        let mut tokens = Vec::new();
        for c in chars {
            let b = c.to_string().into_bytes();
            tokens.push(b[..2].to_vec());
            tokens.push(b[2..].to_vec());
        }
        tokens.push(b"a".to_vec());
        let vocab = VocabIndex::new(tokens);
        let lead = |i: usize| (2 * i) as TokenId;
        let tail = |i: usize| (2 * i + 1) as TokenId;
        // After "a": the target 鼠 0.05, then 书 0.3, 树 0.25, 数 0.2, 输 0.12, 叔 0.08.
        let after_a = dist_over(
            13,
            &[(lead(0), 0.05), (lead(1), 0.3), (lead(2), 0.25), (lead(3), 0.2), (lead(4), 0.12), (lead(5), 0.08)],
        );
        let mut table = HashMap::from([(Some(12), after_a)]);
        for i in 0..chars.len() {
            table.insert(Some(lead(i)), dist_over(13, &[(tail(i), 1.0)]));
        }
        let mut m = TableModel { table, calls: 0 };
        let groups = chars.iter().map(|&c| vec![c]).collect();
        let pos = Position { ch: '鼠', tokens: vec![lead(0), tail(0)], groups, others: vec![] };
        let ev = force(&mut m, &vocab, &[12], &[pos], &mut |_| {}).unwrap().positions;
        let mass = |g: usize| ev[0].group_lp[g].exp();
        assert!((mass(0) - 0.05).abs() < 0.01, "the target is always completed");
        assert!((mass(1) - 0.3).abs() < 0.01 && (mass(2) - 0.25).abs() < 0.01 && (mass(3) - 0.2).abs() < 0.01);
        assert!(mass(4) < 0.01 && mass(5) < 0.01, "the least probable are left out");
    }

    #[test]
    fn other_groups_are_measured_without_taking_a_rivals_expansion() {
        let vocab = toy();
        // After "a": 我 0.6, the fragment shared by 鼠 and 鼓 0.4; after it, either tail 0.5.
        let table = HashMap::from([(Some(6), dist(&[(0, 0.6), (3, 0.4)])), (Some(3), dist(&[(4, 0.5), (5, 0.5)]))]);
        let mut m = TableModel { table, calls: 0 };
        let pos = Position {
            ch: '我',
            tokens: vec![0],
            groups: vec![vec!['我'], vec!['鼠']],
            others: vec![vec!['们'], vec!['鼓']],
        };
        let ev = force(&mut m, &vocab, &[6], &[pos], &mut |_| {}).unwrap().positions;
        assert!((ev[0].group_lp[1].exp() - 0.2).abs() < 0.01, "the rival 鼠 is completed");
        assert_eq!(ev[0].other_lp.len(), 2);
        assert!(ev[0].other_lp[0] < -10.0);
        assert!((ev[0].other_lp[1].exp() - 0.2).abs() < 0.01, "鼓 shares the expansion made for 鼠");
    }

    #[test]
    fn the_walk_shows_the_distribution_before_each_of_its_own_tokens_and_after_the_last() {
        // 鼠 in two tokens (its fragment, then its tail), then 我; "a" is the prompt.
        let vocab = toy();
        let after_a = dist(&[(3, 0.7), (0, 0.3)]);
        let after_fragment = dist(&[(4, 0.9)]);
        let after_shu = dist(&[(0, 0.8)]);
        let after_wo = dist(&[(1, 0.6)]);
        let table = HashMap::from([
            (Some(6), after_a.clone()),
            (Some(3), after_fragment.clone()),
            (Some(4), after_shu.clone()),
            (Some(0), after_wo.clone()),
        ]);
        let mut m = TableModel { table, calls: 0 };
        let shu = Position { ch: '鼠', tokens: vec![3, 4], groups: vec![vec!['鼠']], others: vec![] };
        let wo = Position { ch: '我', tokens: vec![0], groups: vec![vec!['我']], others: vec![] };
        let mut seen = Vec::new();
        force(&mut m, &vocab, &[6], &[shu, wo], &mut |lp| seen.push(lp.to_vec())).unwrap();
        assert_eq!(seen, vec![after_a, after_fragment, after_shu, after_wo]);
    }

    #[test]
    fn unlikely_fragments_of_neighbours_are_not_expanded() {
        let vocab = toy();
        let table = HashMap::from([(Some(6), dist(&[(0, 0.99)]))]);
        let mut m = TableModel { table, calls: 0 };
        let pos = Position { ch: '我', tokens: vec![0], groups: vec![vec!['我'], vec!['鼠']], others: vec![] };
        let ev = force(&mut m, &vocab, &[6], &[pos], &mut |_| {}).unwrap().positions;
        assert_eq!(m.calls, 2, "prefix and the target token only");
        assert!(ev[0].group_lp[1] < -10.0);
    }

    #[test]
    fn another_spelling_of_the_target_is_completed_only_where_it_could_add_to_it() {
        // 我 as one token (0), or as its first two bytes (1) and its last (2); "a" (3) is the prompt.
        let wo = "我".as_bytes();
        let vocab = VocabIndex::new(vec![wo.to_vec(), wo[..2].to_vec(), wo[2..].to_vec(), b"a".to_vec()]);
        let calls_with_fragment_at = |p: f32| {
            let table = HashMap::from([
                (Some(3), dist_over(4, &[(0, 0.9), (1, p), (3, 0.1 - p)])),
                (Some(1), dist_over(4, &[(2, 1.0)])),
            ]);
            let mut m = TableModel { table, calls: 0 };
            let pos = Position { ch: '我', tokens: vec![0], groups: vec![vec!['我']], others: vec![] };
            let ev = force(&mut m, &vocab, &[3], &[pos], &mut |_| {}).unwrap().positions;
            (m.calls, ev[0].target_lp.exp())
        };
        // At a millionth it could add nothing: prompt and target only.
        let (calls, p) = calls_with_fragment_at(1e-6);
        assert_eq!(calls, 2);
        assert!((p - 0.9).abs() < 0.01, "{p}");
        // At 0.05 it adds to the target's probability, so it is completed.
        let (calls, p) = calls_with_fragment_at(0.05);
        assert_eq!(calls, 3);
        assert!((p - 0.95).abs() < 0.01, "{p}");
    }

    #[test]
    fn sequence_lp_sums_token_log_probabilities() {
        let table = HashMap::from([(Some(6), dist(&[(0, 0.5), (1, 0.5)])), (Some(0), dist(&[(1, 0.25), (0, 0.75)]))]);
        let mut m = TableModel { table, calls: 0 };
        let lp = sequence_lp(&mut m, &[6], &[0, 1]).unwrap();
        assert!((lp - (0.5f32 * 0.25).ln()).abs() < 0.01);
    }
}
