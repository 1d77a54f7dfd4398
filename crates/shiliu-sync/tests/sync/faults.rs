//! Damaged, tampered and replayed bundles: each is refused (or a no-op) with a clear error, and
//! the database stays exactly as it was.

use std::path::Path;
use std::time::{Duration, Instant};

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
    assert!(codes.iter().all(|c| ["sync.malformed", "sync.bad_signature", "sync.unknown_device", "sync.wrong_school", "sync.newer_format"].contains(c)), "{codes:?}");
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

/// A fixed-time mutation fuzzer (libFuzzer-style, deterministic): bit flips, byte overwrites,
/// truncations, insertions, deletions and splices of a valid bundle. Every mutant must be
/// refused with a coded error, never panic, never change the database.
#[test]
fn fuzzed_bundles_never_panic_never_import_and_never_change_the_database() {
    let secs: u64 = std::env::var("SHILIU_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let (dir, mut pcs, bytes) = setup(8);
    let before = fingerprint(pcs[1].path());
    let mut rng = fastrand::Rng::with_seed(2024);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut runs = 0u64;
    let mut codes = std::collections::BTreeMap::<&'static str, u64>::new();
    while Instant::now() < deadline {
        let mut b = bytes.clone();
        for _ in 0..rng.usize(1..4) {
            match rng.u8(..6) {
                0 if !b.is_empty() => {
                    let at = rng.usize(..b.len());
                    b[at] ^= 1 << rng.u8(..8);
                }
                1 if !b.is_empty() => {
                    let at = rng.usize(..b.len());
                    b[at] = rng.u8(..);
                }
                2 => b.truncate(rng.usize(..=b.len())),
                3 => {
                    let at = rng.usize(..=b.len());
                    b.insert(at, rng.u8(..));
                }
                4 if !b.is_empty() => {
                    b.remove(rng.usize(..b.len()));
                }
                _ => {
                    let (from, len) = (rng.usize(..b.len().max(1)), rng.usize(1..64));
                    let chunk: Vec<u8> = b.iter().skip(from).take(len).copied().collect();
                    let at = rng.usize(..=b.len());
                    b.splice(at..at, chunk);
                }
            }
        }
        if b == bytes {
            continue;
        }
        let e = try_import(&mut pcs[1], dir.path(), &b).expect_err("a mutant was imported");
        *codes.entry(e.code()).or_default() += 1;
        runs += 1;
    }
    println!("fuzz: {runs} mutants in {secs} s, refused as {codes:?}");
    assert!(runs > 100);
    assert_eq!(fingerprint(pcs[1].path()), before);
}
