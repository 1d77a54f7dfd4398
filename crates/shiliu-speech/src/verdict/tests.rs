//! The verdict rules, one behaviour per test, on hand-made evidence (no model).

use super::*;
use crate::candidates::candidates_for;

mod another_syllable;
mod measured;
mod omitted;

fn syl(s: &str) -> Syllable {
    Syllable::parse(s).unwrap()
}

fn tone_ok(t: Tone) -> ToneEvidence {
    let mut probs = [0.01; 5];
    probs[t.number() as usize - 1] = 0.96;
    ToneEvidence {
        expected: t,
        heard: Some(t),
        probs,
        fit: Some(95.0),
        connected: false,
        register_known: true,
        reverberant: false,
    }
}

/// The pitch of a syllable in a word or sentence: `heard` with these tone probabilities.
fn connected_tone(expected: Tone, heard: Tone, probs: [f32; 5], fit: f32) -> ToneEvidence {
    ToneEvidence {
        expected,
        heard: Some(heard),
        probs,
        fit: Some(fit),
        connected: true,
        register_known: true,
        reverberant: false,
    }
}

/// Asserts the problem named: its kind, the expected and heard sounds, and the contrast.
fn assert_problem(j: &Judgement, kind: ProblemKind, expected: &str, heard: &str, contrast: &str) {
    let p = j.problem.as_ref().expect("a problem");
    assert_eq!((p.kind, p.expected.as_str(), p.heard.as_deref()), (kind, expected, Some(heard)));
    assert_eq!(p.contrast.as_deref(), Some(contrast));
}

/// What the recogniser made of one syllable in a word, built up in the words of a test: the
/// target's log-probability, its rivals' (far behind unless said otherwise), the transcript.
struct Heard {
    expected: Syllable,
    candidates: Vec<Candidate>,
    groups: Vec<f32>,
    aligned: AlignOp,
    alone: bool,
    release: Option<Release>,
    hiss_sounded: Option<Place>,
    vowel_sounded: Option<Rounding>,
    too_short_for_all: bool,
    after_the_end: bool,
    voice_never_stopped: bool,
    after_one_heard_as_another: bool,
    next_heard_here: bool,
    unrelated: Option<(Syllable, f32)>,
    unrelated_transcribed: bool,
    noisy: bool,
}

impl Heard {
    fn target(s: &str, lp: f32) -> Heard {
        let expected = syl(s);
        let candidates = candidates_for(&expected);
        let mut groups = vec![-9.0; candidates.len()];
        groups[0] = lp;
        Heard {
            expected,
            candidates,
            groups,
            aligned: AlignOp::Match(expected),
            alone: false,
            release: None,
            hiss_sounded: None,
            vowel_sounded: None,
            too_short_for_all: false,
            after_the_end: false,
            voice_never_stopped: false,
            after_one_heard_as_another: false,
            next_heard_here: false,
            unrelated: None,
            unrelated_transcribed: false,
            noisy: false,
        }
    }

    fn rival(mut self, s: &str, lp: f32) -> Heard {
        let i = self.candidates.iter().position(|c| c.syllable.same_segments(&syl(s))).expect("a candidate");
        self.groups[i] = lp;
        self
    }

    fn every_rival_at(mut self, lp: f32) -> Heard {
        self.groups[1..].fill(lp);
        self
    }

    fn transcript_heard(mut self, s: &str) -> Heard {
        self.aligned = AlignOp::Substituted(syl(s));
        self
    }

    fn transcript_omitted(mut self) -> Heard {
        self.aligned = AlignOp::Omitted;
        self
    }

    fn after_the_recording_ended(mut self) -> Heard {
        self.after_the_end = true;
        self
    }

    fn where_the_voice_never_stopped_for_it(mut self) -> Heard {
        self.voice_never_stopped = true;
        self
    }

    fn after_a_syllable_heard_as_another(mut self) -> Heard {
        self.after_one_heard_as_another = true;
        self
    }

    fn where_the_next_syllable_is_wanted(mut self) -> Heard {
        self.next_heard_here = true;
        self
    }

    fn in_speech_too_short_for_every_syllable(mut self) -> Heard {
        self.too_short_for_all = true;
        self
    }

