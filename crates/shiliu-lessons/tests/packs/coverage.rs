//! The coverage report counts items per sound, tone, rule and contrast.

use shiliu_lessons::{Pack, check_dir, coverage};

use crate::util::fixture;

#[test]
fn coverage_counts_the_items_that_say_each_initial_final_and_tone() {
    let c = coverage(&Pack::load_dir(&fixture()).unwrap());
    assert_eq!((c.units, c.items, c.unreadable), (2, 14, 0));
    // 妈 麻 马 骂, the listening 马 and 妈妈 (counted once although it says m twice).
    assert_eq!(c.initials.get("m"), 6);
    assert_eq!(c.initials.get("sh"), 2, "我不是老师 and 是");
    assert_eq!(c.initials.get("zh"), 1, "这儿 said zher");
    assert_eq!(c.initials.get("zero"), 2, "一 and 我");
    assert_eq!(c.initials.get("c"), 0);
    assert_eq!(c.finals.get("a"), 6);
    assert_eq!(c.finals.get("-i[ɿ]"), 1);
    assert_eq!(c.finals.get("-i[ʅ]"), 2);
    // Surface tones: 你好 is ni2 hao3, 一个 yi2 ge4, 不是 bu2 shi4.
    let tones: Vec<(&str, usize)> = c.tones.iter().collect();
    assert_eq!(tones, [("1", 3), ("2", 6), ("3", 4), ("4", 6)]);
}

#[test]
fn coverage_counts_sandhi_neutral_tone_erhua_and_contrast_sets() {
    let c = coverage(&Pack::load_dir(&fixture()).unwrap());
    assert_eq!((c.sandhi.get("third"), c.sandhi.get("yi"), c.sandhi.get("bu")), (1, 1, 1));
    assert_eq!((c.neutral, c.erhua), (1, 1));
    assert_eq!(c.contrasts.get("flat_retroflex"), 2);
    assert_eq!(c.contrasts.get("n_l"), 2);
    let gaps: Vec<&str> = c.contrasts.missing().collect();
    assert_eq!(gaps, ["front_back_nasal", "f_h", "r_l", "aspiration", "i_ü", "tone"]);
}

#[test]
fn coverage_counts_items_of_each_kind_per_unit() {
    let c = coverage(&Pack::load_dir(&fixture()).unwrap());
    let units: Vec<(&str, usize)> = c.per_unit.iter().map(|u| (u.id.as_str(), u.items)).collect();
    assert_eq!(units, [("fixture.u01", 10), ("fixture.u02", 4)]);
    let first = &c.per_unit[0].kinds;
    assert_eq!((first.get("syllable"), first.get("word"), first.get("listening"), first.get("sentence")), (4, 4, 1, 1));
    assert_eq!(c.per_unit[1].kinds.get("minimal_pair"), 4);
    assert_eq!(c.kinds.get("minimal_pair"), 4);
}

#[test]
fn the_json_report_is_one_object_with_counts_and_issues() {
    let report = check_dir(&fixture()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    for key in ["units", "items", "initials", "finals", "tones", "contrasts", "errors", "warnings"] {
        assert!(json.get(key).is_some(), "no {key} in {json}");
    }
    assert_eq!(json["units"], 2);
    assert_eq!(json["items"], 14);
    assert_eq!(json["initials"]["m"], 6);
    assert_eq!(json["contrasts"]["n_l"], 2);
    assert_eq!(json["errors"], serde_json::json!([]));
    // Sounds keep textbook order, so a reader scanning the object sees b p m f first.
    let text = serde_json::to_string(&report).unwrap();
    assert!(text.find("\"b\":").unwrap() < text.find("\"p\":").unwrap());
}
