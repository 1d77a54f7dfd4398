//! Free transcription as a greedy decoder of our own, on the decoder state teacher forcing
//! also uses, so that the two share work.
//!
//! Greedy decoding takes the most likely allowed token at each step. Teacher forcing has
//! already run the decoder along the expected text, so wherever the recogniser's own choice was
//! the next expected token, greedy decoding would have walked the same path and needs no decoder
//! call of its own. It only decodes from the first step where the recogniser would have written
//! something else (or after the expected text, when it would not have ended there). For a clip
//! said as expected that is no call at all.
//!
//! The rules are whisper.cpp's for greedy decoding without timestamps (`whisper_full` with
//! temperature 0 and no fallback), so the transcript is the one it would write:
//! - only text tokens and the end-of-text token may be chosen; at the first step neither the
//!   end of text nor a blank;
//! - a transcript that begins to repeat itself is ended there (see [`is_looping`]);
//! - decoding stops after `budget` tokens;
//! - a clip the recogniser thinks holds no speech (its no-speech token above 0.6 after the
//!   prompt) and whose transcript averages below −1 nat a token is no transcript at all.

use crate::forcing::NextTokenModel;
use crate::vocab::TokenId;

/// whisper.cpp's defaults for calling a decoded segment silence.
const NO_SPEECH_ABOVE: f32 = 0.6;
const AVG_LOGPROB_BELOW: f32 = -1.0;

/// The special tokens the rules need, and the budget.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// The end-of-text token: every token below it is text, every one above it special.
    pub eot: TokenId,
    /// The token of a lone space, not allowed first.
    pub blank: Option<TokenId>,
    /// At most this many tokens after the first (whisper.cpp's `max_tokens`).
    pub budget: usize,
}

/// The token greedy decoding takes from one next-token distribution, and its log-probability
/// among the allowed tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    pub token: TokenId,
    pub lp: f32,
}

/// What greedy decoding takes from `lp` (log-probabilities over the whole vocabulary) at step
/// `step` (0 = the first token after the prompt).
pub fn choose(lp: &[f32], rules: &Rules, step: usize) -> Choice {
    let last = (rules.eot as usize).min(lp.len().saturating_sub(1));
    let allowed = |t: usize| !(step == 0 && (t == rules.eot as usize || Some(t as TokenId) == rules.blank));
    let mut best: Option<usize> = None;
    let mut max = f32::NEG_INFINITY;
    for (t, &l) in lp.iter().enumerate().take(last + 1) {
        if allowed(t) && (best.is_none() || l > max) {
            best = Some(t);
            max = l;
        }
    }
    let Some(best) = best else { return Choice { token: rules.eot, lp: 0.0 } };
    let total: f32 =
        lp.iter().take(last + 1).enumerate().filter(|&(t, _)| allowed(t)).map(|(_, l)| (l - max).exp()).sum();
    Choice { token: best as TokenId, lp: -total.ln() }
}

/// True when the tail of `ids` is one unit repeated: a single token 4 times, or 2–8 tokens
/// 3 times in a row.
pub fn is_looping(ids: &[TokenId]) -> bool {
    (1..=8usize).any(|unit| {
        let reps = if unit == 1 { 4 } else { 3 };
        let n = unit * reps;
        if ids.len() < n {
            return false;
        }
        let tail = &ids[ids.len() - n..];
        tail.chunks(unit).all(|c| c == &tail[..unit])
    })
}

/// A path the decoder has already been run along after the prompt (teacher forcing's): its
/// tokens, and greedy decoding's choice before each of them and after the last.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnownPath {
    pub tokens: Vec<TokenId>,
    /// `tokens.len() + 1` choices once the walk is complete.
    pub choices: Vec<Choice>,
}

/// A greedy transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text tokens, or none when the clip was judged to hold no speech.
    pub tokens: Vec<TokenId>,
    /// Decoding was ended because the output began to repeat itself.
    pub loop_stopped: bool,
}

