//! Judging one syllable from the evidence: the recogniser's preference between the target's
//! sound and its confusable neighbours (teacher forcing), the free transcript, and the tone
//! heard in the pitch. Pure and deterministic; every threshold is a round number in nats or
//! probability, chosen once for all items, not per clip.

use shiliu_pinyin::{Contrast, Syllable, Tone, contrast_of};

use crate::align::AlignOp;
use crate::candidates::Candidate;
use crate::forcing::PositionEvidence;
use crate::result::{Problem, ProblemKind, Verdict};

/// The recogniser's view of one syllable.
pub struct SegmentEvidence<'a> {
    pub candidates: &'a [Candidate],
    pub forced: &'a PositionEvidence,
    pub aligned: AlignOp,
    /// The item is this one syllable (free transcripts of single syllables are unreliable).
    pub alone: bool,
}

/// The pitch's view of one syllable.
#[derive(Debug, Clone, Copy)]
pub struct ToneEvidence {
    pub expected: Tone,
    pub heard: Option<Tone>,
    /// Probabilities of tones 1–4 and neutral.
    pub probs: [f32; 5],
    /// 0–100: how well the contour fits the expected tone; `None` without pitch.
    pub fit: Option<f32>,
    /// Part of connected speech (tones are compressed and coarticulated there).
    pub connected: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    /// 0–100 for initial + final.
    pub segment_score: f32,
    /// 0–100 for the tone; `None` when the pitch could not be measured (no evidence either way).
    pub tone_score: Option<f32>,
    /// The segments (initial + final) most likely said, `None` if omitted.
    pub heard: Option<Syllable>,
    pub initial_ok: bool,
    pub final_ok: bool,
    pub problem: Option<Problem>,
}

/// A neighbour must beat the target by this many nats (e² ≈ 7×; e^2.5 for a lone syllable,
/// whose evidence is weaker) and be plausible itself for an error.
const ALT_WINS_BY: f32 = 2.0;
const ALT_WINS_BY_ALONE: f32 = 2.5;
const ALT_PLAUSIBLE: f32 = -2.5;
/// In context, a target whose margin over its neighbours plus its own log-probability falls
/// below this is doubtful (a defect): about 5 % of native syllables, half of real errors.
const DOUBT_BELOW: f32 = -1.0;
/// Below this the transcript's omission is believed.
const OMITTED_BELOW: f32 = -5.0;
/// A transcript that heard the confusable neighbour, on a target this unlikely, is a defect:
/// two independent readings of the audio agree on the same slip.
const TRANSCRIPT_AGREES_BELOW: f32 = -2.0;
/// A final slip outside the named contrasts (guan/gan, uo/ou) must beat the target by this much
/// (e ≈ 2.7×) before it counts as a rival.
const SLIP_PREFERRED_BY: f32 = 1.0;
/// Scores follow the verdicts: nothing found wrong never scores below OK_FLOOR, a defect (half
/// an error in PSC terms) scores within DEFECT_BAND, an error at most ERROR_CEILING.
pub(crate) const OK_FLOOR: f32 = 80.0;
pub(crate) const DEFECT_BAND: (f32, f32) = (55.0, 75.0);
pub(crate) const ERROR_CEILING: f32 = 45.0;

fn kind_of(contrast: Contrast, expected: &Syllable, heard: &Syllable) -> ProblemKind {
    match contrast {
        Contrast::FrontBackNasal | Contrast::UnroundedRounded => ProblemKind::Final,
        Contrast::Tone => ProblemKind::Tone,
        _ if expected.initial == heard.initial => ProblemKind::Final,
        _ => ProblemKind::Initial,
    }
}

