//! Shared set-up: a store in a temporary folder, a school with a class, attempts built from
//! short syllable descriptions.

use shiliu_store::{
    ClassId, FacilityId, ItemId, NewAttempt, NewStudent, PackId, ProblemKind, Scores, Store, StudentId,
    SyllableOutcome, SyllableProblem, Timestamp, UnitId, Verdict,
};

pub const DAY: i64 = 86_400_000;

/// Monday 2024-03-04 00:00 UTC.
pub const T0: Timestamp = Timestamp::from_millis(1_709_510_400_000);

pub fn at_day(days: i64) -> Timestamp {
    Timestamp::from_millis(T0.millis() + days * DAY)
}

pub fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("shiliu.sqlite3")).unwrap();
    (dir, store)
}

pub struct School {
    pub facility: FacilityId,
    pub class: ClassId,
    pub students: Vec<StudentId>,
}

/// A school with one class and the named students in it.
pub fn school(store: &mut Store, names: &[&str]) -> School {
    store
        .transact(|tx| {
            let facility = tx.ensure_facility("Xinglong Primary")?;
            let class = tx.add_class(facility, "三年级一班", Some(3))?;
            let mut students = Vec::new();
            for name in names {
                let id = tx.add_student(facility, &NewStudent { name: (*name).into(), ..Default::default() })?;
                tx.set_class_member(class, id, true)?;
                students.push(id);
            }
            Ok(School { facility, class, students })
        })
        .unwrap()
}

/// A syllable said right.
pub fn ok(hanzi: &str, pinyin: &str) -> SyllableOutcome {
    let tone = pinyin.chars().last().and_then(|c| c.to_digit(10)).unwrap_or(5) as u8;
    SyllableOutcome {
        hanzi: hanzi.into(),
        expected: pinyin.into(),
        heard: Some(pinyin.into()),
        initial_ok: true,
        final_ok: true,
        tone_ok: Some(true),
        tone_expected: tone,
        tone_heard: Some(tone),
        verdict: Verdict::Ok,
        score: 95.0,
        problem: None,
    }
}

/// A syllable whose initial was replaced (`nan2` heard as `lan2`, contrast `n_l`).
pub fn wrong_initial(
    hanzi: &str,
    pinyin: &str,
    heard: &str,
    expected: &str,
    said: &str,
    contrast: &str,
) -> SyllableOutcome {
    SyllableOutcome {
        heard: Some(heard.into()),
        initial_ok: false,
        verdict: Verdict::Error,
        score: 30.0,
        problem: Some(SyllableProblem {
            kind: ProblemKind::Initial,
            expected: expected.into(),
            heard: Some(said.into()),
            contrast: Some(contrast.into()),
        }),
        ..ok(hanzi, pinyin)
    }
}

/// A syllable said in another tone.
pub fn wrong_tone(hanzi: &str, pinyin: &str, heard_tone: u8) -> SyllableOutcome {
    let mut s = ok(hanzi, pinyin);
    s.heard = Some(format!("{}{heard_tone}", &pinyin[..pinyin.len() - 1]));
    s.tone_heard = Some(heard_tone);
    s.tone_ok = Some(false);
    s.verdict = Verdict::Error;
    s.score = 40.0;
    s.problem = Some(SyllableProblem {
        kind: ProblemKind::Tone,
        expected: s.tone_expected.to_string(),
        heard: Some(heard_tone.to_string()),
        contrast: Some("tone".into()),
    });
    s
}

pub fn attempt(
    student: StudentId,
    item: &str,
    at: Timestamp,
    overall: f32,
    syllables: Vec<SyllableOutcome>,
) -> NewAttempt {
    NewAttempt {
        student,
        pack: PackId::new("basics"),
        pack_version: "1.0.0".into(),
        unit: UnitId::new(item.split('-').next().unwrap_or("u1")),
        item: ItemId::new(item),
        at,
        duration_ms: 1800,
        scores: Scores { overall, accuracy: overall, completeness: 100.0, fluency: 90.0, tone: overall },
        psc_band: if overall >= 87.0 { "二级甲等".into() } else { "三级甲等".into() },
        psc_percent: overall,
        quality: Vec::new(),
        model_id: "whisper-base-q8_0".into(),
        syllables,
    }
}

pub fn add(store: &mut Store, a: &NewAttempt) -> shiliu_store::AttemptId {
    store.transact(|tx| tx.add_attempt(a)).unwrap()
}
