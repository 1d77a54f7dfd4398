//! Scale benchmark: a school's years of work in one database, and how fast the app's queries
//! answer over it.
//!
//! ```sh
//! cargo run --release -p shiliu-store --example scale -- [--students 200] [--attempts 5000] [--db PATH]
//! ```
//!
//! Builds (or reuses, when `--db` already holds the load) 200 students in 5 classes of 40, each
//! with 5,000 attempts over two years — 1,000,000 attempts of 1–4 syllables (about 2.5 on
//! average) — through the store's own `add_attempt`, 1,000 attempts per transaction. The load is
//! generated: real Mandarin syllables, each student with two weak contrasts and some tone
//! errors. Then it prints the median of 21 runs of each query the app makes, and the file size.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use shiliu_pinyin::{Contrast, Syllable, Tone, confusable_neighbours, syllable_table};
use shiliu_store::{
    ClassId, Curriculum, CurriculumItem, CurriculumUnit, Focus, ItemId, NewAttempt, NewStudent, PackId, ProblemKind,
    Scores, Store, StudentId, SyllableOutcome, SyllableProblem, Timestamp, UnitId, Verdict,
};

const CLASS_SIZE: usize = 40;
const UNITS: usize = 40;
const ITEMS_PER_UNIT: usize = 25;
const BATCH: usize = 1000;
const RUNS: usize = 21;
const DAY_MS: i64 = 86_400_000;

struct Args {
    students: usize,
    attempts: usize,
    db: PathBuf,
}

fn args() -> Args {
    let mut a = Args { students: 200, attempts: 5000, db: std::env::temp_dir().join("shiliu-scale/shiliu.sqlite3") };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--students" => a.students = value.parse().expect("--students N"),
            "--attempts" => a.attempts = value.parse().expect("--attempts N"),
            "--db" => a.db = value.into(),
            other => panic!("unknown option {other}"),
        }
    }
    a
}

/// 40 units × 25 items; each item 1–4 syllables; every fifth item declared a drill of the
/// first contrast its first syllable exercises.
fn lessons(rng: &mut fastrand::Rng) -> (Curriculum, Vec<Vec<Syllable>>) {
    let table = syllable_table();
    let mut items = Vec::new();
    let mut units = Vec::new();
    for u in 0..UNITS {
        let mut unit =
            CurriculumUnit { pack: PackId::new("basics"), unit: UnitId::new(format!("u{u:02}")), items: vec![] };
        for i in 0..ITEMS_PER_UNIT {
            let syllables: Vec<Syllable> = (0..rng.usize(1..=4))
                .map(|_| {
                    let (initial, final_) = table[rng.usize(..table.len())];
                    Syllable::new(initial, final_, Tone::FULL[rng.usize(..4)])
                })
                .collect();
            let focus = if i % 5 == 0 {
                confusable_neighbours(&syllables[0]).first().map(|(_, c)| Focus::Contrast(*c)).into_iter().collect()
            } else {
                vec![]
            };
            unit.items.push(CurriculumItem { item: ItemId::new(format!("u{u:02}-{i:02}")), focus });
            items.push(syllables);
        }
        units.push(unit);
    }
    (Curriculum { units }, items)
}

/// A student's weak spots: two contrasts missed 35 % of the time, tones 10 %.
struct Profile {
    weak: [Contrast; 2],
}

fn outcome(rng: &mut fastrand::Rng, profile: &Profile, s: &Syllable) -> SyllableOutcome {
    let pinyin = s.to_numbered();
    let tone = s.tone.number();
    let mut out = SyllableOutcome {
        hanzi: "字".into(),
        expected: pinyin.clone(),
        heard: Some(pinyin),
        initial_ok: true,
        final_ok: true,
        tone_ok: Some(true),
        tone_expected: tone,
        tone_heard: Some(tone),
        verdict: Verdict::Ok,
        score: 85.0 + rng.f32() * 15.0,
        problem: None,
    };
    let neighbours = confusable_neighbours(s);
    let slip = neighbours.iter().find(|(_, c)| profile.weak.contains(c) && rng.f32() < 0.35);
    if let Some((heard, c)) = slip {
        let initial = heard.initial != s.initial;
        let (expected, said) =
            if initial { (s.initial.name(), heard.initial.name()) } else { (s.final_.name(), heard.final_.name()) };
        out.heard = Some(heard.to_numbered());
        out.initial_ok = !initial;
        out.final_ok = initial;
        out.verdict = Verdict::Error;
        out.score = 20.0 + rng.f32() * 30.0;
        let kind = if initial { ProblemKind::Initial } else { ProblemKind::Final };
        out.problem = Some(SyllableProblem {
            kind,
            expected: expected.into(),
            heard: Some(said.into()),
            contrast: Some(c.name().into()),
        });
    } else if rng.f32() < 0.10 {
        let other = Tone::FULL.into_iter().filter(|t| *t != s.tone).nth(rng.usize(..3)).unwrap_or(Tone::First).number();
        out.tone_heard = Some(other);
        out.tone_ok = Some(false);
        out.verdict = if rng.bool() { Verdict::Error } else { Verdict::Defect };
        out.score = 40.0 + rng.f32() * 30.0;
        out.problem = Some(SyllableProblem {
            kind: ProblemKind::Tone,
            expected: tone.to_string(),
            heard: Some(other.to_string()),
            contrast: Some("tone".into()),
        });
    }
    out
}

