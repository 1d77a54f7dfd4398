//! The rules on syllables that were not said: left out of the transcript, after the recording
//! stopped, or a repeat never made (妈 for 妈妈); and what keeps a skipped word from looking
//! like the recording stopping.

use super::*;

#[test]
fn an_omitted_syllable_is_an_error_with_nothing_heard() {
    let j = Heard::target("xue2", -8.0).every_rival_at(-8.0).transcript_omitted().judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.heard, None);
    assert!(!j.initial_ok && !j.final_ok && !j.tone_ok, "no part of it was said, not even its tone");
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Omitted);
}

#[test]
fn a_recording_heard_to_go_on_past_a_syllable_did_not_stop_there() {
    let expected: Vec<Syllable> = ["wo3", "men5", "zuo4", "di4", "tie3", "qu4", "ba5"].map(syl).to_vec();
    let heard = |s: &str| AlignOp::Match(syl(s));
    // 我们坐去吧 for 我们坐地铁去吧: the transcript heard 吧 after 地.
    let skipped = [
        heard("wo3"),
        heard("men5"),
        heard("zuo4"),
        AlignOp::Omitted,
        AlignOp::Omitted,
        AlignOp::Omitted,
        heard("ba5"),
    ];
    assert!(heard_after(&skipped, &expected, 3));
    // 我们坐 and then nothing.
    let stopped = [
        heard("wo3"),
        heard("men5"),
        heard("zuo4"),
        AlignOp::Omitted,
        AlignOp::Omitted,
        AlignOp::Omitted,
        AlignOp::Omitted,
    ];
    assert!(!heard_after(&stopped, &expected, 3));
    // A transcript looping over what was said proves nothing: 老师 heard again for 老师们好老师.
    let laoshi: Vec<Syllable> = ["lao3", "shi1", "men5", "hao3", "lao3", "shi1"].map(syl).to_vec();
    let looped = [heard("lao3"), heard("shi1"), AlignOp::Omitted, AlignOp::Omitted, heard("lao3"), heard("shi1")];
    assert!(!heard_after(&looped, &laoshi, 2));
}

#[test]
fn a_syllable_the_transcript_missed_is_omitted_despite_a_fluent_recogniser_where_its_likelihood_says_nothing() {
    // 老师 said once against 老师老师老师: the recogniser, walked along the text, repeats happily;
    // 你 said for 以前: walked along 以前, it predicts 前 from 以 whatever was said.
    type SaysNothing = fn(Heard) -> Heard;
    let cases: [(&str, f32, Tone, SaysNothing); 2] = [
        ("lao3", -0.3, Tone::Third, Heard::in_speech_too_short_for_every_syllable),
        ("qian2", -1.9, Tone::Second, Heard::after_a_syllable_heard_as_another),
    ];
    for (target, lp, tone, says_nothing) in cases {
        let heard = || Heard::target(target, lp).transcript_omitted();
        assert_eq!(heard().judge(&tone_ok(tone)).verdict, Verdict::Ok, "the recogniser alone is believed");
        let j = says_nothing(heard()).judge(&tone_ok(tone));
        assert_eq!(j.verdict, Verdict::Error);
        assert_eq!(j.problem.unwrap().kind, ProblemKind::Omitted);
    }
    // A syllable the transcript did hear is still judged on the recogniser's evidence.
    let j = Heard::target("qian2", -1.9).after_a_syllable_heard_as_another().judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Ok);
}

/// The recogniser's view of a position: the target's log-probability and the text ending there.
fn at(target_lp: f32, end_lp: f32) -> PositionEvidence {
    PositionEvidence { target_lp, group_lp: vec![target_lp], other_lp: vec![], top: None, end_lp }
}

#[test]
fn the_recording_ended_where_the_recogniser_would_rather_end_the_text_than_say_the_syllable() {
    // 老师们好 with only 老师 said: 们 is unlikely and an ending 150 times likelier; 好 after the
    // forced 们 is likely again, but the recording had ended by then.
    let evidence = [at(-0.01, -11.0), at(-0.03, -12.0), at(-10.8, -1.6), at(-0.5, -9.0)];
    assert_eq!(where_the_recording_ended(&evidence.iter().collect::<Vec<_>>()), Some(2));
    // A likely syllable is said, however likely an ending would also be.
    let evidence = [at(-0.01, -11.0), at(-0.5, -0.1)];
    assert_eq!(where_the_recording_ended(&evidence.iter().collect::<Vec<_>>()), None);
}

