//! A class's reports: students at a glance, the sound heatmap, the most common confusions.

use std::collections::{BTreeSet, HashMap};

use rusqlite::params;
use serde::Serialize;

use super::{rate, sound_order};
use crate::derived::SoundKind;
use crate::error::Result;
use crate::ids::{ClassId, ItemId, PackId, StudentId, UnitId};
use crate::people::Student;
use crate::review::{Curriculum, Focus, MASTERED_SCORE};
use crate::store::Store;
use crate::time::Timestamp;

/// One row of the class table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudentSummary {
    pub student: Student,
    /// Attempts that counted (recordings with speech).
    pub attempts: u32,
    pub last_active: Option<Timestamp>,
    /// Mean of each item's latest score.
    pub mean_score: Option<f32>,
    pub items_mastered: u32,
    pub reviews_due: u32,
}

/// Students × sounds; a cell holds that student's tries and misses on that sound.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heatmap {
    pub students: Vec<(StudentId, String)>,
    pub sounds: Vec<(SoundKind, String)>,
    /// `cells[student][sound]`; `None` when the student never tried the sound.
    pub cells: Vec<Vec<Option<HeatmapCell>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeatmapCell {
    pub tries: u32,
    pub misses: u32,
}

impl HeatmapCell {
    /// The error rate, or `None` with too few tries to say.
    pub fn error_rate(self) -> Option<f32> {
        rate(self.tries, self.misses)
    }
}

impl Heatmap {
    /// The class's error rate per sound (all students' tries pooled), in column order.
    pub fn class_rates(&self) -> Vec<Option<f32>> {
        (0..self.sounds.len())
            .map(|j| {
                let (t, m) =
                    self.cells.iter().filter_map(|row| row[j]).fold((0, 0), |(t, m), c| (t + c.tries, m + c.misses));
                rate(t, m)
            })
            .collect()
    }
}

