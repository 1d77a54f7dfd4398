//! A lone syllable weighed against the whole inventory: another syllable altogether read in
//! its place.

use super::*;

#[test]
fn a_lone_syllable_heard_as_another_syllable_altogether_is_misread() {
    // 书 said as 八: no candidate of shu is near, but the whole inventory puts ba far ahead.
    let j = Heard::target("shu1", -10.5).said_alone().strongest_unrelated("ba1", -1.0).judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Error);
    assert_eq!(j.heard, Some(syl("ba1")));
    let p = j.problem.unwrap();
    assert_eq!((p.kind, p.expected.as_str(), p.heard.as_deref()), (ProblemKind::Misread, "shu", Some("ba")));
    assert!(!j.initial_ok && !j.final_ok);
    // A bare syllable said right is often unlikely to the recogniser, and an unrelated one a
    // little less so: that is no evidence of another syllable.
    let j = Heard::target("qi1", -2.5).said_alone().strongest_unrelated("shi1", -3.2).judge(&tone_ok(Tone::First));
    assert_eq!(j.verdict, Verdict::Ok);
    let j = Heard::target("mao4", -5.6).said_alone().strongest_unrelated("wo4", -1.5).judge(&tone_ok(Tone::Fourth));
    assert_eq!(j.verdict, Verdict::Ok, "4 nats ahead is no evidence: {j:?}");
    // Between the two lines it is doubt, still naming what was heard.
    let j = Heard::target("pao2", -8.8)
        .every_rival_at(-14.0)
        .said_alone()
        .strongest_unrelated("da2", -2.3)
        .judge(&tone_ok(Tone::Second));
    assert_eq!(j.verdict, Verdict::Defect);
    assert_eq!(j.problem.unwrap().heard.as_deref(), Some("da"));
    // So is 8 nats, where a synthetic voice's rare syllables said right still fall (俩 as ni).
    let j = Heard::target("lia3", -9.0).said_alone().strongest_unrelated("ni3", -1.0).judge(&tone_ok(Tone::Third));
    assert_eq!(j.verdict, Verdict::Defect);
    // A near rival close behind the target names the slip instead.
    let j = Heard::target("pao2", -8.8)
        .every_rival_at(-14.0)
        .rival("bao2", -9.5)
        .said_alone()
        .strongest_unrelated("da2", -2.3)
        .judge(&tone_ok(Tone::Second));
    assert_eq!(j.problem.unwrap().heard.as_deref(), Some("b"));
}
