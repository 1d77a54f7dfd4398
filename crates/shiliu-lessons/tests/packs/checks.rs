//! Validation: the fixture passes, and each rule fails on a fixture broken in one place.

use shiliu_lessons::{Pack, check, check_dir};

use crate::util::{copy_fixture, error_rules, fixture};

const TONES: &str = "units/01-tones.toml";
const PAIRS: &str = "units/02-pairs.toml";

#[test]
fn the_valid_fixture_pack_passes_without_errors_or_warnings() {
    let report = check_dir(&fixture()).unwrap();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_eq!(report.pack.as_deref(), Some("fixture"));
}

#[test]
fn a_loaded_pack_finds_its_items_and_reads_its_audio() {
    let pack = Pack::load_dir(&fixture()).unwrap();
    assert_eq!(pack.units.len(), 2);
    let item = pack.item(&"fixture.u01.0001".into()).unwrap();
    assert_eq!(item.gloss_in("ug"), Some("ئانا"));
    assert_eq!(item.gloss_in("bo"), Some("mum"));
    let wav = pack.read_file(item.audio.as_deref().unwrap()).unwrap();
    assert_eq!(&wav[..4], b"RIFF");
    assert_eq!(pack.read_file("../pack.toml").unwrap_err().code(), "lessons.file");
}

#[test]
fn an_item_id_not_made_of_its_unit_id_and_four_digits_is_an_error() {
    let copy = copy_fixture();
    copy.edit(TONES, "id = \"fixture.u01.0003\"", "id = \"fixture.u01.3\"");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["id.item"]);
    let issue = &report.errors[0];
    assert_eq!(issue.line, Some(24));
    assert!(issue.file.ends_with("units/01-tones.toml"), "{issue}");
}

#[test]
fn a_duplicate_item_id_is_an_error() {
    let copy = copy_fixture();
    copy.edit(TONES, "id = \"fixture.u01.0003\"", "id = \"fixture.u01.0001\"");
    assert_eq!(error_rules(&copy.check()), ["id.duplicate"]);
}

#[test]
fn a_unit_id_outside_its_pack_is_an_error() {
    let copy = copy_fixture();
    copy.edit(PAIRS, "id = \"fixture.u02\"", "id = \"other.u02\"");
    let rules = error_rules(&copy.check());
    assert!(rules.contains(&"id.unit"), "{rules:?}");
    assert!(rules.iter().all(|r| *r == "id.unit" || *r == "id.item"), "{rules:?}");
}

#[test]
fn a_malformed_pack_id_is_an_error() {
    let copy = copy_fixture();
    copy.edit("pack.toml", "id = \"fixture\"", "id = \"My Pack\"");
    assert!(error_rules(&copy.check()).contains(&"id.pack"));
}

#[test]
fn pinyin_with_the_wrong_number_of_syllables_is_a_mismatch() {
    let copy = copy_fixture();
    copy.edit(TONES, "pinyin = \"ni3 hao3\"", "pinyin = \"ni3\"");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["pinyin.mismatch"]);
    assert_eq!(report.errors[0].id.as_deref(), Some("fixture.u01.0006"));
    assert_eq!(report.errors[0].field.as_deref(), Some("pinyin"));
}

#[test]
fn a_reading_the_dictionary_does_not_have_is_an_error() {
    let copy = copy_fixture();
    copy.edit(TONES, "pinyin = \"ma4\"", "pinyin = \"mai4\"");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["pinyin.mismatch"]);
    assert!(report.errors[0].message.contains("骂"), "{}", report.errors[0]);
}

#[test]
fn a_sandhi_tone_written_as_the_citation_is_an_error_with_a_hint() {
    let copy = copy_fixture();
    copy.edit(TONES, "pinyin = \"yi1 ge4\"", "pinyin = \"yi2 ge4\"");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["pinyin.mismatch"]);
    assert!(report.errors[0].message.contains("sandhi is applied automatically"), "{}", report.errors[0]);
}

