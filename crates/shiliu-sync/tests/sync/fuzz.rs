//! A fixed-time mutation fuzzer over real bundles (deterministic for a seed, no nightly
//! toolchain): byte-level damage (bit flips, overwrites, truncations, insertions, deletions,
//! splices), manifest edits that keep the file well-formed (a changed count, id, origin, vector,
//! school; a removed or duplicated entry), and grafts of one bundle's parts onto another's.
//!
//! Every mutant goes through `preview_import` and `import_path`, on a PC that never saw the
//! originals and on one that already imported them. Each must be refused with a coded
//! `SyncError` (or, on the second PC, be recognised as already imported and do nothing), never
//! panic, and neither database may change. Runs for `SHILIU_FUZZ_SECS` seconds (default 20);
//! `SHILIU_FUZZ_SEED` picks another sequence.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use shiliu_store::Store;
use shiliu_sync::{export_bundle, import_path, preview_import};

use crate::helpers::{attempts, class, fingerprint, school, stick};

const PREFIX: usize = 16;

/// Codes a mutant may be refused with; anything else (a store error, say) is a finding.
const EXPECTED: &[&str] = &[
    "sync.malformed",
    "sync.bad_signature",
    "sync.decrypt",
    "sync.wrong_school",
    "sync.unknown_device",
    "sync.newer_format",
    "sync.bad_certificate",
    "sync.needs_earlier",
];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// The manifest's JSON and the bytes after it, when the file still has that shape.
fn split(bytes: &[u8]) -> Option<(Value, &[u8])> {
    let len = u32::from_le_bytes(bytes.get(12..16)?.try_into().ok()?) as usize;
    let json = serde_json::from_slice(bytes.get(PREFIX..PREFIX + len)?).ok()?;
    Some((json, &bytes[PREFIX + len..]))
}

fn join(prefix: &[u8], manifest: &Value, rest: &[u8]) -> Vec<u8> {
    let json = serde_json::to_vec(manifest).unwrap();
    let mut out = prefix[..12].to_vec();
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(rest);
    out
}

/// Changes one leaf (or drops or duplicates one entry) somewhere in `v`.
fn edit_json(v: &mut Value, rng: &mut fastrand::Rng, other: &Value) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.usize(..keys.len())];
            match rng.u8(..10) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    // The same field taken from the other bundle's manifest.
                    if let Some(x) = other.get(key) {
                        map.insert(key.clone(), x.clone());
                    }
                }
                _ => edit_json(map.get_mut(key).unwrap(), rng, other.get(key).unwrap_or(&Value::Null)),
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = rng.usize(..items.len());
            match rng.u8(..4) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let x = items[i].clone();
                    items.push(x);
                }
                _ => edit_json(&mut items[i], rng, other.get(i).unwrap_or(&Value::Null)),
            }
        }
        Value::Number(n) => {
            let x = n.as_i64().unwrap_or(0);
            *v = match rng.u8(..5) {
                // Saturating: an earlier edit may already have set the field to i64::MAX.
                0 => Value::from(x.saturating_add(1)),
                1 => Value::from(x.saturating_sub(1)),
                2 => Value::from(0),
                3 => Value::from(i64::MAX),
                _ => Value::from(x.saturating_neg()),
            };
        }
        Value::String(s) => {
            *v = match rng.u8(..4) {
                0 => Value::from(""),
                1 if !s.is_empty() => {
                    let mut chars: Vec<char> = s.chars().collect();
                    let i = rng.usize(..chars.len());
                    chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
                    Value::from(chars.into_iter().collect::<String>())
                }
                2 => Value::from(format!("{s}0")),
                _ => Value::from(s.chars().rev().collect::<String>()),
            };
        }
        Value::Bool(b) => *v = Value::Bool(!*b),
        _ => *v = Value::from(1),
    }
}

/// One mutant of `base` (`other` is a second valid bundle to graft from).
fn mutate(base: &[u8], other: &[u8], rng: &mut fastrand::Rng, kinds: &mut BTreeMap<&'static str, u64>) -> Vec<u8> {
    let mut b = base.to_vec();
    let kind = match rng.u8(..10) {
        0..=2 => {
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
            "bytes"
        }
        3 => {
            b.truncate(rng.usize(..b.len()));
            "truncation"
        }
        4..=7 => {
            let (original, rest) = split(base).unwrap();
            let (o, _) = split(other).unwrap();
            let mut m = original.clone();
            for _ in 0..rng.usize(1..3) {
                edit_json(&mut m, rng, &o);
            }
            // Keep the shape checks happy half the time, so the signature check is what stops it.
            if rng.bool() && m.get("cipher_len").is_some() {
                m["cipher_len"] = original["cipher_len"].clone();
            }
            b = join(base, &m, rest);
            "manifest edit"
        }
        8 => {
            // This bundle's manifest over the other bundle's ciphertext and signature.
            let (m, _) = split(base).unwrap();
            let (_, rest) = split(other).unwrap();
            b = join(base, &m, rest);
            "graft"
        }
        _ => {
            // Only the signature swapped for the other bundle's.
            let n = 128.min(b.len()).min(other.len());
            let at = b.len() - n;
            b[at..].copy_from_slice(&other[other.len() - n..]);
            "signature swap"
        }
    };
    *kinds.entry(kind).or_default() += 1;
    b
}