    /// The whole inventory was weighed, and its strongest syllable with nothing in common with
    /// the target got `lp`.
    fn strongest_unrelated(mut self, s: &str, lp: f32) -> Heard {
        self.unrelated = Some((syl(s), lp));
        self
    }

    fn also_in_the_transcript(mut self) -> Heard {
        self.unrelated_transcribed = true;
        self
    }

    fn in_a_noisy_recording(mut self) -> Heard {
        self.noisy = true;
        self
    }

    fn said_alone(mut self) -> Heard {
        self.alone = true;
        self
    }

    fn release_noisy_for(mut self, noise_ms: u32, syllable_ms: u32) -> Heard {
        self.release = Some(Release { onset: Onset::Noise(noise_ms), syllable_ms });
        self
    }

    fn release_showing_no_breath(mut self, syllable_ms: u32) -> Heard {
        self.release = Some(Release { onset: Onset::NoBreathSeen, syllable_ms });
        self
    }

    fn hiss_sounding(mut self, place: Place) -> Heard {
        self.hiss_sounded = Some(place);
        self
    }

    fn vowel_sounding(mut self, rounding: Rounding) -> Heard {
        self.vowel_sounded = Some(rounding);
        self
    }

    fn judge(&self, tone: &ToneEvidence) -> Judgement {
        let forced = PositionEvidence {
            target_lp: self.groups[0],
            group_lp: self.groups.clone(),
            other_lp: Vec::new(),
            top: None,
            end_lp: f32::NEG_INFINITY,
        };
        let segments = SegmentEvidence {
            candidates: &self.candidates,
            forced: &forced,
            aligned: self.aligned,
            alone: self.alone,
            release: self.release,
            hiss_sounded: self.hiss_sounded,
            vowel_sounded: self.vowel_sounded,
            too_short_for_all: self.too_short_for_all,
            after_the_end: self.after_the_end,
            voice_never_stopped: self.voice_never_stopped,
            after_one_heard_as_another: self.after_one_heard_as_another,
            next_heard_here: self.next_heard_here,
            unrelated: self.unrelated,
            unrelated_transcribed: self.unrelated_transcribed,
            noisy: self.noisy,
        };
        judge(&self.expected, &segments, tone)
    }
}

#[test]
fn a_clear_target_is_ok_with_a_high_score() {
    let j = Heard::target("nan2", -0.1).judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Ok);
    assert!(j.segment_score > 90.0, "{}", j.segment_score);
    assert!(j.initial_ok && j.final_ok && j.problem.is_none());
}

#[test]
fn n_said_as_l_is_an_initial_error_naming_the_contrast() {
    let j = Heard::target("nan2", -4.0).rival("lan2", -0.3).judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Error);
    assert_problem(&j, ProblemKind::Initial, "n", "l", "n_l");
    assert!(!j.initial_ok && j.final_ok);
}

#[test]
fn in_a_noisy_recording_a_slip_to_a_neighbour_is_only_doubt_but_another_syllable_is_still_wrong() {
    let j = Heard::target("nan2", -4.0).rival("lan2", -0.3).in_a_noisy_recording().judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Defect);
    assert!((DEFECT_BAND.0..=DEFECT_BAND.1).contains(&j.segment_score), "{j:?}");
    assert_problem(&j, ProblemKind::Initial, "n", "l", "n_l");
    let j = Heard::target("shu1", -10.0)
        .said_alone()
        .strongest_unrelated("ba1", -0.5)
        .in_a_noisy_recording()
        .judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Error);
}

#[test]
fn a_back_nasal_for_a_front_one_is_a_final_error() {
    let j = Heard::target("shan1", -4.5).rival("shang1", -0.8).judge(&tone_ok(Tone::First));
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Final);
    assert!(j.initial_ok && !j.final_ok);
}

#[test]
fn a_tone_heard_wrong_with_some_certainty_is_named_before_an_equally_doubtful_sound() {
    let doubtful_sound = || Heard::target("chi1", -4.0).rival("ci1", -5.5);
    let j = doubtful_sound().judge(&connected_tone(Tone::First, Tone::Third, [0.06, 0.02, 0.9, 0.02, 0.0], 50.0));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Tone);
    assert!(!j.tone_ok);
    // A tone the pitch is less sure of leaves the sound named.
    let j = doubtful_sound().judge(&connected_tone(Tone::First, Tone::Third, [0.15, 0.02, 0.81, 0.02, 0.0], 50.0));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_ne!(j.problem.unwrap().kind, ProblemKind::Tone);
}

