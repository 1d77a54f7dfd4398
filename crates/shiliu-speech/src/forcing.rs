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

/// Probability of token `t` under `lp` (0 for a token outside it).
fn prob(lp: &[f32], t: TokenId) -> f32 {
    lp.get(t as usize).map_or(0.0, |l| l.exp())
}

/// Probability of `c` spelled by one token: the least its probability can be.
fn one_token_prob(vocab: &VocabIndex, lp: &[f32], c: char) -> f32 {
    vocab.routes(c).complete.iter().map(|&t| prob(lp, t)).sum()
}

/// Probability mass of tokens starting with `bytes` under `lp`.
fn mass_starting_with(vocab: &VocabIndex, lp: &[f32], bytes: &[u8]) -> f32 {
    vocab.starting_with(bytes).map(|t| prob(lp, t)).sum()
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
            *out.entry(next).or_insert(0.0) += prob(lp, t);
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
    let eot = vocab.len() as TokenId;
    log_sum(std::iter::once(prob(lp, eot)).chain(vocab.full_stops().iter().map(|&t| prob(lp, t))))
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
        let target_at_least = one_token_prob(vocab, &lp, pos.ch);
        let own_first = pos.tokens.first().copied();
        for &c in &all_chars {
            // The target's other spellings only where they could add a hundredth to it.
            let floor = if c == pos.ch { target_at_least * TARGET_ROUTE_SHARE } else { EXPAND_MIN_PROB };
            for (t, _) in vocab.routes(c).partial {
                let p = prob(&lp, t);
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
            let mut p = one_token_prob(vocab, &lp, c);
            for (t, covered) in vocab.routes(c).partial {
                if let Some(next) = expansions.get(&t) {
                    p += prob(&lp, t) * mass_starting_with(vocab, next, &utf8[covered..]);
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
mod tests;
