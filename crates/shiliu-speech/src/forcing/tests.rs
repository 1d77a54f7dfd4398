//! The walk on toy vocabularies and hand-made distributions (no model).

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
