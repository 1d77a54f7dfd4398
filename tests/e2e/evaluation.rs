//! `shiliu eval` as a test harness uses it: the accuracy tables over a corpus, through worse
//! channels, and against texts altered to measure mistakes the corpora have no recordings of.

use shiliu_tests::{data_dir_with_model, require_shared, run, shiliu};

/// What `shiliu eval MANIFEST ARGS…` prints, once it has succeeded.
fn eval_output(manifest: &std::path::Path, args: &[&str]) -> String {
    let out = run(shiliu(data_dir_with_model()).arg("eval").arg(manifest).args(args));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The cells of the table row starting with `row` in `shiliu eval OPTION` over the native
/// corpus's clips whose path contains `only`, and the whole output.
fn eval_row(shared: &std::path::Path, option: &str, only: &str, row: &str) -> (Vec<String>, String) {
    let text = eval_output(&shared.join("corpus/manifest.tsv"), &[option, "--only", only]);
    let line =
        text.lines().find(|l| l.trim_start().starts_with(row)).unwrap_or_else(|| panic!("no {row} row:\n{text}"));
    (line.split_whitespace().map(str::to_owned).collect(), text)
}

fn percent(cell: &str) -> f32 {
    cell.trim_end_matches('%').parse().unwrap()
}

/// The share of the aishell1 lines that `shiliu eval OPTION` catches as `wrong_text`, from the
/// sentence row of the table under `heading`.
fn aishell1_lines_caught(shared: &std::path::Path, option: &str, heading: &str) -> f32 {
    let (cells, text) = eval_row(shared, option, "sentences/aishell1", "sentence");
    assert!(text.contains(heading), "{text}");
    assert_eq!(cells[1], "3", "{cells:?}");
    percent(&cells[2])
}

#[test]
fn eval_with_other_texts_measures_how_often_a_wrong_line_is_caught() {
    let shared = require_shared!();
    let caught = aishell1_lines_caught(&shared, "--other-texts", "Clips scored against another clip's text");
    assert!(caught > 50.0, "most wrong lines are caught: {caught} %");
}

#[test]
fn eval_with_read_on_measures_how_often_reading_past_the_target_is_caught() {
    let shared = require_shared!();
    let heading = "Clips scored against the first half of their own text";
    let caught = aishell1_lines_caught(&shared, "--read-on", heading);
    assert!(caught > 50.0, "most readings on are caught: {caught} %");
}

/// The share of one kind of altered word flagged at its syllable, in `eval OPTION` over one
/// native speaker's words (the `type` row starting with `row`).
fn yt_words_flagged(shared: &std::path::Path, option: &str, row: &str) -> f32 {
    percent(&eval_row(shared, option, "words/yt_", row).0[3])
}

#[test]
fn eval_with_misread_measures_how_often_a_character_read_as_another_is_flagged() {
    let shared = require_shared!();
    let flagged = yt_words_flagged(&shared, "--misread", "misread  word");
    assert!(flagged > 50.0, "most misread characters are flagged: {flagged} %");
}

#[test]
fn eval_with_wrong_tone_measures_how_often_a_tone_error_in_a_real_voice_is_flagged() {
    let shared = require_shared!();
    let flagged = yt_words_flagged(&shared, "--wrong-tone", "tone     word");
    assert!(flagged > 50.0, "most tone errors are flagged: {flagged} %");
}

#[test]
fn eval_prints_the_accuracy_tables_for_a_manifest() {
    let shared = require_shared!();
    let text = eval_output(&shared.join("corpus-synth/manifest.tsv"), &["--only", "a00"]);
    for heading in [
        "Tone heard vs tone said",
        "Labelled errors flagged",
        "Clean correct clips",
        "false alarms",
        "Latency",
        "Peak memory",
    ] {
        assert!(text.contains(heading), "missing {heading}:\n{text}");
    }
}

#[test]
fn eval_prints_how_often_tones_in_context_are_heard_as_expected() {
    let shared = require_shared!();
    let text = eval_output(&shared.join("corpus/manifest.tsv"), &["--only", "yt_lao3shi1"]);
    let table = text
        .split("\n\n")
        .find(|t| t.starts_with("Tone heard vs tone expected, full tones of correct words"))
        .unwrap_or_else(|| panic!("no table of tones in context:\n{text}"));
    // 老师: a third and a first tone, each counted once, in its own row.
    let rows: Vec<&str> = table.lines().filter(|l| l.trim_start().starts_with("tone ")).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(table.contains("/2)"), "{table}");
}

#[test]
fn eval_can_hear_the_corpus_through_a_worse_channel_and_refuses_an_unknown_one() {
    let shared = require_shared!();
    let manifest = shared.join("corpus/manifest.tsv");
    let text = eval_output(&manifest, &["--only", "cw_ma3", "--channel", "phone"]);
    assert!(text.contains("1 clips") && text.contains("channel: phone"), "{text}");
    assert!(text.contains("Tone heard vs tone said"), "{text}");
    let out = run(shiliu(data_dir_with_model()).arg("eval").arg(&manifest).args(["--channel", "tin-can"]));
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("tin-can") && err.contains("clean, noise, phone, child, room"), "{err}");
}

#[test]
fn eval_names_the_rows_it_could_not_score_and_measures_the_rest() {
    let shared = require_shared!();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.wav"), "not a recording").unwrap();
    let good = shared.join("corpus/wav/words/yt_lao3shi1.wav");
    let manifest = dir.path().join("manifest.tsv");
    let header = "file\ttranscript_hanzi\tpinyin_with_tone_numbers\tsource_repo\tsource_path\tlicence\tnotes";
    let rows = [
        format!("{}\t老师\tlao3 shi1\t-\t-\t-\t-", good.display()),
        "notes.wav\t老师\tlao3 shi1\t-\t-\t-\t-".to_owned(),
        "missing.wav\t老师\tlao3 shi1\t-\t-\t-\t-".to_owned(),
    ];
    std::fs::write(&manifest, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let text = eval_output(&manifest, &[]);
    assert!(text.contains("1 clips"), "{text}");
    assert!(text.contains("Rows not scored (2)"), "{text}");
    assert!(text.contains("notes.wav: ") && text.contains("missing.wav: "), "{text}");
}