#[test]
fn a_repeat_the_level_never_sank_before_and_the_text_could_have_ended_at_was_not_said() {
    let mama = [syl("ma1"), syl("ma5")];
    // A lone 妈 cut in two: no dip, and an ending about as likely as the repeat.
    assert!(repeat_not_said(&mama, Some(0.0), &at(-0.2, -2.0)));
    // A real 妈妈: the m between the vowels sinks the level.
    assert!(!repeat_not_said(&mama, Some(5.6), &at(-0.2, -2.0)));
    // The recogniser sure the text goes on.
    assert!(!repeat_not_said(&mama, Some(0.0), &at(-0.2, -7.4)));
    // Nothing measured is no evidence.
    assert!(!repeat_not_said(&mama, None, &at(-0.2, -2.0)));
    // Only a repeat: 老师 runs on without a dip often enough.
    assert!(!repeat_not_said(&[syl("lao3"), syl("shi1")], Some(0.0), &at(-0.2, -2.0)));
    assert!(!repeat_not_said(&[syl("ma1")], Some(0.0), &at(-0.2, -2.0)));
}

#[test]
fn a_syllable_after_the_recording_ended_is_omitted_whatever_the_transcript_made_up() {
    let j =
        Heard::target("hao3", -0.5).transcript_heard("lao3").after_the_recording_ended().judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Omitted);
}

fn wanting(top: char, lp: f32) -> PositionEvidence {
    PositionEvidence {
        target_lp: lp,
        group_lp: vec![lp],
        other_lp: Vec::new(),
        top: Some((top, -0.5)),
        end_lp: f32::NEG_INFINITY,
    }
}

#[test]
fn the_recogniser_wanting_the_next_syllable_in_any_tone_is_noticed_but_not_a_repeat_of_this_one() {
    // 高兴 for 高高兴兴: at the second 高 the recogniser wants 性 (xing4), the next syllable's sound.
    let (gao, xing) = (syl("gao1"), syl("xing4"));
    assert!(next_heard_here(&wanting('性', -11.5), &gao, Some(&xing)));
    assert!(next_heard_here(&wanting('星', -11.5), &gao, Some(&xing)), "in any tone");
    assert!(!next_heard_here(&wanting('好', -11.5), &gao, Some(&xing)), "another syllable altogether");
    assert!(!next_heard_here(&wanting('性', -11.5), &gao, None), "the last syllable has no next one");
    assert!(!next_heard_here(&wanting('高', -0.1), &gao, Some(&gao)), "a repeat wanted is this syllable too");
}

#[test]
fn a_syllable_skipped_for_the_next_is_omitted_only_when_the_recogniser_finds_it_unlikely() {
    let skipped = Heard::target("gao1", -11.5).every_rival_at(-12.0).where_the_next_syllable_is_wanted();
    let j = skipped.judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Omitted);
    // Said, the doubled syllable is likely however much the recogniser looks ahead.
    let said = Heard::target("gao1", -2.7).where_the_next_syllable_is_wanted();
    assert_ne!(said.judge(&tone_ok(Tone::First)).problem.map(|p| p.kind), Some(ProblemKind::Omitted));
    // The transcript hearing another syllable there says something was said: a misread.
    let misread = Heard::target("gao1", -11.5).every_rival_at(-12.0).where_the_next_syllable_is_wanted();
    let j = misread.transcript_heard("ma1").judge(&tone_ok(Tone::First));
    assert_ne!(j.problem.map(|p| p.kind), Some(ProblemKind::Omitted));
    // A lone syllable has no next one to skip to.
    let mut alone = Heard::target("gao1", -11.5).every_rival_at(-12.0).where_the_next_syllable_is_wanted();
    alone.alone = true;
    assert_ne!(alone.judge(&tone_ok(Tone::First)).problem.map(|p| p.kind), Some(ProblemKind::Omitted));
}

#[test]
fn a_syllable_whose_initial_never_stopped_the_voice_is_omitted_however_likely_the_recogniser_finds_it() {
    // 咖 said for 咖啡: walked along the text, the recogniser finds 啡 likely in 咖's vowel.
    let j = Heard::target("fei1", -0.3).where_the_voice_never_stopped_for_it().judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.heard, None);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Omitted);
}

#[test]
fn each_break_in_the_voice_is_given_to_the_nearest_voiceless_initial() {
    let word = |p: &str| p.split(' ').map(syl).collect::<Vec<_>>();
    // 咖啡 with the voice broken for the f at 250 ms: nothing left over.
    assert!(unbroken_by_initial(&word("ka1 fei1"), &[0, 260], &[(240, 290)]).is_empty());
    // 咖 alone, cut in two by the segmentation: one unbroken voice.
    assert_eq!(unbroken_by_initial(&word("ka1 fei1"), &[0, 130], &[]), vec![1]);
    // 出租车 with one break, near 车: 租 was not said.
    assert_eq!(unbroken_by_initial(&word("chu1 zu1 che1"), &[0, 200, 400], &[(380, 420)]), vec![1]);
    // The first syllable's initial comes after silence, and sonorants and b, d, g need no break.
    assert!(unbroken_by_initial(&word("shi2 mian4"), &[0, 200], &[]).is_empty());
    assert!(unbroken_by_initial(&word("da4 ge1"), &[0, 200], &[]).is_empty());
}