#[test]
fn a_doubtful_target_without_a_clear_rival_is_only_a_defect() {
    let j = Heard::target("chi1", -4.0).rival("ci1", -5.5).judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Defect);
}

#[test]
fn the_transcript_hearing_the_neighbour_confirms_an_error() {
    let j = Heard::target("shi1", -1.0).rival("si1", -1.5).transcript_heard("si1").judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.problem.unwrap().contrast.as_deref(), Some("flat_retroflex"));
}

#[test]
fn a_transcript_hearing_the_neighbour_on_an_unlikely_target_is_a_defect() {
    let j = Heard::target("dou1", -2.3).transcript_heard("duo1").judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.problem.unwrap().heard.as_deref(), Some("uo"));
    // A transcript that heard some unrelated syllable is not the same evidence.
    let j = Heard::target("dou1", -2.3).transcript_heard("ma1").judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Ok);
}

#[test]
fn a_final_slip_outside_the_named_contrasts_needs_more_than_the_transcript_for_an_error() {
    let j = Heard::target("shuo1", -1.0).rival("shou1", -0.9).transcript_heard("shou1").judge(&tone_ok(Tone::First));
    assert_ne!(j.verdict, Verdict::Error, "{j:?}");
    // On an unlikely target the transcript's agreement makes it a defect, named as a final.
    let j = Heard::target("shuo1", -2.6).rival("shou1", -2.0).transcript_heard("shou1").judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Defect);
    assert!((DEFECT_BAND.0..=DEFECT_BAND.1).contains(&j.segment_score), "a defect scores within its band: {j:?}");
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Final);
}

#[test]
fn a_slip_barely_ahead_of_the_target_casts_no_doubt_but_a_named_rival_does() {
    let judge_with = |rival: &str| Heard::target("hou4", -2.4).rival(rival, -2.0).judge(&tone_ok(Tone::Fourth)).verdict;
    assert_eq!(judge_with("huo4"), Verdict::Ok, "uo/ou is a slip");
    assert_eq!(judge_with("fou4"), Verdict::Defect, "f/h is a named contrast");
}

#[test]
fn nothing_found_wrong_never_scores_below_the_ok_floor() {
    let j = Heard::target("shi1", -3.5)
        .every_rival_at(-12.0)
        .said_alone()
        .judge(&ToneEvidence { fit: Some(40.0), ..tone_ok(Tone::First) });
    assert_eq!(j.verdict, Verdict::Ok);
    assert!(j.segment_score >= OK_FLOOR && j.tone_score.unwrap() >= OK_FLOOR, "{j:?}");
}

#[test]
fn a_tone_without_pitch_is_not_scored_either_way() {
    let no_pitch = ToneEvidence {
        expected: Tone::Third,
        heard: None,
        probs: [0.0; 5],
        fit: None,
        connected: true,
        register_known: true,
        reverberant: false,
    };
    let j = Heard::target("bai3", -0.3).judge(&no_pitch);
    assert_eq!((j.verdict, j.tone_score), (Verdict::Ok, None));
}

#[test]
fn a_very_unlikely_syllable_the_transcript_heard_as_another_is_a_defect_without_a_named_neighbour() {
    // 我的老师 with only 老师 said: 我 has no confusable neighbour to prefer.
    let heard = || Heard::target("wo3", -6.8).every_rival_at(-20.0);
    assert_eq!(heard().judge(&tone_ok(Tone::Third)).verdict, Verdict::Ok, "the likelihood alone is not enough");
    let j = heard().transcript_heard("lao3").judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.heard.map(|h| h.to_numbered()).as_deref(), Some("lao3"));
    assert_eq!(j.problem.map(|p| p.kind), Some(ProblemKind::Misread), "not an initial w/l confusion");
}

