//! The rules on what the audio itself showed at a syllable, whatever the recogniser heard: a
//! stop's release, a sibilant's hiss and an ü's vowel, the last two against the speaker's own.

use super::*;

#[test]
fn a_breathed_release_on_an_unaspirated_stop_is_an_aspiration_defect_though_the_recogniser_heard_the_word() {
    let j = Heard::target("du2", -0.2).release_noisy_for(100, 330).judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_problem(&j, ProblemKind::Initial, "d", "t", "aspiration");
    assert!(!j.initial_ok && j.final_ok);
}

#[test]
fn an_aspirated_stop_released_without_breath_is_a_defect() {
    let j = Heard::target("pao3", -0.5).release_noisy_for(15, 250).judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.problem.unwrap().heard.as_deref(), Some("b"));
}

#[test]
fn a_release_between_the_two_kinds_or_matching_the_stop_says_nothing() {
    for (target, noise_ms) in [("du2", 45), ("tu2", 45), ("tu2", 100), ("du2", 15)] {
        let j = Heard::target(target, -0.2).release_noisy_for(noise_ms, 330).judge(&tone_ok(Tone::Second));
        assert_eq!(j.verdict, Verdict::Ok, "{target} with {noise_ms} ms of noise");
    }
    // A long noise that is only a small part of a long syllable is a slow release, not a breath.
    let j = Heard::target("du2", -0.2).release_noisy_for(75, 600).judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Ok);
}

#[test]
fn the_release_names_the_problem_when_the_tone_is_only_doubtful_too() {
    let tone = connected_tone(Tone::Second, Tone::Third, [0.05, 0.2, 0.7, 0.05, 0.0], 95.0);
    let j = Heard::target("peng2", -0.4).release_noisy_for(15, 260).judge(&tone);
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Initial);
}

#[test]
fn a_release_showing_no_breath_settles_doubt_about_a_plain_stop_but_never_convicts_an_aspirated_one() {
    // 不 in 不对: the recogniser half hears 普 and the transcript says pu.
    let doubted = || Heard::target("bu2", -1.2).rival("pu2", -1.1).transcript_heard("pu3");
    assert_ne!(doubted().judge(&tone_ok(Tone::Second)).verdict, Verdict::Ok, "without a release the rival counts");
    assert_eq!(doubted().release_showing_no_breath(250).judge(&tone_ok(Tone::Second)).verdict, Verdict::Ok);
    // A breath may be drowned by background noise: not seeing one is no proof it was missing.
    let j = Heard::target("pao3", -0.5).release_showing_no_breath(250).judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Ok, "{j:?}");
}

#[test]
fn a_clear_rival_still_makes_an_error_when_the_release_agrees() {
    let j = Heard::target("ge1", -4.0).rival("ke1", -0.5).release_noisy_for(90, 300).judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Error);
}

#[test]
fn a_long_release_is_not_believed_when_the_recogniser_rules_the_breathed_stop_out() {
    // A span that slipped onto the next syllable's q measures its frication as a long release.
    let j = Heard::target("bu5", -0.01).rival("pu5", -14.9).release_noisy_for(140, 320).judge(&tone_ok(Tone::Neutral));
    assert_eq!(j.verdict, Verdict::Ok, "{j:?}");
    // A rival the recogniser merely doubts leaves the release in charge.
    let j = Heard::target("bu5", -0.01).rival("pu5", -8.0).release_noisy_for(140, 320).judge(&tone_ok(Tone::Neutral));
    assert_eq!(j.verdict, Verdict::Defect);
}

#[test]
fn a_release_with_the_expected_breath_settles_the_recognisers_doubt_about_aspiration() {
    let heard = || Heard::target("pao2", -4.0).rival("bao2", -1.5);
    assert_ne!(heard().judge(&tone_ok(Tone::Second)).verdict, Verdict::Ok, "without a release the rival counts");
    let j = heard().release_noisy_for(85, 330).judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Ok, "{j:?}");
    // The transcript hearing the counterpart is settled the same way.
    let j = Heard::target("du4", -2.5).rival("tu4", -2.0).transcript_heard("tu4").release_noisy_for(15, 300);
    assert_eq!(j.judge(&tone_ok(Tone::Fourth)).verdict, Verdict::Ok);
}

