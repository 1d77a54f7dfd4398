//! The verdict rules, one behaviour per test, on hand-made evidence (no model).

use super::*;
use crate::candidates::candidates_for;

fn syl(s: &str) -> Syllable {
    Syllable::parse(s).unwrap()
}

fn evidence(groups: Vec<f32>) -> PositionEvidence {
    PositionEvidence { target_lp: groups[0], group_lp: groups, top: None }
}

fn tone_ok(t: Tone) -> ToneEvidence {
    let mut probs = [0.01; 5];
    probs[t.number() as usize - 1] = 0.96;
    ToneEvidence { expected: t, heard: Some(t), probs, fit: Some(95.0), connected: false }
}

fn group_index(cands: &[Candidate], s: &str) -> usize {
    cands.iter().position(|c| c.syllable.same_segments(&syl(s))).unwrap()
}

#[test]
fn a_clear_target_is_ok_with_a_high_score() {
    let expected = syl("nan2");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -0.1;
    let ev = evidence(g);
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false },
        &tone_ok(Tone::Second),
    );
    assert_eq!(j.verdict, Verdict::Ok);
    assert!(j.segment_score > 90.0, "{}", j.segment_score);
    assert!(j.initial_ok && j.final_ok && j.problem.is_none());
}

#[test]
fn n_said_as_l_is_an_initial_error_naming_the_contrast() {
    let expected = syl("nan2");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -4.0;
    g[group_index(&cands, "lan2")] = -0.3;
    let ev = evidence(g);
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false },
        &tone_ok(Tone::Second),
    );
    assert_eq!(j.verdict, Verdict::Error);
    let p = j.problem.unwrap();
    assert_eq!((p.kind, p.expected.as_str(), p.heard.as_deref()), (ProblemKind::Initial, "n", Some("l")));
    assert_eq!(p.contrast.as_deref(), Some("n_l"));
    assert!(!j.initial_ok && j.final_ok);
}

#[test]
fn a_back_nasal_for_a_front_one_is_a_final_error() {
    let expected = syl("shan1");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -4.5;
    g[group_index(&cands, "shang1")] = -0.8;
    let ev = evidence(g);
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false },
        &tone_ok(Tone::First),
    );
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Final);
    assert!(j.initial_ok && !j.final_ok);
}

#[test]
fn a_doubtful_target_without_a_clear_rival_is_only_a_defect() {
    let expected = syl("chi1");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -4.0;
    g[1] = -5.5;
    let ev = evidence(g);
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false },
        &tone_ok(Tone::First),
    );
    assert_eq!(j.verdict, Verdict::Defect);
}

#[test]
fn the_transcript_hearing_the_neighbour_confirms_an_error() {
    let expected = syl("shi1");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -1.0;
    g[group_index(&cands, "si1")] = -1.5;
    let ev = evidence(g);
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Substituted(syl("si1")), alone: false },
        &tone_ok(Tone::First),
    );
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.problem.unwrap().contrast.as_deref(), Some("flat_retroflex"));
}

#[test]
fn a_transcript_hearing_the_neighbour_on_an_unlikely_target_is_a_defect() {
    let expected = syl("dou1");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -2.3;
    let ev = evidence(g);
    let seg = |aligned| SegmentEvidence { candidates: &cands, forced: &ev, aligned, alone: false };
    let j = judge(&expected, &seg(AlignOp::Substituted(syl("duo1"))), &tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.problem.unwrap().heard.as_deref(), Some("uo"));
    // A transcript that heard some unrelated syllable is not the same evidence.
    let j = judge(&expected, &seg(AlignOp::Substituted(syl("ma1"))), &tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Ok);
}

#[test]
fn a_final_slip_outside_the_named_contrasts_needs_more_than_the_transcript_for_an_error() {
    let expected = syl("shuo1");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -1.0;
    g[group_index(&cands, "shou1")] = -0.9;
    let ev = evidence(g);
    let seg =
        SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Substituted(syl("shou1")), alone: false };
    let j = judge(&expected, &seg, &tone_ok(Tone::First));
    assert_ne!(j.verdict, Verdict::Error, "{j:?}");
    // On an unlikely target the transcript's agreement makes it a defect, named as a final.
    let mut g = vec![-9.0; cands.len()];
    g[0] = -2.6;
    g[group_index(&cands, "shou1")] = -2.0;
    let ev = evidence(g);
    let j = judge(&expected, &SegmentEvidence { forced: &ev, ..seg }, &tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Defect);
    assert!((DEFECT_BAND.0..=DEFECT_BAND.1).contains(&j.segment_score), "a defect scores within its band: {j:?}");
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Final);
}