#[test]
fn a_polyphone_read_differently_from_the_dictionary_is_flagged_for_review() {
    let copy = copy_fixture();
    copy.edit(TONES, "hanzi = \"你好\"\npinyin = \"ni3 hao3\"", "hanzi = \"银行\"\npinyin = \"yin2 xing2\"");
    copy.edit(TONES, "focus = [\"sandhi:third\"]", "focus = []");
    let report = copy.check();
    assert!(report.is_ok(), "{:#?}", report.errors);
    let review = report.warnings_of("pinyin.review");
    assert_eq!(review.len(), 1, "{:#?}", report.warnings);
    assert!(review[0].message.starts_with("review: 行 is written xing2"), "{}", review[0]);
}

#[test]
fn a_syllable_that_is_not_mandarin_is_an_error() {
    let copy = copy_fixture();
    copy.edit(TONES, "pinyin = \"ma2\"", "pinyin = \"fiao2\"");
    assert_eq!(error_rules(&copy.check()), ["pinyin.syllable"]);
}

#[test]
fn a_contrast_or_choice_naming_no_item_is_an_error() {
    let copy = copy_fixture();
    copy.edit(PAIRS, "contrasts = [\"fixture.u02.0002\"]", "contrasts = [\"fixture.u02.0009\"]");
    copy.edit(TONES, "\"fixture.u01.0004\"]", "\"fixture.u01.0044\"]");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["ref.unknown", "ref.unknown"]);
    let fields: Vec<_> = report.errors.iter().map(|e| e.field.as_deref().unwrap()).collect();
    assert_eq!(fields, ["choices", "contrasts"]);
}

#[test]
fn a_listening_item_with_fewer_than_two_choices_is_an_error() {
    let copy = copy_fixture();
    copy.edit(
        TONES,
        "choices = [\"fixture.u01.0001\", \"fixture.u01.0002\", \"fixture.u01.0004\"]",
        "choices = [\"fixture.u01.0001\"]",
    );
    assert_eq!(error_rules(&copy.check()), ["listening.choices"]);
}

#[test]
fn a_minimal_pair_without_a_contrast_set_or_contrasts_is_an_error() {
    let copy = copy_fixture();
    copy.edit(PAIRS, "contrast_set = \"n_l\"\n", "");
    copy.edit(PAIRS, "contrasts = [\"fixture.u02.0001\"]", "contrasts = []");
    let mut rules = error_rules(&copy.check());
    rules.sort();
    assert_eq!(rules, ["minimal_pair.contrast_set", "minimal_pair.contrasts"]);
}

#[test]
fn minimal_pairs_that_do_not_list_each_other_or_differ_otherwise_are_warned_about() {
    let copy = copy_fixture();
    copy.edit(PAIRS, "contrasts = [\"fixture.u02.0001\"]", "contrasts = []\ncontrast_set_note = 1");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["parse"], "unknown fields are refused");
    let copy = copy_fixture();
    copy.edit(PAIRS, "hanzi = \"蓝\"\npinyin = \"lan2\"", "hanzi = \"懒\"\npinyin = \"lan3\"");
    let report = copy.check();
    assert!(report.is_ok(), "{:#?}", report.errors);
    assert_eq!(report.warnings_of("minimal_pair.difference").len(), 2, "{:#?}", report.warnings);
}

#[test]
fn a_missing_english_gloss_is_an_error() {
    let copy = copy_fixture();
    copy.edit(TONES, "gloss = { en = \"horse\" }", "gloss = { ug = \"ئات\" }");
    assert_eq!(error_rules(&copy.check()), ["gloss.en"]);
}

#[test]
fn a_bad_focus_entry_is_a_parse_error_naming_file_line_and_field() {
    let copy = copy_fixture();
    copy.edit(TONES, "focus = [\"tone:2\"]", "focus = [\"tone:7\"]");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["parse"]);
    let issue = &report.errors[0];
    assert!(issue.file.ends_with("units/01-tones.toml"), "{issue}");
    assert_eq!(issue.line, Some(22));
    assert_eq!(issue.field.as_deref(), Some("item[1].focus[0]"));
    assert!(issue.message.contains("tone:7"), "{issue}");
}