#[test]
fn a_syllable_heard_as_another_altogether_and_far_below_one_in_3000_is_misread() {
    // 一百 read as 一院: 百 at -9.7, the transcript heard yuan.
    let j = Heard::target("bai3", -9.7).every_rival_at(-20.0).transcript_heard("yuan4").judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Error);
    let p = j.problem.as_ref().unwrap();
    assert_eq!((p.kind, p.expected.as_str(), p.heard.as_deref()), (ProblemKind::Misread, "bai", Some("yuan")));
    assert!(!j.initial_ok && !j.final_ok, "neither part was said");
    // A transcript sharing the final is a slip of the initial, judged as before.
    let slip = Heard::target("bai3", -9.7).every_rival_at(-20.0).transcript_heard("mai3").judge(&tone_ok(Tone::Third));
    assert_ne!(slip.problem.map(|p| p.kind), Some(ProblemKind::Misread));
    // A lone syllable's likelihoods are too weak for this.
    let alone = Heard::target("bai3", -9.7).every_rival_at(-20.0).transcript_heard("yuan4").said_alone();
    assert_ne!(alone.judge(&tone_ok(Tone::Third)).verdict, Verdict::Error);
}

#[test]
fn no_one_reads_twelve_syllables_in_seven_tenths_of_a_second() {
    assert!(too_short_for(12, 720));
    assert!(!too_short_for(6, 850), "six syllables at 7 a second");
    assert!(!too_short_for(1, 50), "a lone syllable is never too short for itself");
}

#[test]
fn a_confidently_wrong_tone_is_an_error_and_names_both_tones() {
    let tone = |p_expected: f32| ToneEvidence {
        expected: Tone::Third,
        heard: Some(Tone::Second),
        probs: [0.0, 1.0 - p_expected, p_expected, 0.0, 0.0],
        fit: Some(20.0),
        ..tone_ok(Tone::Third)
    };
    let j = Heard::target("ma3", -0.2).judge(&tone(0.002));
    assert_eq!(j.verdict, Verdict::Error);
    let p = j.problem.unwrap();
    assert_eq!((p.kind, p.expected.as_str(), p.heard.as_deref()), (ProblemKind::Tone, "3", Some("2")));
    assert!(j.initial_ok && j.final_ok);
    // A lone tone the classifier gives 1 chance in 20 is doubt, not an error.
    let j = Heard::target("ma3", -0.2).judge(&tone(0.05));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Tone);
}

#[test]
fn a_lone_syllable_from_a_voice_not_heard_before_is_never_a_tone_error() {
    // 九 said well, its third tone only falling: without the speaker's register it looks like a fourth.
    let tone = ToneEvidence {
        expected: Tone::Third,
        heard: Some(Tone::Fourth),
        probs: [0.0, 0.0, 0.003, 0.997, 0.0],
        fit: Some(20.0),
        connected: false,
        register_known: false,
        reverberant: false,
    };
    let j = Heard::target("jiu3", -0.2).judge(&tone);
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Tone);
    // Once the voice is known, the same evidence is an error.
    let known = ToneEvidence { register_known: true, ..tone };
    assert_eq!(Heard::target("jiu3", -0.2).judge(&known).verdict, Verdict::Error);
    // But not in a reverberant room, where a falling end may be the echo's.
    let echoing = ToneEvidence { reverberant: true, ..known };
    assert_eq!(Heard::target("jiu3", -0.2).judge(&echoing).verdict, Verdict::Defect);
}

#[test]
fn an_uncertain_tone_in_connected_speech_is_at_most_a_defect() {
    let tone = connected_tone(Tone::Third, Tone::Fourth, [0.0, 0.0, 0.05, 0.9, 0.05], 50.0);
    let j = Heard::target("ma3", -0.2).judge(&tone);
    assert_eq!(j.verdict, Verdict::Defect);
}

#[test]
fn a_connected_tone_the_pitch_still_gives_a_fair_chance_is_not_called_wrong() {
    // Native second tones before or after a third are often read as thirds at about these odds.
    let tone = connected_tone(Tone::Second, Tone::Third, [0.02, 0.25, 0.7, 0.03, 0.0], 70.0);
    let j = Heard::target("wen2", -0.1).judge(&tone);
    assert_eq!(j.verdict, Verdict::Ok);
    assert!(j.tone_ok, "the tone is not marked wrong, whichever tone the pitch leant to");
}

