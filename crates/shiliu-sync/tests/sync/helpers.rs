//! Shared set-up: PCs (stores) of one school, data to sync, fingerprints of whole databases.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use shiliu_store::{
    AttemptId, ClassId, ItemId, NewAttempt, NewStudent, PackId, Scores, Store, StudentId, SyllableOutcome, Timestamp,
    UnitId, Verdict,
};

pub const CODE: &str = "test passphrase 1";

/// A folder with `n` PCs of one school (PC 0 founded it, the others joined with a join file),
/// copied from a template made once per test binary (joining costs an Argon2id derivation).
pub fn school(n: usize) -> (tempfile::TempDir, Vec<Store>) {
    static TEMPLATE: OnceLock<(tempfile::TempDir, usize)> = OnceLock::new();
    let (template, made) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let max = 8;
        let mut founder = Store::open(dir.path().join("pc0.sqlite3")).unwrap();
        founder.transact(|tx| tx.rename_device("pc0")).unwrap();
        shiliu_sync::create_school(&mut founder, "Xinglong Primary").unwrap();
        let join = shiliu_sync::write_join_file(&founder, &dir.path().join("stick"), Some(CODE), 7).unwrap();
        for i in 1..max {
            let mut s = Store::open(dir.path().join(format!("pc{i}.sqlite3"))).unwrap();
            s.transact(|tx| tx.rename_device(&format!("pc{i}"))).unwrap();
            shiliu_sync::join_school(&mut s, &join.path, CODE).unwrap();
        }
        (dir, max)
    });
    assert!(n <= *made);
    let dir = tempfile::tempdir().unwrap();
    let stores = (0..n)
        .map(|i| {
            let from = Store::open(template.path().join(format!("pc{i}.sqlite3"))).unwrap();
            let to = dir.path().join(format!("pc{i}.sqlite3"));
            from.backup_to(&to).unwrap();
            Store::open(&to).unwrap()
        })
        .collect();
    (dir, stores)
}

/// Every PC exports onto one stick, then every PC imports the whole stick: all know all.
pub fn all_meet(pcs: &mut [Store], usb: &Path) {
    for pc in pcs.iter_mut() {
        shiliu_sync::export_bundle(pc, usb, false).unwrap();
    }
    for pc in pcs.iter_mut() {
        shiliu_sync::import_path(pc, usb).unwrap();
    }
}

/// A class with `students` students on `store`'s school.
pub fn class(store: &mut Store, name: &str, students: usize) -> (ClassId, Vec<StudentId>) {
    store
        .transact(|tx| {
            let facility = tx.ensure_facility("Xinglong Primary")?;
            let class = tx.add_class(facility, name, Some(3))?;
            let mut ids = Vec::new();
            for i in 0..students {
                let id =
                    tx.add_student(facility, &NewStudent { name: format!("{name} 学生{i}"), ..Default::default() })?;
                tx.set_class_member(class, id, true)?;
                ids.push(id);
            }
            Ok((class, ids))
        })
        .unwrap()
}

pub fn syllable(hanzi: &str, pinyin: &str, ok: bool) -> SyllableOutcome {
    let tone = pinyin.chars().last().and_then(|c| c.to_digit(10)).unwrap_or(5) as u8;
    SyllableOutcome {
        hanzi: hanzi.into(),
        expected: pinyin.into(),
        heard: Some(pinyin.into()),
        initial_ok: ok,
        final_ok: true,
        tone_ok: Some(true),
        tone_expected: tone,
        tone_heard: Some(tone),
        verdict: if ok { Verdict::Ok } else { Verdict::Error },
        score: if ok { 95.0 } else { 30.0 },
        problem: None,
    }
}

pub fn new_attempt(student: StudentId, n: u64) -> NewAttempt {
    let score = (n % 100) as f32;
    NewAttempt {
        student,
        pack: PackId::new("basics"),
        pack_version: "1.0.0".into(),
        unit: UnitId::new(format!("u{}", n % 5)),
        item: ItemId::new(format!("u{}-{:02}", n % 5, n % 17)),
        at: Timestamp::from_millis(1_709_510_400_000 + n as i64 * 60_000),
        duration_ms: 1500,
        scores: Scores { overall: score, accuracy: score, completeness: 100.0, fluency: 90.0, tone: score },
        psc_band: "二级甲等".into(),
        psc_percent: score,
        quality: vec![],
        model_id: "whisper-base-q8_0".into(),
        syllables: vec![syllable("南", "nan2", !n.is_multiple_of(3)), syllable("方", "fang1", true)],
    }
}

/// Adds `count` attempts spread over `students`, in transactions of 1,000.
pub fn attempts(store: &mut Store, students: &[StudentId], count: usize) -> Vec<AttemptId> {
    let mut ids = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
        let made = store
            .transact(|tx| {
                chunk
                    .iter()
                    .map(|&i| tx.add_attempt(&new_attempt(students[i % students.len()], i as u64)))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        ids.extend(made);
    }
    ids
}

/// Every row of every table, hashed: equal before and after exactly when nothing changed.
pub fn fingerprint(path: &Path) -> String {
    shiliu_store::content_fingerprint(path).unwrap()
}

pub fn stick(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::create_dir_all(&p).unwrap();
    p
}
