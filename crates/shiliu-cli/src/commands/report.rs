//! `shiliu report class NAME` and `shiliu report student NAME`: what a teacher needs to see,
//! as readable tables, and as CSV files with `--csv DIR`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};
use shiliu_paths::DataDir;
use shiliu_store::{Heatmap, Store, Timestamp};

use super::db::DbArg;
use super::table::{Table, percent};

/// Sound columns shown in the class heatmap (the ones the class misses most).
const HEATMAP_COLUMNS: usize = 12;

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// A class: its students, the sounds they miss, their most common confusions.
    Class {
        name: String,
        /// Only the last N weeks for sounds and confusions (default: all time).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=520))]
        weeks: Option<u32>,
        /// Also write CLASS-students.csv, CLASS-sounds.csv and CLASS-confusions.csv into this folder.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
    },
    /// A student: progress per unit, weakest sounds, PSC trend, recent attempts.
    Student {
        name: String,
        /// The class, when two students share the name.
        #[arg(long)]
        class: Option<String>,
        /// Also write STUDENT-progress.csv, -sounds.csv, -psc.csv and -attempts.csv into this folder.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
    },
}

pub fn run(args: ReportArgs, data: &DataDir) -> Result<()> {
    let store = args.db.open_existing(data)?;
    let now = Timestamp::now();
    match args.command {
        ReportCommand::Class { name, weeks, csv } => class_report(&store, &name, weeks, csv.as_deref(), now),
        ReportCommand::Student { name, class, csv } => {
            student_report(&store, &name, class.as_deref(), csv.as_deref(), now)
        }
    }
}

/// Where a report's CSV files go: a folder, and the class's or student's name before each
/// file name, so reports of several classes exported to one stick do not replace each other.
struct CsvOut<'a> {
    dir: &'a Path,
    subject: String,
}