#[test]
fn a_tone_judged_wrong_is_marked_as_the_initial_and_final_are_and_a_segment_slip_leaves_it_ok() {
    let wrong = connected_tone(Tone::Third, Tone::Fourth, [0.0, 0.0, 0.05, 0.9, 0.05], 50.0);
    let j = Heard::target("ma3", -0.2).judge(&wrong);
    assert!(!j.tone_ok && j.initial_ok && j.final_ok);
    let j = Heard::target("nan2", -4.0).rival("lan2", -0.3).judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Error);
    assert!(j.tone_ok && !j.initial_ok);
}

#[test]
fn a_neutral_tone_is_never_an_error_from_pitch() {
    let tone = connected_tone(Tone::Neutral, Tone::First, [0.97, 0.0, 0.0, 0.0, 0.03], 30.0);
    let j = Heard::target("ma5", -0.2).judge(&tone);
    assert_eq!(j.verdict, Verdict::Ok);
}

#[test]
fn a_transcript_that_heard_the_rivals_initial_in_another_syllable_makes_an_unlikely_target_doubtful() {
    // 展 said as zan: the transcript heard 怎 (zen), whose z is the flat rival's.
    let j = Heard::target("zhan3", -2.9).rival("zhuan3", -4.8).transcript_heard("zen3").judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_problem(&j, ProblemKind::Initial, "zh", "z", "flat_retroflex");
}

#[test]
fn a_lone_syllable_the_transcript_heard_with_the_rivals_final_is_doubtful_only_when_very_unlikely() {
    // 新 said as xing: the transcript heard 轻 (qing), whose -ng is the back-nasal rival's.
    let said = |lp| Heard::target("xin1", lp).rival("xing1", -5.6).transcript_heard("qing1").said_alone();
    let j = said(-4.1).judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_problem(&j, ProblemKind::Final, "in", "ing", "front_back_nasal");
    // A lone syllable's likelihood runs low even when said well: -2.9 is no evidence yet.
    assert_eq!(said(-2.9).judge(&tone_ok(Tone::First)).verdict, Verdict::Ok);
}

#[test]
fn a_transcript_sharing_only_an_aspiration_rivals_initial_is_no_evidence() {
    let j = Heard::target("peng2", -2.9).transcript_heard("bang3").judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Ok);
}

#[test]
fn a_likely_target_is_not_doubted_for_a_transcript_that_shares_a_rivals_initial() {
    let j = Heard::target("zhan3", -0.5).transcript_heard("zen3").judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Ok);
}

#[test]
fn in_a_word_an_n_the_recogniser_prefers_only_narrowly_to_l_is_doubtful() {
    let j = Heard::target("niu2", -0.8).rival("liu2", -3.3).judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_problem(&j, ProblemKind::Initial, "n", "l", "n_l");
    let clear = Heard::target("niu2", -0.2).rival("liu2", -4.5).judge(&tone_ok(Tone::Second));
    assert_eq!(clear.verdict, Verdict::Ok);
    let alone = Heard::target("niu2", -0.8).rival("liu2", -3.3).said_alone().judge(&tone_ok(Tone::Second));
    assert_eq!(alone.verdict, Verdict::Ok, "a lone syllable's likelihoods are weaker evidence");
}

#[test]
fn a_lone_syllable_both_readings_heard_as_the_same_other_syllable_is_an_error() {
    // 美国 said for 四: 美 well ahead of 四 over the whole inventory, and in the transcript's word.
    let heard = || Heard::target("si4", -7.0).said_alone().strongest_unrelated("mei4", -1.3);
    let j = heard().also_in_the_transcript().judge(&tone_ok(Tone::Fourth));
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.heard, Some(syl("mei4")));
    // The inventory's lead alone is only doubt, and so is a noisy recording's agreement.
    assert_eq!(heard().judge(&tone_ok(Tone::Fourth)).verdict, Verdict::Defect);
    let j = heard().also_in_the_transcript().in_a_noisy_recording().judge(&tone_ok(Tone::Fourth));
    assert_eq!(j.verdict, Verdict::Defect);
    // And a lead too small for doubt stays ok, whatever the transcript.
    let j = Heard::target("si4", -2.0)
        .said_alone()
        .strongest_unrelated("mei4", -1.3)
        .also_in_the_transcript()
        .judge(&tone_ok(Tone::Fourth));
    assert_eq!(j.verdict, Verdict::Ok);
}
