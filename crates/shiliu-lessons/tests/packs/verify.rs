//! Building and verifying signed pack files.

use shiliu_lessons::{Limits, MANIFEST_JSON, MANIFEST_SIG, TrustedKey, build_pack, verify_pack};

use crate::util::{built, copy_fixture, publisher, read_zip, sign, stranger, write_zip};

fn trusted() -> Vec<TrustedKey> {
    vec![TrustedKey { name: "Test publisher".into(), key: publisher().public(), builtin: false }]
}

fn verify(path: &std::path::Path) -> Result<shiliu_lessons::VerifiedPack, shiliu_lessons::LessonError> {
    verify_pack(path, &trusted(), &Limits::default())
}

#[test]
fn a_built_pack_verifies_and_names_its_publisher() {
    let dir = tempfile::tempdir().unwrap();
    let file = built(dir.path(), "1.2.0", &publisher());
    let verified = verify(&file).unwrap();
    assert_eq!(verified.manifest.id, "fixture");
    assert_eq!(verified.manifest.version.to_string(), "1.2.0");
    assert_eq!(verified.publisher.name, "Test publisher");
    let names: Vec<String> = read_zip(&file).into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&MANIFEST_JSON.to_owned()) && names.contains(&MANIFEST_SIG.to_owned()));
    assert!(names.contains(&"audio/ma1.wav".to_owned()));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
}

#[test]
fn building_refuses_a_pack_with_check_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_fixture();
    copy.edit("units/01-tones.toml", "pinyin = \"ma4\"", "pinyin = \"mai4\"");
    let out = dir.path().join("broken.shiliupack");
    let err = build_pack(&copy.dir, &out, &publisher(), &Limits::default()).unwrap_err();
    assert_eq!(err.code(), "lessons.invalid");
    assert!(err.to_string().contains("pinyin.mismatch") || err.to_string().contains("骂"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_file_changed_after_signing_is_tampered() {
    let dir = tempfile::tempdir().unwrap();
    let file = built(dir.path(), "1.0.0", &publisher());
    let mut entries = read_zip(&file);
    let tones = entries.iter_mut().find(|(n, _)| n == "units/01-tones.toml").unwrap();
    tones.1 = String::from_utf8(tones.1.clone()).unwrap().replace("mum", "dad").into_bytes();
    write_zip(&file, &entries);
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.tampered");
    assert!(err.to_string().contains("units/01-tones.toml"), "{err}");
}

#[test]
fn a_manifest_changed_after_signing_fails_the_signature() {
    let dir = tempfile::tempdir().unwrap();
    let file = built(dir.path(), "1.0.0", &publisher());
    let mut entries = read_zip(&file);
    let manifest = entries.iter_mut().find(|(n, _)| n == MANIFEST_JSON).unwrap();
    manifest.1 = String::from_utf8(manifest.1.clone()).unwrap().replace("1.0.0", "9.0.0").into_bytes();
    write_zip(&file, &entries);
    assert_eq!(verify(&file).unwrap_err().code(), "lessons.signature");
}

#[test]
fn an_unsigned_pack_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = built(dir.path(), "1.0.0", &publisher());
    let entries: Vec<_> = read_zip(&file).into_iter().filter(|(n, _)| n != MANIFEST_SIG).collect();
    write_zip(&file, &entries);
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.unsigned");
    assert!(err.to_string().contains("manifest.sig"), "{err}");
}

#[test]
fn a_pack_signed_by_an_untrusted_key_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = built(dir.path(), "1.0.0", &stranger());
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.untrusted");
    assert!(err.to_string().contains(&stranger().public().to_hex()), "{err}");
}

#[test]
fn a_zip_slip_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = crate::util::fixture_files("1.0.0");
    files.push(("../evil".into(), b"boo".to_vec()));
    let file = dir.path().join("slip.shiliupack");
    let mut entries = files.clone();
    entries.extend(sign("fixture", "1.0.0", &files, &publisher()));
    write_zip(&file, &entries);
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.unsafe_path");
    assert!(err.to_string().contains("../evil"), "{err}");
}

#[test]
fn an_entry_declared_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = crate::util::fixture_files("1.0.0");
    files.push(("audio/big.wav".into(), vec![0; 21 << 20]));
    let file = dir.path().join("big.shiliupack");
    let mut entries = files.clone();
    entries.extend(sign("fixture", "1.0.0", &files, &publisher()));
    write_zip(&file, &entries);
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.too_large");
    assert!(err.to_string().contains("audio/big.wav"), "{err}");
}

#[test]
fn an_entry_larger_than_its_signed_size_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let files = crate::util::fixture_files("1.0.0");
    let file = dir.path().join("bomb.shiliupack");
    let mut entries = files.clone();
    entries.extend(sign("fixture", "1.0.0", &files, &publisher()));
    // The signed manifest says 3244 bytes; the zip now holds 50 MB of zeros under that name.
    let wav = entries.iter_mut().find(|(n, _)| n == "audio/ma1.wav").unwrap();
    wav.1 = vec![0; 50 << 20];
    write_zip(&file, &entries);
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.tampered");
    assert!(err.to_string().contains("more than 3244 bytes"), "{err}");
}

#[test]
fn a_file_the_manifest_does_not_list_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let files = crate::util::fixture_files("1.0.0");
    let file = dir.path().join("extra.shiliupack");
    let mut entries = files.clone();
    entries.extend(sign("fixture", "1.0.0", &files, &publisher()));
    entries.push(("units/extra.toml".into(), b"[unit]".to_vec()));
    write_zip(&file, &entries);
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.unknown_file");
    assert!(err.to_string().contains("units/extra.toml"), "{err}");
}

#[test]
fn a_name_that_appears_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let files = crate::util::fixture_files("1.0.0");
    let file = dir.path().join("dup.shiliupack");
    let mut entries = files.clone();
    entries.extend(sign("fixture", "1.0.0", &files, &publisher()));
    // The zip writer refuses duplicates, so write two names of one length and patch one.
    entries.push(("audio/zz1.wav".into(), b"a".to_vec()));
    entries.push(("audio/zz2.wav".into(), b"b".to_vec()));
    write_zip(&file, &entries);
    let bytes = std::fs::read(&file).unwrap();
    let patched = replace_all(&bytes, b"audio/zz2.wav", b"audio/zz1.wav");
    std::fs::write(&file, patched).unwrap();
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.duplicate_entry");
}

#[test]
fn names_differing_only_in_case_are_duplicates_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = crate::util::fixture_files("1.0.0");
    files.push(("audio/MA1.wav".into(), b"RIFF".to_vec()));
    let file = dir.path().join("case.shiliupack");
    let mut entries = files.clone();
    entries.extend(sign("fixture", "1.0.0", &files, &publisher()));
    write_zip(&file, &entries);
    let err = verify(&file).unwrap_err();
    assert_eq!(err.code(), "lessons.duplicate_entry");
    assert!(err.to_string().to_lowercase().contains("audio/ma1.wav"), "{err}");
}

fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = haystack.to_vec();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn a_file_that_is_not_a_zip_is_not_a_pack() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.shiliupack");
    std::fs::write(&file, "hello").unwrap();
    assert_eq!(verify(&file).unwrap_err().code(), "lessons.not_a_pack");
}