/// What happened to one mutant on one PC: refused with `Some(code)`, or `None` for a
/// recognised replay.
fn try_mutant(store: &mut Store, path: &Path) -> Result<Option<&'static str>, String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        match preview_import(store, path) {
            Err(e) if EXPECTED.contains(&e.code()) => {}
            Err(e) => return Err(format!("preview: unexpected {}: {e}", e.code())),
            Ok(p) if !p.bundles.is_empty() => return Err(format!("preview would import {} bundles", p.bundles.len())),
            Ok(p) if p.refused.iter().chain(&p.waiting).any(|r| !EXPECTED.contains(&r.code.as_str())) => {
                return Err(format!("preview: unexpected refusal {:?}", p.refused));
            }
            Ok(_) => {}
        }
        match import_path(store, path) {
            Err(e) if EXPECTED.contains(&e.code()) => Ok(Some(e.code())),
            Err(e) => Err(format!("import: unexpected {}: {e}", e.code())),
            Ok(r) if r.preview.bundles.is_empty() && r.preview.already_imported.len() == 1 => Ok(None),
            Ok(r) => Err(format!("imported: {:?}", r.preview.bundles)),
        }
    }));
    outcome.unwrap_or_else(|p| {
        let what = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()));
        Err(format!("panicked: {}", what.unwrap_or_default()))
    })
}

#[test]
fn mutated_bundles_are_refused_or_replays_and_never_change_a_database() {
    let secs = env_u64("SHILIU_FUZZ_SECS", 20);
    let seed = env_u64("SHILIU_FUZZ_SEED", 2024);
    let (dir, mut pcs) = school(4);
    let usb = stick(&dir, "usb");
    let (_, s0) = class(&mut pcs[0], "一班", 3);
    attempts(&mut pcs[0], &s0, 8);
    let (_, s2) = class(&mut pcs[2], "二班", 2);
    attempts(&mut pcs[2], &s2, 5);
    let originals: Vec<Vec<u8>> =
        [0, 2].iter().map(|&i| std::fs::read(export_bundle(&mut pcs[i], &usb, true).unwrap().path).unwrap()).collect();
    // pcs[3] already holds both originals: a mutant keeping an original's id is a replay there.
    for b in &originals {
        let p = dir.path().join("original.shbundle");
        std::fs::write(&p, b).unwrap();
        import_path(&mut pcs[3], &p).unwrap();
    }
    let fresh_before = fingerprint(pcs[1].path());
    let holder_before = fingerprint(pcs[3].path());

    let mutant = dir.path().join("mutants").join("mutant.shbundle");
    std::fs::create_dir_all(mutant.parent().unwrap()).unwrap();
    let mut rng = fastrand::Rng::with_seed(seed);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut cases, mut replays) = (0u64, 0u64);
    let mut kinds = BTreeMap::new();
    let mut codes = BTreeMap::<&'static str, u64>::new();
    let mut failures = Vec::new();
    while Instant::now() < deadline && failures.len() < 5 {
        let which = rng.usize(..2);
        let b = mutate(&originals[which], &originals[1 - which], &mut rng, &mut kinds);
        if originals.contains(&b) {
            continue;
        }
        std::fs::write(&mutant, &b).unwrap();
        cases += 1;
        match try_mutant(&mut pcs[1], &mutant) {
            Ok(Some(code)) => *codes.entry(code).or_default() += 1,
            Ok(None) => failures.push(format!("case {cases}: a replay on a pc that never saw the original")),
            Err(e) => failures.push(format!("case {cases} on the fresh pc: {e}")),
        }
        match try_mutant(&mut pcs[3], &mutant) {
            Ok(refused) => replays += u64::from(refused.is_none()),
            Err(e) => failures.push(format!("case {cases} on the pc holding the originals: {e}")),
        }
        if cases.is_multiple_of(500) {
            assert_eq!(fingerprint(pcs[1].path()), fresh_before, "after case {cases}");
            assert_eq!(fingerprint(pcs[3].path()), holder_before, "after case {cases}");
        }
    }
    println!(
        "fuzz: {cases} mutated bundles in {secs} s (seed {seed}), each run through preview and import on two pcs; {kinds:?}; refused on the fresh pc as {codes:?}; {replays} recognised as replays on the pc holding the originals, the rest refused"
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(cases > 100, "only {cases} cases ran");
    assert_eq!(fingerprint(pcs[1].path()), fresh_before);
    assert_eq!(fingerprint(pcs[3].path()), holder_before);
}