/// Something the class says instead of something else.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    /// initial | final | tone | omitted | misread
    pub kind: String,
    pub expected: String,
    pub heard: Option<String>,
    pub contrast: Option<String>,
    pub count: u32,
    pub students: u32,
    pub drills: Vec<DrillSuggestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillSource {
    /// A curriculum item made to drill this contrast or tone.
    Drills,
    /// An item on which this class made this confusion most.
    ClassMissedHere,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrillSuggestion {
    pub pack: PackId,
    pub item: ItemId,
    pub unit: Option<UnitId>,
    pub source: DrillSource,
}

/// kind, expected, heard, contrast.
type ConfusionKey = (String, String, String, String);

/// One confusion's count, the students who made it and the items it happened on.
#[derive(Default)]
struct Tally {
    count: u32,
    students: BTreeSet<i64>,
    items: HashMap<(PackId, ItemId), u32>,
}

/// Suggestions per confusion, of each source.
const DRILLS_PER_SOURCE: usize = 3;

impl Store {
    /// One summary per student in the class, by name.
    pub fn class_summary(&self, class: ClassId, now: Timestamp) -> Result<Vec<StudentSummary>> {
        let students = self.class_students(class)?;
        let mut stmt = self.conn().prepare_cached(include_str!("class_students_summary.sql"))?;
        let rows = stmt.query_map(params![class, MASTERED_SCORE, now.millis()], |r| {
            let activity = (
                r.get::<_, Option<u32>>(1)?.unwrap_or(0),
                r.get::<_, Option<i64>>(2)?.map(Timestamp::from_millis),
                r.get::<_, Option<f64>>(3)?.map(|m| m as f32),
                r.get::<_, Option<u32>>(4)?.unwrap_or(0),
                r.get::<_, Option<u32>>(5)?.unwrap_or(0),
            );
            Ok((r.get::<_, StudentId>(0)?, activity))
        })?;
        let mut activity: HashMap<StudentId, _> = rows.collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(students.len());
        for student in students {
            let (attempts, last_active, mean_score, items_mastered, reviews_due) =
                activity.remove(&student.id).unwrap_or_default();
            out.push(StudentSummary { student, attempts, last_active, mean_score, items_mastered, reviews_due });
        }
        Ok(out)
    }

    /// The class's students × initials, finals and tones, from `since` (all time when `None`).
    pub fn class_heatmap(&self, class: ClassId, since: Option<Timestamp>) -> Result<Heatmap> {
        let students = self.class_students(class)?;
        let mut stmt = match since {
            Some(_) => self.conn().prepare_cached(include_str!("class_sounds.sql"))?,
            None => self.conn().prepare_cached(include_str!("class_sound_totals.sql"))?,
        };
        let mut raw: Vec<(StudentId, SoundKind, String, HeatmapCell)> = Vec::new();
        let mut rows = match since {
            Some(t) => stmt.query(params![class, t.week()])?,
            None => stmt.query(params![class])?,
        };
        while let Some(r) = rows.next()? {
            let Some(kind) = SoundKind::from_name(&r.get::<_, String>(1)?) else { continue };
            raw.push((r.get(0)?, kind, r.get(2)?, HeatmapCell { tries: r.get(3)?, misses: r.get(4)? }));
        }
        let sounds: BTreeSet<((u8, usize), SoundKind, String)> =
            raw.iter().map(|(_, k, s, _)| (sound_order(*k, s), *k, s.clone())).collect();
        let sounds: Vec<(SoundKind, String)> = sounds.into_iter().map(|(_, k, s)| (k, s)).collect();
        let column: HashMap<(SoundKind, &str), usize> =
            sounds.iter().enumerate().map(|(j, (k, s))| ((*k, s.as_str()), j)).collect();
        let row: HashMap<StudentId, usize> = students.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        let mut cells = vec![vec![None; sounds.len()]; students.len()];
        for (id, kind, sound, cell) in &raw {
            if let (Some(&i), Some(&j)) = (row.get(id), column.get(&(*kind, sound.as_str()))) {
                cells[i][j] = Some(*cell);
            }
        }
        Ok(Heatmap { students: students.into_iter().map(|s| (s.id, s.name)).collect(), sounds, cells })
    }

    /// The class's most frequent confusions from `since`, each with items to drill it.
    pub fn class_confusions(
        &self,
        class: ClassId,
        since: Option<Timestamp>,
        limit: usize,
        curriculum: Option<&Curriculum>,
    ) -> Result<Vec<Confusion>> {
        // One pass over the class's confusion rows: totals, students and items per confusion.
        let mut tally: HashMap<ConfusionKey, Tally> = HashMap::new();
        let mut stmt = match since {
            Some(_) => self.conn().prepare_cached(include_str!("class_confusions.sql"))?,
            None => self.conn().prepare_cached(include_str!("class_confusion_totals.sql"))?,
        };
        let mut rows = match since {
            Some(t) => stmt.query(params![class, t.week()])?,
            None => stmt.query(params![class])?,
        };
        while let Some(r) = rows.next()? {
            let key: ConfusionKey = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let n: u32 = r.get(7)?;
            let t = tally.entry(key).or_default();
            t.count += n;
            t.students.insert(r.get(4)?);
            *t.items.entry((r.get(5)?, r.get(6)?)).or_default() += n;
        }
        let mut ranked: Vec<(ConfusionKey, Tally)> = tally.into_iter().collect();
        ranked.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(limit);
        Ok(ranked
            .into_iter()
            .map(|((kind, expected, heard, contrast), Tally { count, students, items })| {
                let mut c = Confusion {
                    kind,
                    expected,
                    heard: (!heard.is_empty()).then_some(heard),
                    contrast: (!contrast.is_empty()).then_some(contrast),
                    count,
                    students: students.len() as u32,
                    drills: Vec::new(),
                };
                c.drills = drills_for(&c, items, curriculum);
                c
            })
            .collect())
    }
}

/// Curriculum items declared to drill the confusion's contrast or tone, then the items on which
/// the class made it most.
fn drills_for(
    c: &Confusion,
    items: HashMap<(PackId, ItemId), u32>,
    curriculum: Option<&Curriculum>,
) -> Vec<DrillSuggestion> {
    let unit_of = |pack: &PackId, item: &ItemId| {
        curriculum.and_then(|cur| {
            cur.units
                .iter()
                .find(|u| &u.pack == pack && u.items.iter().any(|i| &i.item == item))
                .map(|u| u.unit.clone())
        })
    };
    let mut out = Vec::new();
    let focus = match (c.kind.as_str(), c.contrast.as_deref()) {
        ("tone", _) => c.expected.parse().ok().and_then(shiliu_pinyin::Tone::from_number).map(Focus::Tone),
        (_, Some(name)) => Focus::from_name(name).ok(),
        _ => None,
    };
    if let (Some(cur), Some(focus)) = (curriculum, focus) {
        let declared = cur
            .units
            .iter()
            .flat_map(|u| u.items.iter().map(move |i| (u, i)))
            .filter(|(_, i)| i.focus.iter().any(|f| f.covers(focus)))
            .take(DRILLS_PER_SOURCE);
        out.extend(declared.map(|(u, i)| DrillSuggestion {
            pack: u.pack.clone(),
            item: i.item.clone(),
            unit: Some(u.unit.clone()),
            source: DrillSource::Drills,
        }));
    }
    let mut missed: Vec<((PackId, ItemId), u32)> = items.into_iter().collect();
    missed.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for ((pack, item), _) in missed.into_iter().take(DRILLS_PER_SOURCE) {
        if !out.iter().any(|d| d.pack == pack && d.item == item) {
            let unit = unit_of(&pack, &item);
            out.push(DrillSuggestion { pack, item, unit, source: DrillSource::ClassMissedHere });
        }
    }
    out
}