#[test]
fn a_slip_barely_ahead_of_the_target_casts_no_doubt_but_a_named_rival_does() {
    let expected = syl("hou4");
    let cands = candidates_for(&expected);
    let judge_with = |rival: &str| {
        let mut g = vec![-9.0; cands.len()];
        g[0] = -2.4;
        g[group_index(&cands, rival)] = -2.0;
        let ev = evidence(g);
        let seg = SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false };
        judge(&expected, &seg, &tone_ok(Tone::Fourth)).verdict
    };
    assert_eq!(judge_with("huo4"), Verdict::Ok, "uo/ou is a slip");
    assert_eq!(judge_with("fou4"), Verdict::Defect, "f/h is a named contrast");
}

#[test]
fn nothing_found_wrong_never_scores_below_the_ok_floor() {
    let expected = syl("shi1");
    let cands = candidates_for(&expected);
    let mut g = vec![-12.0; cands.len()];
    g[0] = -3.5;
    let ev = evidence(g);
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: true },
        &ToneEvidence { fit: Some(40.0), ..tone_ok(Tone::First) },
    );
    assert_eq!(j.verdict, Verdict::Ok);
    assert!(j.segment_score >= OK_FLOOR && j.tone_score.unwrap() >= OK_FLOOR, "{j:?}");
}

#[test]
fn a_tone_without_pitch_is_not_scored_either_way() {
    let expected = syl("bai3");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -0.3;
    let ev = evidence(g);
    let no_pitch = ToneEvidence { expected: Tone::Third, heard: None, probs: [0.0; 5], fit: None, connected: true };
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false },
        &no_pitch,
    );
    assert_eq!((j.verdict, j.tone_score), (Verdict::Ok, None));
}

#[test]
fn an_omitted_syllable_is_an_error_with_nothing_heard() {
    let expected = syl("xue2");
    let cands = candidates_for(&expected);
    let ev = evidence(vec![-8.0; cands.len()]);
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Omitted, alone: false },
        &tone_ok(Tone::Second),
    );
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.heard, None);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Omitted);
}

#[test]
fn a_confidently_wrong_tone_is_an_error_and_names_both_tones() {
    let expected = syl("ma3");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -0.2;
    let ev = evidence(g);
    let mut tone = tone_ok(Tone::Second);
    tone.expected = Tone::Third;
    tone.fit = Some(20.0);
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false },
        &tone,
    );
    assert_eq!(j.verdict, Verdict::Error);
    let p = j.problem.unwrap();
    assert_eq!((p.kind, p.expected.as_str(), p.heard.as_deref()), (ProblemKind::Tone, "3", Some("2")));
    assert!(j.initial_ok && j.final_ok);
}

#[test]
fn an_uncertain_tone_in_connected_speech_is_at_most_a_defect() {
    let expected = syl("ma3");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -0.2;
    let ev = evidence(g);
    let tone = ToneEvidence {
        expected: Tone::Third,
        heard: Some(Tone::Fourth),
        probs: [0.0, 0.0, 0.05, 0.9, 0.05],
        fit: Some(50.0),
        connected: true,
    };
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false },
        &tone,
    );
    assert_eq!(j.verdict, Verdict::Defect);
}

#[test]
fn a_neutral_tone_is_never_an_error_from_pitch() {
    let expected = syl("ma5");
    let cands = candidates_for(&expected);
    let mut g = vec![-9.0; cands.len()];
    g[0] = -0.2;
    let ev = evidence(g);
    let tone = ToneEvidence {
        expected: Tone::Neutral,
        heard: Some(Tone::First),
        probs: [0.97, 0.0, 0.0, 0.0, 0.03],
        fit: Some(30.0),
        connected: true,
    };
    let j = judge(
        &expected,
        &SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false },
        &tone,
    );
    assert_eq!(j.verdict, Verdict::Ok);
}
