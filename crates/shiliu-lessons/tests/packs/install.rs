//! Installing signed packs: every bad pack is refused with its own code and leaves the installed
//! packs exactly as they were; good ones replace older versions atomically.

use std::path::Path;

use shiliu_lessons::{InstallOptions, LessonError, PackOrigin, all_packs, install_pack, installed_packs, stage_pack};
use shiliu_paths::DataDir;

use crate::util::{built, data_dir, fixture_files, publisher, read_zip, sign, snapshot, stranger, write_zip};

fn install(data: &DataDir, file: &Path) -> Result<shiliu_lessons::Installed, LessonError> {
    install_pack(data, file, &InstallOptions::default())
}

/// Installs version 1.0.0, then asserts that installing `file` fails with `code` and changes
/// nothing under `<data>/packs/`.
fn refused_leaving_packs_untouched(data: &DataDir, file: &Path, code: &str) {
    let before = snapshot(&data.packs());
    assert!(before.contains_key("fixture/pack.toml"), "{before:?}");
    let err = install(data, file).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(snapshot(&data.packs()), before, "a refused install changed the packs folder");
}

fn with_one_installed() -> (tempfile::TempDir, DataDir) {
    let (root, data) = data_dir();
    let file = built(root.path(), "1.0.0", &publisher());
    let installed = install(&data, &file).unwrap();
    assert_eq!((installed.id.as_str(), installed.replaced.clone()), ("fixture", None));
    (root, data)
}

/// A crafted pack file from `files` signed by the trusted publisher, with `tweak` applied.
fn crafted(
    dir: &Path,
    name: &str,
    files: Vec<(String, Vec<u8>)>,
    tweak: impl FnOnce(&mut Vec<(String, Vec<u8>)>),
) -> std::path::PathBuf {
    let mut entries = files.clone();
    entries.extend(sign("fixture", "2.0.0", &files, &publisher()));
    tweak(&mut entries);
    let path = dir.join(name);
    write_zip(&path, &entries);
    path
}

#[test]
fn a_valid_pack_installs_and_is_listed_with_the_built_in_packs() {
    let (_root, data) = with_one_installed();
    let installed = installed_packs(&data).unwrap();
    assert_eq!(installed.len(), 1);
    assert!(matches!(&installed[0].origin, PackOrigin::Installed { dir } if dir.ends_with("packs/fixture")));
    assert!(installed[0].has_file("audio/ma1.wav"));
    assert_eq!(shiliu_lessons::installed_publisher(&installed[0]), Some(publisher().public()));
    let all = all_packs(&data).unwrap();
    assert!(all.iter().any(|p| p.id() == "fixture"));
    assert_eq!(all.len(), shiliu_lessons::builtin_packs().unwrap().len() + 1);
}

#[test]
fn a_tampered_pack_is_refused_and_changes_nothing() {
    let (root, data) = with_one_installed();
    let file = built(root.path(), "2.0.0", &publisher());
    let mut entries = read_zip(&file);
    entries.iter_mut().find(|(n, _)| n == "audio/ma1.wav").unwrap().1[100] ^= 1;
    write_zip(&file, &entries);
    refused_leaving_packs_untouched(&data, &file, "lessons.tampered");
}

#[test]
fn an_unsigned_pack_is_refused_and_changes_nothing() {
    let (root, data) = with_one_installed();
    let file =
        crafted(root.path(), "unsigned.shiliupack", fixture_files("2.0.0"), |e| e.retain(|(n, _)| n != "manifest.sig"));
    refused_leaving_packs_untouched(&data, &file, "lessons.unsigned");
}

#[test]
fn a_pack_signed_by_an_untrusted_key_is_refused_and_changes_nothing() {
    let (root, data) = with_one_installed();
    let file = built(root.path(), "2.0.0", &stranger());
    refused_leaving_packs_untouched(&data, &file, "lessons.untrusted");
}

#[test]
fn a_zip_slip_pack_is_refused_and_writes_nothing_outside() {
    let (root, data) = with_one_installed();
    let mut files = fixture_files("2.0.0");
    files.push(("../evil".into(), b"boo".to_vec()));
    let file = crafted(root.path(), "slip.shiliupack", files, |_| {});
    refused_leaving_packs_untouched(&data, &file, "lessons.unsafe_path");
    assert!(!data.root().join("evil").exists() && !data.packs().join("evil").exists());
}

#[test]
fn an_oversized_pack_is_refused_and_changes_nothing() {
    let (root, data) = with_one_installed();
    let mut files = fixture_files("2.0.0");
    files.push(("audio/big.wav".into(), vec![0; 21 << 20]));
    let file = crafted(root.path(), "big.shiliupack", files, |_| {});
    refused_leaving_packs_untouched(&data, &file, "lessons.too_large");
}