struct Load {
    classes: Vec<ClassId>,
    students: Vec<StudentId>,
    profiles: Vec<Profile>,
}

fn people(store: &mut Store, n: usize, rng: &mut fastrand::Rng) -> Load {
    let existing = store.students().unwrap();
    let (classes, students) = if existing.len() >= n {
        (
            store.classes().unwrap().into_iter().map(|c| c.id).collect(),
            existing.into_iter().map(|s| s.id).take(n).collect(),
        )
    } else {
        store
            .transact(|tx| {
                let school = tx.ensure_facility("Scale Test School")?;
                let mut classes = Vec::new();
                let mut students = Vec::new();
                for i in 0..n {
                    if i % CLASS_SIZE == 0 {
                        let class = tx.add_class(school, &format!("class {}", i / CLASS_SIZE + 1), Some(3))?;
                        for u in 0..8 {
                            tx.set_assignment(class, &PackId::new("basics"), &UnitId::new(format!("u{u:02}")), true)?;
                        }
                        classes.push(class);
                    }
                    let name = format!("student {i:03}");
                    let id = tx.add_student(school, &NewStudent { name, ..Default::default() })?;
                    tx.set_class_member(*classes.last().unwrap(), id, true)?;
                    students.push(id);
                }
                Ok((classes, students))
            })
            .unwrap()
    };
    let segmental = &Contrast::ALL[..7];
    let profiles = (0..n).map(|_| Profile { weak: [segmental[rng.usize(..7)], segmental[rng.usize(..7)]] }).collect();
    Load { classes, students, profiles }
}

fn attempt(
    rng: &mut fastrand::Rng,
    load: &Load,
    items: &[Vec<Syllable>],
    s: usize,
    j: usize,
    start: i64,
    step: i64,
) -> NewAttempt {
    let reached = (j / 5).min(items.len() - 1);
    let item = if rng.f32() < 0.6 { reached } else { rng.usize(..=reached) };
    let syllables: Vec<SyllableOutcome> = items[item].iter().map(|syl| outcome(rng, &load.profiles[s], syl)).collect();
    let overall = syllables.iter().map(|o| o.score).sum::<f32>() / syllables.len() as f32;
    let quality = match rng.u32(..1000) {
        0..5 => vec!["no_speech".to_owned()],
        5..25 => vec!["noisy".to_owned()],
        _ => vec![],
    };
    NewAttempt {
        student: load.students[s],
        pack: PackId::new("basics"),
        pack_version: "1.0.0".into(),
        unit: UnitId::new(format!("u{:02}", item / ITEMS_PER_UNIT)),
        item: ItemId::new(format!("u{:02}-{:02}", item / ITEMS_PER_UNIT, item % ITEMS_PER_UNIT)),
        at: Timestamp::from_millis(start + j as i64 * step + rng.i64(0..step / 2)),
        duration_ms: 1500 + rng.u32(..1500),
        scores: Scores { overall, accuracy: overall, completeness: 100.0, fluency: 85.0, tone: overall },
        psc_band: if overall >= 87.0 {
            "二级甲等".into()
        } else if overall >= 80.0 {
            "二级乙等".into()
        } else {
            "三级甲等".into()
        },
        psc_percent: overall,
        quality,
        model_id: "whisper-base-q8_0".into(),
        syllables,
    }
}

fn median(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64() * 1000.0
}

