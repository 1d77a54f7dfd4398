//! Damaged, tampered and replayed bundles: each is refused (or a no-op) with a clear error, and
//! the database stays exactly as it was.

use std::path::Path;

use shiliu_store::Store;
use shiliu_sync::{export_bundle, import_path};

use crate::helpers::{attempts, class, fingerprint, school, stick};

/// A PC with data, another to import into, and a bundle from the first.
fn setup(n_attempts: usize) -> (tempfile::TempDir, Vec<Store>, Vec<u8>) {
    let (dir, mut pcs) = school(2);
    let (_, s) = class(&mut pcs[0], "一班", 3);
    attempts(&mut pcs[0], &s, n_attempts);
    let out = export_bundle(&mut pcs[0], &stick(&dir, "usb"), false).unwrap();
    let bytes = std::fs::read(&out.path).unwrap();
    (dir, pcs, bytes)
}

fn try_import(store: &mut Store, dir: &Path, bytes: &[u8]) -> Result<(), shiliu_sync::SyncError> {
    let path = dir.join("mutant.shbundle");
    std::fs::write(&path, bytes).unwrap();
    import_path(store, &path).map(|_| ())
}

#[test]
fn a_truncated_bundle_is_refused_at_any_length() {
    let (dir, mut pcs, bytes) = setup(20);
    let before = fingerprint(pcs[1].path());
    let step = (bytes.len() / 200).max(1);
    for len in (0..bytes.len()).step_by(step).chain([bytes.len() - 1]) {
        let e = try_import(&mut pcs[1], dir.path(), &bytes[..len]).unwrap_err();
        assert_eq!(e.code(), "sync.malformed", "length {len}: {e}");
    }
    assert_eq!(fingerprint(pcs[1].path()), before);
}

#[test]
fn a_bit_flip_anywhere_is_refused() {
    let (dir, mut pcs, bytes) = setup(20);
    let before = fingerprint(pcs[1].path());
    let mut rng = fastrand::Rng::with_seed(7);
    let mut codes = std::collections::BTreeSet::new();
    for i in 0..300 {
        let mut b = bytes.clone();
        let at = if i < 100 { rng.usize(..200.min(b.len())) } else { rng.usize(..b.len()) };
        b[at] ^= 1 << rng.u8(..8);
        let e = try_import(&mut pcs[1], dir.path(), &b).unwrap_err();
        codes.insert(e.code());
    }
    assert!(
        codes.iter().all(|c| [
            "sync.malformed",
            "sync.bad_signature",
            "sync.unknown_device",
            "sync.wrong_school",
            "sync.newer_format"
        ]
        .contains(c)),
        "{codes:?}"
    );
    assert_eq!(fingerprint(pcs[1].path()), before);
}

#[test]
fn a_tampered_manifest_is_caught_by_the_signature_before_decrypting() {
    let (dir, mut pcs, bytes) = setup(20);
    let before = fingerprint(pcs[1].path());
    let needle = b"\"attempts\":20";
    let i = bytes.windows(needle.len()).position(|w| w == needle).expect("the manifest counts attempts");
    let mut b = bytes.clone();
    b[i + 11..i + 13].copy_from_slice(b"99");
    let e = try_import(&mut pcs[1], dir.path(), &b).unwrap_err();
    assert_eq!(e.code(), "sync.bad_signature", "{e}");
    assert!(e.to_string().contains("changed"), "{e}");
    assert_eq!(fingerprint(pcs[1].path()), before);
}

#[test]
fn a_replayed_bundle_changes_nothing() {
    let (dir, mut pcs, bytes) = setup(20);
    try_import(&mut pcs[1], dir.path(), &bytes).unwrap();
    let before = fingerprint(pcs[1].path());
    for _ in 0..3 {
        try_import(&mut pcs[1], dir.path(), &bytes).unwrap();
    }
    assert_eq!(fingerprint(pcs[1].path()), before);
    assert_eq!(pcs[1].count_attempts().unwrap(), 20);
}

// The fixed-time mutation fuzzer lives in fuzz.rs.