#[test]
fn every_unit_files_parse_errors_are_reported_at_once() {
    let copy = copy_fixture();
    copy.edit(TONES, "kind = \"word\"", "kind = \"wrod\"");
    copy.edit(PAIRS, "hanzi = \"四\"\n", "");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["parse", "parse"]);
    assert!(report.errors[1].message.contains("missing field `hanzi`"), "{}", report.errors[1]);
}

#[test]
fn an_audio_file_missing_from_the_pack_or_outside_it_is_an_error() {
    let copy = copy_fixture();
    copy.edit(TONES, "audio = \"audio/ma1.wav\"", "audio = \"audio/ma2.wav\"");
    assert_eq!(error_rules(&copy.check()), ["audio.missing"]);
    let copy = copy_fixture();
    copy.edit(TONES, "audio = \"audio/ma1.wav\"", "audio = \"../fixture/audio/ma1.wav\"");
    assert_eq!(error_rules(&copy.check()), ["audio.path"]);
}

#[test]
fn a_pack_needing_a_newer_app_is_an_error() {
    let copy = copy_fixture();
    copy.edit("pack.toml", "min_app_version = \"0.1.0\"", "min_app_version = \"99.0.0\"");
    assert_eq!(error_rules(&copy.check()), ["app_version"]);
}

#[test]
fn a_surface_override_that_does_not_line_up_is_an_error() {
    let copy = copy_fixture();
    copy.edit(TONES, "pinyin = \"ni3 hao3\"", "pinyin = \"ni3 hao3\"\nsurface = \"ni2\"");
    assert_eq!(error_rules(&copy.check()), ["surface.mismatch"]);
    let copy = copy_fixture();
    copy.edit(TONES, "pinyin = \"ni3 hao3\"", "pinyin = \"ni3 hao3\"\nsurface = \"ni2 hao3\"");
    assert!(copy.check().is_ok());
}

#[test]
fn a_psc_part_other_than_one_to_three_is_an_error() {
    let copy = copy_fixture();
    copy.edit(TONES, "gloss = { en = \"hemp\" }", "gloss = { en = \"hemp\" }\npsc_part = 4");
    assert_eq!(error_rules(&copy.check()), ["psc_part"]);
}

#[test]
fn a_unit_file_not_listed_is_a_warning_and_a_listed_file_that_is_missing_an_error() {
    let copy = copy_fixture();
    copy.write("units/03-draft.toml", b"[unit]\n");
    let report = copy.check();
    assert!(report.is_ok());
    assert_eq!(report.warnings_of("unit.unlisted").len(), 1);
    copy.edit("pack.toml", "\"02-pairs.toml\"]", "\"02-pairs.toml\", \"04-missing.toml\"]");
    let report = copy.check();
    assert_eq!(error_rules(&report), ["parse"]);
    assert_eq!(report.errors[0].field.as_deref(), Some("units[2]"));
    assert!(report.errors[0].message.contains("units/04-missing.toml does not exist"));
}

#[test]
fn a_focus_on_a_sound_the_item_does_not_say_is_a_warning() {
    let copy = copy_fixture();
    copy.edit(
        TONES,
        "focus = [\"initial:m\", \"final:a\", \"tone:1\"]",
        "focus = [\"initial:zh\", \"final:a\", \"tone:1\"]",
    );
    let report = copy.check();
    assert!(report.is_ok());
    let absent = report.warnings_of("focus.absent");
    assert_eq!(absent.len(), 1);
    assert!(absent[0].message.starts_with("initial:zh"), "{}", absent[0]);
}

#[test]
fn checking_a_loaded_pack_and_its_folder_agree() {
    let pack = Pack::load_dir(&fixture()).unwrap();
    let (a, b) = (check(&pack), check_dir(&fixture()).unwrap());
    assert_eq!(a.errors, b.errors);
    assert_eq!(a.coverage.items, b.coverage.items);
}