fn time<T>(mut f: impl FnMut(usize) -> T) -> f64 {
    median(
        (0..RUNS)
            .map(|i| {
                let t = Instant::now();
                std::hint::black_box(f(i));
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let a = args();
    let mut rng = fastrand::Rng::with_seed(2024);
    let (curriculum, items) = lessons(&mut rng);
    let mut store = Store::open(&a.db).unwrap();
    let load = people(&mut store, a.students, &mut rng);
    let target = (a.students * a.attempts) as u64;
    let now = Timestamp::now();
    let step = 730 * DAY_MS / a.attempts as i64;
    let start = now.millis() - 730 * DAY_MS;
    let have = store.count_attempts().unwrap();
    if have < target {
        println!("loading {target} attempts into {} …", a.db.display());
        let begun = Instant::now();
        let mut pending = Vec::with_capacity(BATCH);
        for j in 0..a.attempts {
            for s in 0..a.students {
                pending.push(attempt(&mut rng, &load, &items, s, j, start, step));
                if pending.len() == BATCH {
                    store.transact(|tx| pending.iter().try_for_each(|p| tx.add_attempt(p).map(|_| ()))).unwrap();
                    pending.clear();
                }
            }
            if j % 500 == 499 {
                println!("  {} attempts, {:.0} s", (j + 1) * a.students, begun.elapsed().as_secs_f64());
            }
        }
        store.transact(|tx| pending.iter().try_for_each(|p| tx.add_attempt(p).map(|_| ()))).unwrap();
        println!(
            "loaded in {:.0} s ({:.0} µs per attempt in batches of {BATCH})",
            begun.elapsed().as_secs_f64(),
            begun.elapsed().as_secs_f64() * 1e6 / target as f64
        );
    }
    report(&mut store, &load, &curriculum, &items, &a, now, start, step, &mut rng);
}

#[allow(clippy::too_many_arguments)]
fn report(
    store: &mut Store,
    load: &Load,
    curriculum: &Curriculum,
    items: &[Vec<Syllable>],
    a: &Args,
    now: Timestamp,
    start: i64,
    step: i64,
    rng: &mut fastrand::Rng,
) {
    let attempts = store.count_attempts().unwrap();
    let class = load.classes[0];
    let pick = |i: usize| load.students[(i * 37) % load.students.len()];
    let recent = Some(now.minus_days(56));
    let mut rows = Vec::new();
    rows.push((
        "insert one attempt (own transaction, fsync)",
        time(|i| {
            let s = (i * 37) % load.students.len();
            let new = attempt(rng, load, items, s, a.attempts - 1, start, step);
            store.transact(|tx| tx.add_attempt(&new)).unwrap()
        }),
    ));
    rows.push(("class heatmap, all time (40 students)", time(|_| store.class_heatmap(class, None).unwrap())));
    rows.push(("class heatmap, last 8 weeks", time(|_| store.class_heatmap(class, recent).unwrap())));
    rows.push((
        "class confusions, top 10 with drills, all time",
        time(|_| store.class_confusions(class, None, 10, Some(curriculum)).unwrap()),
    ));
    rows.push((
        "class confusions, top 10 with drills, last 8 weeks",
        time(|_| store.class_confusions(class, recent, 10, Some(curriculum)).unwrap()),
    ));
    rows.push(("class summary (40 students)", time(|_| store.class_summary(class, now).unwrap())));
    rows.push((
        "student report (progress + weakest + PSC trend + 10 recent)",
        time(|i| {
            let s = pick(i);
            (
                store.student_progress(s, now, Some(curriculum)).unwrap(),
                store.weakest_sounds(s, now, 10).unwrap(),
                store.psc_trend(s).unwrap(),
                store.recent_attempts(s, 10).unwrap(),
            )
        }),
    ));
    rows.push((
        "  of which progress per unit",
        time(|i| store.student_progress(pick(i), now, Some(curriculum)).unwrap()),
    ));
    rows.push(("  of which weakest sounds", time(|i| store.weakest_sounds(pick(i), now, 10).unwrap())));
    rows.push(("  of which PSC trend", time(|i| store.psc_trend(pick(i)).unwrap())));
    rows.push(("  of which 10 recent attempts", time(|i| store.recent_attempts(pick(i), 10).unwrap())));
    rows.push(("next items (10) for a student", time(|i| store.next_items(pick(i), now, 10, curriculum).unwrap())));
    let me = store.device().id;
    rows.push((
        "sync: 1,000 changes after a counter",
        time(|i| store.changes_since(me, (i * 40_000) as i64, 1000).unwrap()),
    ));

    println!(
        "\n{attempts} attempts, {} students, {} classes; median of {RUNS} runs",
        load.students.len(),
        load.classes.len()
    );
    println!("| query | median ms |\n|---|---:|");
    for (name, ms) in rows {
        println!("| {name} | {ms:.2} |");
    }
    let backup = a.db.with_extension("backup");
    let t = Instant::now();
    let bytes = store.backup_to(&backup).unwrap();
    println!("| online backup ({:.0} MB) | {:.0} |", bytes as f64 / 1e6, t.elapsed().as_secs_f64() * 1000.0);
    let _ = std::fs::remove_file(&backup);
    drop(std::mem::replace(store, Store::open_read_only(&a.db).unwrap()));
    sizes(&a.db, attempts);
}

fn sizes(db: &std::path::Path, attempts: u64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    let size = std::fs::metadata(db).unwrap().len();
    println!("\ndatabase file: {:.0} MB ({:.0} bytes per attempt)", size as f64 / 1e6, size as f64 / attempts as f64);
    let stat = conn.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12");
    if let Ok(mut stmt) = stat {
        println!("| table or index | MB |\n|---|---:|");
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap();
        for row in rows.flatten() {
            println!("| {} | {:.1} |", row.0, row.1 as f64 / 1e6);
        }
    }
}