#[test]
fn a_pack_with_an_unlisted_extra_file_is_refused_and_changes_nothing() {
    let (root, data) = with_one_installed();
    let file = crafted(root.path(), "extra.shiliupack", fixture_files("2.0.0"), |e| {
        e.push(("audio/extra.wav".into(), b"RIFF".to_vec()))
    });
    refused_leaving_packs_untouched(&data, &file, "lessons.unknown_file");
}

#[test]
fn an_older_version_is_refused_as_a_downgrade_and_changes_nothing() {
    let (root, data) = data_dir();
    install(&data, &built(root.path(), "1.5.0", &publisher())).unwrap();
    let older = built(root.path(), "1.0.0", &publisher());
    let before = snapshot(&data.packs());
    let err = install(&data, &older).unwrap_err();
    assert_eq!(err.code(), "lessons.downgrade");
    assert!(err.to_string().contains("1.5.0") && err.to_string().contains("1.0.0"), "{err}");
    assert_eq!(snapshot(&data.packs()), before);
}

#[test]
fn the_same_version_installs_again_only_when_reinstalling() {
    let (root, data) = with_one_installed();
    let same = built(root.path(), "1.0.0", &publisher());
    refused_leaving_packs_untouched(&data, &same, "lessons.already_installed");
    let again = install_pack(&data, &same, &InstallOptions { reinstall: true, ..Default::default() }).unwrap();
    assert_eq!(again.replaced.map(|v| v.to_string()).as_deref(), Some("1.0.0"));
}

#[test]
fn a_higher_version_replaces_the_older_one_keeping_item_ids() {
    let (root, data) = with_one_installed();
    let newer = built(root.path(), "1.1.0", &publisher());
    let installed = install(&data, &newer).unwrap();
    assert_eq!(installed.replaced.map(|v| v.to_string()).as_deref(), Some("1.0.0"));
    let packs = installed_packs(&data).unwrap();
    assert_eq!(packs.len(), 1);
    assert_eq!(packs[0].version().to_string(), "1.1.0");
    assert!(packs[0].item(&"fixture.u01.0001".into()).is_some());
    let names: Vec<String> = snapshot(&data.packs()).into_keys().filter(|k| k.starts_with('.')).collect();
    assert!(names.is_empty(), "no staging or old folders are left: {names:?}");
}

#[test]
fn an_install_interrupted_after_extraction_leaves_the_old_pack_in_place() {
    let (root, data) = with_one_installed();
    let before = snapshot(&data.packs());
    let newer = built(root.path(), "2.0.0", &publisher());
    let staged = stage_pack(&data, &newer, &InstallOptions::default()).unwrap();
    assert_eq!(staged.installed().version.to_string(), "2.0.0");
    // The failure: the install stops after extracting and checking, before the swap.
    drop(staged);
    assert_eq!(snapshot(&data.packs()), before);
    assert_eq!(installed_packs(&data).unwrap()[0].version().to_string(), "1.0.0");
}

#[test]
fn a_power_cut_after_extraction_leaves_the_old_pack_in_use_and_the_next_install_cleans_up() {
    let (root, data) = with_one_installed();
    let newer = built(root.path(), "2.0.0", &publisher());
    // The process dies with its staging folder on disk.
    std::mem::forget(stage_pack(&data, &newer, &InstallOptions::default()).unwrap());
    assert_eq!(installed_packs(&data).unwrap()[0].version().to_string(), "1.0.0");
    install(&data, &newer).unwrap();
    let left: Vec<String> = snapshot(&data.packs()).into_keys().filter(|k| k.starts_with('.')).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_pack_with_check_errors_is_refused_even_when_signed() {
    let (root, data) = with_one_installed();
    let files: Vec<(String, Vec<u8>)> = fixture_files("2.0.0")
        .into_iter()
        .map(|(n, b)| match n.as_str() {
            "units/01-tones.toml" => {
                (n, String::from_utf8(b).unwrap().replace("pinyin = \"ma4\"", "pinyin = \"mai4\"").into_bytes())
            }
            _ => (n, b),
        })
        .collect();
    let file = crafted(root.path(), "invalid.shiliupack", files, |_| {});
    refused_leaving_packs_untouched(&data, &file, "lessons.invalid");
}

#[test]
fn an_add_on_may_not_take_a_built_in_pack_id() {
    let Some(builtin) = shiliu_lessons::builtin_pack_ids().into_iter().next() else { return };
    let (root, data) = with_one_installed();
    let files: Vec<(String, Vec<u8>)> = fixture_files("2.0.0")
        .into_iter()
        .map(|(n, b)| match n.as_str() {
            "pack.toml" => (
                n,
                String::from_utf8(b).unwrap().replace("id = \"fixture\"", &format!("id = \"{builtin}\"")).into_bytes(),
            ),
            _ => (n, b),
        })
        .collect();
    let mut entries = files.clone();
    entries.extend(sign(builtin.as_str(), "2.0.0", &files, &publisher()));
    let file = root.path().join("conflict.shiliupack");
    write_zip(&file, &entries);
    refused_leaving_packs_untouched(&data, &file, "lessons.conflict");
}