fn segment_problem(expected: &Syllable, heard: &Syllable, contrast: Option<Contrast>) -> Problem {
    let kind = match contrast {
        Some(c) => kind_of(c, expected, heard),
        None if expected.initial != heard.initial => ProblemKind::Initial,
        None => ProblemKind::Final,
    };
    let (e, h) = match kind {
        ProblemKind::Initial => (expected.initial.spelling().to_owned(), heard.initial.spelling().to_owned()),
        _ => (expected.final_.name().to_owned(), heard.final_.name().to_owned()),
    };
    Problem { kind, expected: e, heard: Some(h), contrast: contrast.map(|c| c.name().to_owned()) }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Judges initial and final.
fn judge_segments(expected: &Syllable, ev: &SegmentEvidence) -> (Verdict, f32, Option<Syllable>, Option<Problem>) {
    let t = ev.forced.group_lp.first().copied().unwrap_or(f32::NEG_INFINITY);
    let best_alt =
        ev.forced.group_lp.iter().enumerate().skip(1).max_by(|a, b| a.1.total_cmp(b.1)).map(|(j, lp)| (j, *lp));
    // Rivals from the named contrasts count as they are; a slip outside them (guan/gan, uo/ou: a
    // rarer error) only for what it wins beyond SLIP_PREFERRED_BY.
    let rival_margin = |named: bool| {
        ev.forced
            .group_lp
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(j, _)| ev.candidates[*j].contrast.is_some() == named)
            .map(|(_, &a)| t - a)
            .min_by(f32::total_cmp)
    };
    let named_margin = rival_margin(true).unwrap_or(10.0);
    let slip_margin = rival_margin(false).map_or(10.0, |m| m + SLIP_PREFERRED_BY);
    let margin = named_margin.min(slip_margin);
    // Score: the target's share against its strongest neighbour, and its own likelihood.
    let share = sigmoid(1.5 * (margin + 1.0));
    let absolute = ((t + 5.0) / 4.5).clamp(0.0, 1.0);
    let score = 100.0 * (0.5 * share + 0.5 * absolute);

    // A lone syllable that was heard at all was not omitted, whatever the (weak) transcript says.
    if ev.aligned == AlignOp::Omitted && t < OMITTED_BELOW && !ev.alone {
        let problem =
            Problem { kind: ProblemKind::Omitted, expected: expected.to_numbered(), heard: None, contrast: None };
        return (Verdict::Error, 0.0, None, Some(problem));
    }
    let wins_by = if ev.alone { ALT_WINS_BY_ALONE } else { ALT_WINS_BY };
    if let Some((j, a)) = best_alt
        && a > t + wins_by
        && a > ALT_PLAUSIBLE
    {
        let c = &ev.candidates[j];
        return (
            Verdict::Error,
            score.min(40.0),
            Some(c.syllable),
            Some(segment_problem(expected, &c.syllable, c.contrast)),
        );
    }
    // The transcript and a close likelihood agreeing makes an error for the classic confusions;
    // the rarer final slips need the likelihood alone to say so (they still become a defect below).
    if let AlignOp::Substituted(h) = ev.aligned
        && let Some((j, lp)) =
            ev.forced.group_lp.iter().enumerate().skip(1).find(|(j, _)| ev.candidates[*j].syllable.same_segments(&h))
        && *lp > t - 1.0
        && !ev.alone
        && ev.candidates[j].contrast.is_some()
    {
        let c = &ev.candidates[j];
        return (
            Verdict::Error,
            score.min(40.0),
            Some(c.syllable),
            Some(segment_problem(expected, &c.syllable, c.contrast)),
        );
    }
    // A lone syllable gets low likelihoods from the recogniser whatever is said: only a rival
    // doing better counts against it. In context its own likelihood counts too, and so does a
    // transcript that heard a confusable neighbour there.
    let transcript_heard_neighbour = matches!(ev.aligned, AlignOp::Substituted(h)
        if ev.candidates.iter().skip(1).any(|c| c.syllable.same_segments(&h)));
    let doubtful = margin < 0.0
        || (!ev.alone && named_margin.min(10.0) + t < DOUBT_BELOW)
        || (!ev.alone && transcript_heard_neighbour && t < TRANSCRIPT_AGREES_BELOW);
    if doubtful {
        let heard = match (best_alt, ev.aligned) {
            (Some((j, a)), _) if a > t - 2.0 => Some((ev.candidates[j].syllable, ev.candidates[j].contrast)),
            (_, AlignOp::Substituted(h)) => Some((h, contrast_of(expected, &h))),
            _ => None,
        };
        let problem = heard.map(|(h, c)| segment_problem(expected, &h, c));
        return (
            Verdict::Defect,
            score.clamp(DEFECT_BAND.0, DEFECT_BAND.1),
            Some(heard.map_or(*expected, |(h, _)| h)),
            problem,
        );
    }
    (Verdict::Ok, score.max(OK_FLOOR), Some(*expected), None)
}