#[test]
fn a_release_settles_only_aspiration_and_other_rivals_still_count() {
    let j = Heard::target("dan4", -4.0)
        .rival("tan4", -0.5)
        .rival("dang4", -0.5)
        .release_noisy_for(15, 300)
        .judge(&tone_ok(Tone::Fourth));
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.problem.unwrap().kind, ProblemKind::Final);
}

#[test]
fn a_doubtful_syllable_does_not_name_the_counterpart_a_clear_release_ruled_out() {
    let j =
        Heard::target("dan4", -6.0).transcript_heard("tan4").release_noisy_for(15, 300).judge(&tone_ok(Tone::Fourth));
    assert_eq!(j.verdict, Verdict::Defect, "the low likelihood alone is still doubtful");
    assert!(j.problem.is_none() && j.initial_ok, "{j:?}");
}

#[test]
fn a_retroflex_whose_hiss_sounded_flat_is_a_defect_naming_the_flat_sibilant() {
    let j = Heard::target("chi1", -0.02).hiss_sounding(Place::Flat).judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_problem(&j, ProblemKind::Initial, "ch", "c", "flat_retroflex");
}

#[test]
fn a_retroflex_whose_hiss_sounded_like_the_speakers_own_is_not_doubted_for_the_flat_rival() {
    // A native speaker's lone 知, which the recogniser would rather have been 资.
    let heard = Heard::target("zhi1", -3.0).rival("zi1", -2.4).transcript_heard("zi4").said_alone();
    assert_eq!(heard.judge(&tone_ok(Tone::First)).verdict, Verdict::Defect);
    let j = heard.hiss_sounding(Place::Retroflex).judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Ok, "{j:?}");
    assert!(j.initial_ok);
}

#[test]
fn a_flat_sibilant_whose_hiss_sounded_retroflex_is_a_defect_too() {
    let j = Heard::target("si4", -0.1).hiss_sounding(Place::Retroflex).judge(&tone_ok(Tone::Fourth));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_problem(&j, ProblemKind::Initial, "s", "sh", "flat_retroflex");
}

#[test]
fn an_u_whose_vowel_sounded_clearly_rounded_is_not_convicted_by_a_recogniser_that_heard_i() {
    // 语 of 语法 from a native speaker: the recogniser and the transcript both went for 以.
    let heard = Heard::target("yu3", -2.4).rival("yi3", -1.3).transcript_heard("yi3");
    assert_eq!(heard.judge(&tone_ok(Tone::Third)).verdict, Verdict::Defect);
    let j = heard.vowel_sounding(Rounding::Rounded).judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Ok, "{j:?}");
    assert!(j.final_ok);
}

#[test]
fn an_u_the_recogniser_alone_heard_as_i_is_doubt_and_an_error_only_when_the_vowel_was_as_bright_as_i() {
    // 圆 from the synthetic voice: recogniser and transcript both went for 言; no vowel measure
    // is taken inside a ü medial.
    let heard = Heard::target("yuan2", -5.2).rival("yan2", -0.2).transcript_heard("yan2").said_alone();
    let j = heard.judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Defect, "{j:?}");
    assert_problem(&j, ProblemKind::Final, "üan", "ian", "i_ü");
    // A bare ü whose vowel was as bright as the speaker's own i: both agree on the slip.
    let j = Heard::target("yu2", -5.2).rival("yi2", -1.5).vowel_sounding(Rounding::Unrounded).said_alone();
    assert_eq!(j.judge(&tone_ok(Tone::Second)).verdict, Verdict::Error);
    // The other way round, an i the recogniser heard as ü, goes against its bias: an error.
    let j = Heard::target("xi2", -5.2).rival("xu2", -0.5).transcript_heard("xu2").judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Error);
}

#[test]
fn a_rounded_vowel_rules_out_only_the_i_rival() {
    let j =
        Heard::target("lv4", -3.0).rival("nv4", -0.5).vowel_sounding(Rounding::Rounded).judge(&tone_ok(Tone::Fourth));
    assert_eq!(j.verdict, Verdict::Error);
    assert_problem(&j, ProblemKind::Initial, "l", "n", "n_l");
}

#[test]
fn an_u_as_bright_as_the_speakers_own_i_is_a_defect_naming_i() {
    let j = Heard::target("yu3", -0.2).vowel_sounding(Rounding::Unrounded).judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_problem(&j, ProblemKind::Final, "ü", "i", "i_ü");
}