impl<'a> CsvOut<'a> {
    fn new(dir: Option<&'a Path>, subject: &str) -> Option<CsvOut<'a>> {
        // Characters no file name may hold on Windows, where a stick is read as often.
        let subject =
            subject.chars().map(|c| if r#"/\:*?"<>|"#.contains(c) || c.is_control() { '_' } else { c }).collect();
        dir.map(|dir| CsvOut { dir, subject })
    }

    fn write(&self, table: &Table, file: &str) -> Result<std::path::PathBuf> {
        table.write_csv(self.dir, &format!("{}-{file}", self.subject))
    }
}

fn section(title: &str, table: &Table, csv: Option<&CsvOut>, file: &str) -> Result<()> {
    println!("\n{title}");
    if table.is_empty() {
        println!("  (nothing yet)");
    } else {
        print!("{}", table.render());
    }
    if let Some(dir) = csv {
        println!("  → {}", dir.write(table, file)?.display());
    }
    Ok(())
}

fn date(t: Option<Timestamp>) -> String {
    t.map(Timestamp::date).unwrap_or_else(|| "–".to_owned())
}

fn score(v: Option<f32>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}"))
}

fn class_report(store: &Store, name: &str, weeks: Option<u32>, csv: Option<&Path>, now: Timestamp) -> Result<()> {
    let class = store.find_class(name)?;
    let csv = CsvOut::new(csv, &class.name);
    let csv = csv.as_ref();
    let since = weeks.map(|w| now.minus_days(i64::from(w) * 7));
    let teachers: Vec<String> = store.class_teachers(class.id)?.into_iter().map(|t| t.name).collect();
    let units: Vec<String> =
        store.assignments(class.id)?.into_iter().map(|a| format!("{}/{}", a.pack, a.unit)).collect();
    println!(
        "{} — {} students{}{}",
        class.name,
        class.students,
        class.grade.map(|g| format!(", grade {g}")).unwrap_or_default(),
        if teachers.is_empty() { String::new() } else { format!(", teachers: {}", teachers.join(", ")) }
    );
    println!("units assigned: {}", if units.is_empty() { "none".to_owned() } else { units.join(", ") });
    println!("period: {}", weeks.map_or("all time".to_owned(), |w| format!("the last {w} weeks")));

    let mut students = Table::new(&["student", "attempts", "mean score", "mastered", "reviews due", "last active"])
        .numeric(&[1, 2, 3, 4]);
    for s in store.class_summary(class.id, now)? {
        students.row(vec![
            s.student.name,
            s.attempts.to_string(),
            score(s.mean_score),
            s.items_mastered.to_string(),
            s.reviews_due.to_string(),
            date(s.last_active),
        ]);
    }
    section("Students", &students, csv, "students")?;

    let map = store.class_heatmap(class.id, since)?;
    print_heatmap(&map);
    if let Some(csv) = csv {
        println!("  → {}", csv.write(&heatmap_long(&map), "sounds")?.display());
    }

    let mut confusions =
        Table::new(&["expected", "heard", "kind", "contrast", "times", "students", "drill"]).numeric(&[4, 5]);
    for c in store.class_confusions(class.id, since, 10, None)? {
        let drills: Vec<String> = c.drills.iter().map(|d| format!("{}/{}", d.pack, d.item)).collect();
        confusions.row(vec![
            c.expected,
            c.heard.unwrap_or_else(|| "?".into()),
            c.kind,
            c.contrast.unwrap_or_default(),
            c.count.to_string(),
            c.students.to_string(),
            drills.join(" "),
        ]);
    }
    section("Most common confusions (drill: the items where the class made them)", &confusions, csv, "confusions")
}

/// Students × the sounds the class misses most, as error rates.
fn print_heatmap(map: &Heatmap) {
    println!("\nSounds missed (error rate; – fewer than {} tries)", shiliu_store::MIN_TRIES);
    let rates = map.class_rates();
    let mut columns: Vec<usize> = (0..map.sounds.len()).filter(|&j| rates[j].is_some()).collect();
    columns.sort_by(|&a, &b| rates[b].unwrap_or(0.0).total_cmp(&rates[a].unwrap_or(0.0)));
    columns.truncate(HEATMAP_COLUMNS);
    if columns.is_empty() {
        println!("  (nothing yet)");
        return;
    }
    let label = |j: usize| {
        let (kind, sound) = &map.sounds[j];
        if kind.name() == "tone" { format!("tone {sound}") } else { sound.clone() }
    };
    let header: Vec<String> = std::iter::once("student".to_owned()).chain(columns.iter().map(|&j| label(j))).collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = Table::new(&header_refs).numeric(&(1..header.len()).collect::<Vec<_>>());
    for (i, (_, name)) in map.students.iter().enumerate() {
        let cells = columns.iter().map(|&j| percent(map.cells[i][j].and_then(|c| c.error_rate())));
        table.row(std::iter::once(name.clone()).chain(cells).collect());
    }
    table.row(std::iter::once("(class)".to_owned()).chain(columns.iter().map(|&j| percent(rates[j]))).collect());
    print!("{}", table.render());
}

/// The whole heatmap, one row per student and sound, for spreadsheets.
fn heatmap_long(map: &Heatmap) -> Table {
    let mut table = Table::new(&["student", "kind", "sound", "tries", "misses", "error rate"]);
    for (i, (_, name)) in map.students.iter().enumerate() {
        for (j, (kind, sound)) in map.sounds.iter().enumerate() {
            if let Some(c) = map.cells[i][j] {
                let rate = format!("{:.3}", c.misses as f32 / c.tries.max(1) as f32);
                table.row(vec![
                    name.clone(),
                    kind.name().into(),
                    sound.clone(),
                    c.tries.to_string(),
                    c.misses.to_string(),
                    rate,
                ]);
            }
        }
    }
    table
}

fn student_report(store: &Store, name: &str, class: Option<&str>, csv: Option<&Path>, now: Timestamp) -> Result<()> {
    let within = class.map(|c| store.find_class(c)).transpose()?.map(|c| c.id);
    let s = store.find_student(name, within)?;
    let csv = CsvOut::new(csv, &s.name);
    let csv = csv.as_ref();
    let classes: Vec<String> = store.classes_of_student(s.id)?.into_iter().map(|c| c.name).collect();
    println!(
        "{} — {}{}{}{}",
        s.name,
        if classes.is_empty() { "no class".to_owned() } else { classes.join(", ") },
        s.grade.map(|g| format!(", grade {g}")).unwrap_or_default(),
        s.first_language.as_deref().map(|l| format!(", first language {l}")).unwrap_or_default(),
        s.dialect.as_deref().map(|d| format!(", dialect {d}")).unwrap_or_default(),
    );

    let mut progress =
        Table::new(&["pack", "unit", "items tried", "mastered", "mean best", "reviews due"]).numeric(&[2, 3, 4, 5]);
    for p in store.student_progress(s.id, now, None)? {
        progress.row(vec![
            p.pack.to_string(),
            p.unit.to_string(),
            p.items_tried.to_string(),
            p.items_mastered.to_string(),
            score(p.mean_best_score),
            p.reviews_due.to_string(),
        ]);
    }
    section("Progress per unit", &progress, csv, "progress")?;

    let mut sounds =
        Table::new(&["sound", "kind", "tries", "misses", "error rate", "last 4 weeks", "4 weeks before", "trend"])
            .numeric(&[2, 3, 4, 5, 6]);
    for w in store.weakest_sounds(s.id, now, 10)? {
        let label = if w.kind.name() == "tone" { format!("tone {}", w.sound) } else { w.sound.clone() };
        sounds.row(vec![
            label,
            w.kind.name().into(),
            w.tries.to_string(),
            w.misses.to_string(),
            percent(Some(w.error_rate)),
            percent(w.recent_rate),
            percent(w.earlier_rate),
            w.trend.name().into(),
        ]);
    }
    section("Weakest sounds", &sounds, csv, "sounds")?;

    let mut psc = Table::new(&["week of", "attempts", "mean %", "band"]).numeric(&[1, 2]);
    let weeks = store.psc_trend(s.id)?;
    for w in weeks.iter().rev().take(12).rev() {
        psc.row(vec![w.week_start.date(), w.attempts.to_string(), format!("{:.0}", w.mean_percent), w.band.clone()]);
    }
    section("PSC estimate by week (latest 12)", &psc, csv, "psc")?;

    let mut recent = Table::new(&["when (UTC)", "item", "overall", "tone", "band", "problems"]).numeric(&[2, 3]);
    for a in store.recent_attempts(s.id, 10)? {
        let problems: Vec<String> = a
            .syllables
            .iter()
            .filter_map(|syl| {
                let p = syl.problem.as_ref()?;
                Some(format!("{} {}→{}", syl.hanzi, p.expected, p.heard.as_deref().unwrap_or("?")))
            })
            .collect();
        recent.row(vec![
            a.at.date_time(),
            format!("{}/{}", a.pack, a.item),
            format!("{:.0}", a.scores.overall),
            format!("{:.0}", a.scores.tone),
            a.psc_band,
            if a.quality.is_empty() {
                problems.join(", ")
            } else {
                format!("({}) {}", a.quality.join(" "), problems.join(", "))
            },
        ]);
    }
    section("Recent attempts", &recent, csv, "attempts")
}