/// Decodes greedily after `prefix_len` prompt tokens, following `known` for as long as the
/// recogniser's own choices do. `no_speech_prob` is the probability of the no-speech token
/// right after the prompt. The model's cache must hold the prompt and `known.tokens`.
pub fn decode<M: NextTokenModel>(
    model: &mut M,
    rules: &Rules,
    prefix_len: usize,
    known: &KnownPath,
    no_speech_prob: f32,
) -> Result<Decoded, String> {
    let mut out: Vec<TokenId> = Vec::new();
    let mut lp_sum = 0.0f32;
    let mut loop_stopped = false;
    // The next-token distribution once decoding has left the known path.
    let mut off_path: Option<Vec<f32>> = None;
    loop {
        let step = out.len();
        let mut choice = match &off_path {
            None => match known.choices.get(step) {
                Some(&c) => c,
                None => return Err("the known path ended without a choice after it".into()),
            },
            Some(lp) => choose(lp, rules, step),
        };
        if is_looping(&out) {
            loop_stopped = true;
            choice = Choice { token: rules.eot, lp: 0.0 };
        }
        out.push(choice.token);
        lp_sum += choice.lp;
        if choice.token == rules.eot || step >= rules.budget {
            break;
        }
        let still_on_path = off_path.is_none() && known.tokens.get(step) == Some(&choice.token);
        if !still_on_path {
            off_path = Some(model.feed(&[choice.token], prefix_len + step)?);
        }
    }
    let silent = no_speech_prob > NO_SPEECH_ABOVE && lp_sum / (out.len() as f32) < AVG_LOGPROB_BELOW;
    let tokens = if silent { Vec::new() } else { out.into_iter().filter(|&t| t < rules.eot).collect() };
    Ok(Decoded { tokens, loop_stopped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const EOT: TokenId = 5;
    const RULES: Rules = Rules { eot: EOT, blank: Some(4), budget: 10 };

    /// Log-probabilities over 8 tokens (0–3 text, 4 blank, 5 end of text, 6–7 special).
    fn dist(pairs: &[(TokenId, f32)]) -> Vec<f32> {
        let mut p = [1e-4f32; 8];
        for &(t, v) in pairs {
            p[t as usize] = v;
        }
        let s: f32 = p.iter().sum();
        p.iter().map(|v| (v / s).ln()).collect()
    }

    /// A decoder whose next token depends only on the last token fed.
    struct ByLast {
        table: HashMap<TokenId, Vec<f32>>,
        fed: Vec<(TokenId, usize)>,
    }

    impl NextTokenModel for ByLast {
        fn feed(&mut self, tokens: &[TokenId], n_past: usize) -> Result<Vec<f32>, String> {
            let last = *tokens.last().unwrap();
            self.fed.push((last, n_past));
            Ok(self.table.get(&last).cloned().unwrap_or_else(|| dist(&[(EOT, 1.0)])))
        }
    }

    fn known(tokens: &[TokenId], dists: &[Vec<f32>]) -> KnownPath {
        KnownPath {
            tokens: tokens.to_vec(),
            choices: dists.iter().enumerate().map(|(i, d)| choose(d, &RULES, i)).collect(),
        }
    }

    #[test]
    fn greedy_takes_the_likeliest_text_token_and_never_a_special_one() {
        let c = choose(&dist(&[(1, 0.3), (2, 0.2), (6, 0.5)]), &RULES, 3);
        assert_eq!(c.token, 1);
        // Its probability is among the allowed tokens only: 0.3 of 0.5.
        assert!((c.lp.exp() - 0.6).abs() < 0.01, "{}", c.lp.exp());
    }

    #[test]
    fn the_first_token_is_neither_the_end_nor_a_blank() {
        let d = dist(&[(EOT, 0.5), (4, 0.3), (2, 0.2)]);
        assert_eq!(choose(&d, &RULES, 0).token, 2);
        assert_eq!(choose(&d, &RULES, 1).token, EOT);
    }

    #[test]
    fn a_clip_said_as_expected_is_transcribed_without_a_decoder_call() {
        let path = known(&[1, 2], &[dist(&[(1, 0.9)]), dist(&[(2, 0.9)]), dist(&[(EOT, 0.9)])]);
        let mut m = ByLast { table: HashMap::new(), fed: Vec::new() };
        let d = decode(&mut m, &RULES, 7, &path, 0.0).unwrap();
        assert_eq!(d.tokens, vec![1, 2]);
        assert!(m.fed.is_empty(), "no decoder call");
    }

    #[test]
    fn decoding_goes_its_own_way_from_where_the_recogniser_would_have_written_something_else() {
        // Expected 1 2; the recogniser would write 1 3 0.
        let path = known(&[1, 2], &[dist(&[(1, 0.9)]), dist(&[(3, 0.6), (2, 0.3)]), dist(&[(EOT, 0.9)])]);
        let table = HashMap::from([(3, dist(&[(0, 0.8)])), (0, dist(&[(EOT, 0.8)]))]);
        let mut m = ByLast { table, fed: Vec::new() };
        let d = decode(&mut m, &RULES, 7, &path, 0.0).unwrap();
        assert_eq!(d.tokens, vec![1, 3, 0]);
        // 3 goes where 2 was cached (after the prompt and 1), then 0 after it.
        assert_eq!(m.fed, vec![(3, 8), (0, 9)]);
    }

    #[test]
    fn decoding_goes_on_after_the_expected_text_when_the_speech_did() {
        let path = known(&[1], &[dist(&[(1, 0.9)]), dist(&[(2, 0.7)])]);
        let mut m = ByLast { table: HashMap::new(), fed: Vec::new() };
        let d = decode(&mut m, &RULES, 3, &path, 0.0).unwrap();
        assert_eq!(d.tokens, vec![1, 2]);
        assert_eq!(m.fed, vec![(2, 4)]);
    }

    #[test]
    fn a_transcript_that_repeats_itself_is_ended() {
        let path = known(&[], &[dist(&[(3, 0.9)])]);
        let mut m = ByLast { table: HashMap::from([(3, dist(&[(3, 0.9)]))]), fed: Vec::new() };
        let d = decode(&mut m, &RULES, 3, &path, 0.0).unwrap();
        assert_eq!(d.tokens, vec![3, 3, 3, 3]);
        assert!(d.loop_stopped);
    }

    #[test]
    fn decoding_stops_at_the_budget() {
        let rules = Rules { budget: 2, ..RULES };
        let path = KnownPath { tokens: vec![], choices: vec![Choice { token: 1, lp: -0.1 }] };
        let table = HashMap::from([(1, dist(&[(2, 0.9)])), (2, dist(&[(1, 0.9)]))]);
        let mut m = ByLast { table, fed: Vec::new() };
        assert_eq!(decode(&mut m, &rules, 3, &path, 0.0).unwrap().tokens, vec![1, 2, 1]);
    }

    #[test]
    fn an_unsure_transcript_of_what_the_recogniser_calls_silence_is_nothing() {
        // 1, then the end, each at 0.3: an average of −1.2 nats.
        let unsure = |t| dist(&[(t, 0.3), (2, 0.25), (3, 0.25), (0, 0.2)]);
        let path = known(&[1], &[unsure(1), unsure(EOT)]);
        let mut m = ByLast { table: HashMap::new(), fed: Vec::new() };
        assert!(decode(&mut m, &RULES, 3, &path, 0.7).unwrap().tokens.is_empty());
        // Either alone is not enough.
        assert_eq!(decode(&mut m, &RULES, 3, &path, 0.5).unwrap().tokens, vec![1]);
        let sure = known(&[1], &[dist(&[(1, 0.9)]), dist(&[(EOT, 0.9)])]);
        assert_eq!(decode(&mut m, &RULES, 3, &sure, 0.7).unwrap().tokens, vec![1]);
    }

    #[test]
    fn loops_are_recognised_at_the_tail_only() {
        assert!(is_looping(&[5, 7, 7, 7, 7]));
        assert!(!is_looping(&[7, 7, 7]));
        assert!(is_looping(&[1, 2, 3, 2, 3, 2, 3]));
        assert!(!is_looping(&[2, 3, 2, 3, 9]));
        assert!(is_looping(&[9, 10, 11, 12, 9, 10, 11, 12, 9, 10, 11, 12]));
        assert!(!is_looping(&[]));
    }
}