/// Judges the tone: the caller's expected tone is never used as a prior, only compared.
fn judge_tone(t: &ToneEvidence) -> (Verdict, Option<f32>, Option<Problem>) {
    let (Some(heard), Some(fit)) = (t.heard, t.fit) else { return (Verdict::Ok, None, None) };
    // The neutral tone's pitch depends on its neighbours and is barely heard reliably: never
    // call it wrong from pitch alone.
    if t.expected == Tone::Neutral || heard == t.expected {
        return (Verdict::Ok, Some(fit.max(OK_FLOOR)), None);
    }
    let p_expected = t.probs[t.expected.number() as usize - 1];
    let p_heard = t.probs[heard.number() as usize - 1];
    // In connected speech tones are compressed and coloured by their neighbours, and the pitch
    // classifier is much less sure of itself: only near-certainty makes an error there.
    let (error_below, heard_above, defect_below) = if t.connected { (0.005, 0.97, 0.3) } else { (0.1, 0.5, 0.3) };
    let problem = Problem {
        kind: ProblemKind::Tone,
        expected: t.expected.number().to_string(),
        heard: Some(heard.number().to_string()),
        contrast: Some(Contrast::Tone.name().to_owned()),
    };
    if p_expected < error_below && p_heard > heard_above {
        (Verdict::Error, Some(fit.min(40.0)), Some(problem))
    } else if p_expected < defect_below {
        (Verdict::Defect, Some(fit.clamp(DEFECT_BAND.0, DEFECT_BAND.1)), Some(problem))
    } else {
        (Verdict::Ok, Some(fit.max(OK_FLOOR)), None)
    }
}

/// Combines segment and tone judgements; the worse decides, an error's problem comes first.
pub fn judge(expected: &Syllable, segments: &SegmentEvidence, tone: &ToneEvidence) -> Judgement {
    let (sv, segment_score, heard, seg_problem) = judge_segments(expected, segments);
    let (tv, tone_score, tone_problem) =
        if heard.is_none() { (Verdict::Error, Some(0.0), None) } else { judge_tone(tone) };
    let verdict = sv.max(tv);
    let seg_kind = seg_problem.as_ref().map(|p| p.kind);
    let initial_ok = heard.is_some() && seg_kind != Some(ProblemKind::Initial);
    let final_ok = heard.is_some() && seg_kind != Some(ProblemKind::Final);
    let problem = match (seg_problem, tone_problem) {
        (Some(s), Some(t)) => Some(if tv > sv { t } else { s }),
        (s, t) => s.or(t),
    };
    Judgement { verdict, segment_score, tone_score, heard, initial_ok, final_ok, problem }
}

#[cfg(test)]
mod tests {
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
            &SegmentEvidence {
                candidates: &cands,
                forced: &ev,
                aligned: AlignOp::Substituted(syl("si1")),
                alone: false,
            },
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
        let seg = SegmentEvidence {
            candidates: &cands,
            forced: &ev,
            aligned: AlignOp::Substituted(syl("shou1")),
            alone: false,
        };
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
            let seg =
                SegmentEvidence { candidates: &cands, forced: &ev, aligned: AlignOp::Match(expected), alone: false };
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
}
