//! One student's reports: progress per unit, weakest sounds, PSC band trend.

use std::collections::{BTreeMap, HashMap};

use rusqlite::params;
use serde::Serialize;

use super::{MIN_TRIES, RECENT_WEEKS, rate, sound_order};
use crate::derived::SoundKind;
use crate::error::Result;
use crate::ids::{PackId, StudentId, UnitId};
use crate::people::student_key;
use crate::review::{Curriculum, MASTERED_SCORE};
use crate::store::Store;
use crate::time::{Timestamp, week_start};

/// Tries in the recent weeks before their error rate, rather than all time, ranks a sound.
pub const RANK_RECENT_TRIES: u32 = 10;

/// How a sound's error rate moved: the last [`RECENT_WEEKS`] weeks against the weeks before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// The error rate fell by more than 5 points.
    Improving,
    /// The error rate rose by more than 5 points.
    Worsening,
    Steady,
    /// Too few tries in one of the two periods to tell.
    Unknown,
}

impl Trend {
    pub fn name(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Worsening => "worsening",
            Trend::Steady => "steady",
            Trend::Unknown => "unknown",
        }
    }
}

/// A student's record on one initial, final or tone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoundStat {
    pub kind: SoundKind,
    pub sound: String,
    pub tries: u32,
    pub misses: u32,
    /// The error rate the ranking uses: the recent weeks' when they hold at least
    /// [`RANK_RECENT_TRIES`] tries, else all time.
    pub error_rate: f32,
    pub recent_rate: Option<f32>,
    pub earlier_rate: Option<f32>,
    pub trend: Trend,
}

/// A student's progress through one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitProgress {
    pub pack: PackId,
    pub unit: UnitId,
    /// Items in the unit, when the curriculum was given.
    pub items_total: Option<u32>,
    pub items_tried: u32,
    /// Items whose best score reached [`MASTERED_SCORE`].
    pub items_mastered: u32,
    pub mean_best_score: Option<f32>,
    pub reviews_due: u32,
}

/// One week of PSC estimates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PscWeek {
    pub week_start: Timestamp,
    pub attempts: u32,
    pub mean_percent: f32,
    /// The PSC grade of the week's mean percentage.
    pub band: String,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    tries: u32,
    misses: u32,
}

impl Tally {
    fn add(&mut self, tries: u32, misses: u32) {
        self.tries += tries;
        self.misses += misses;
    }
}

impl Store {
    /// The student's initials, finals and tones with at least [`MIN_TRIES`] tries, weakest first.
    pub fn weakest_sounds(&self, student: StudentId, now: Timestamp, limit: usize) -> Result<Vec<SoundStat>> {
        let key = student_key(self.conn(), student)?;
        let this_week = now.week();
        let mut tallies: HashMap<(SoundKind, String), [Tally; 3]> = HashMap::new();
        let mut stmt = self.conn().prepare_cached(include_str!("student_sounds.sql"))?;
        let mut rows = stmt.query([key])?;
        while let Some(r) = rows.next()? {
            let Some(kind) = SoundKind::from_name(&r.get::<_, String>(0)?) else { continue };
            let (week, tries, misses): (i64, u32, u32) = (r.get(2)?, r.get(3)?, r.get(4)?);
            let t = tallies.entry((kind, r.get(1)?)).or_default();
            t[0].add(tries, misses);
            let age = this_week - week;
            if (0..RECENT_WEEKS).contains(&age) {
                t[1].add(tries, misses);
            } else if (RECENT_WEEKS..2 * RECENT_WEEKS).contains(&age) {
                t[2].add(tries, misses);
            }
        }
        let mut out: Vec<SoundStat> = tallies
            .into_iter()
            .filter(|(_, [all, ..])| all.tries >= MIN_TRIES)
            .map(|((kind, sound), [all, recent, earlier])| {
                let recent_rate = rate(recent.tries, recent.misses);
                let earlier_rate = rate(earlier.tries, earlier.misses);
                let trend = match (recent_rate, earlier_rate) {
                    (Some(r), Some(e)) if r < e - 0.05 => Trend::Improving,
                    (Some(r), Some(e)) if r > e + 0.05 => Trend::Worsening,
                    (Some(_), Some(_)) => Trend::Steady,
                    _ => Trend::Unknown,
                };
                let error_rate = match recent_rate {
                    Some(r) if recent.tries >= RANK_RECENT_TRIES => r,
                    _ => all.misses as f32 / all.tries as f32,
                };
                SoundStat {
                    kind,
                    sound,
                    tries: all.tries,
                    misses: all.misses,
                    error_rate,
                    recent_rate,
                    earlier_rate,
                    trend,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.error_rate
                .total_cmp(&a.error_rate)
                .then(b.misses.cmp(&a.misses))
                .then_with(|| sound_order(a.kind, &a.sound).cmp(&sound_order(b.kind, &b.sound)))
        });
        out.truncate(limit);
        Ok(out)
    }

    /// Progress per unit: in curriculum order (assigned units included even before the first
    /// try) when the curriculum is given, else every unit tried, by id.
    pub fn student_progress(
        &self,
        student: StudentId,
        now: Timestamp,
        curriculum: Option<&Curriculum>,
    ) -> Result<Vec<UnitProgress>> {
        let key = student_key(self.conn(), student)?;
        let mut stmt = self.conn().prepare_cached(include_str!("student_units.sql"))?;
        let mut tried: BTreeMap<(PackId, UnitId), UnitProgress> = BTreeMap::new();
        let rows = stmt.query_map(params![key, MASTERED_SCORE, now.millis()], |r| {
            Ok(UnitProgress {
                pack: r.get(0)?,
                unit: r.get(1)?,
                items_total: None,
                items_tried: r.get(2)?,
                items_mastered: r.get(3)?,
                mean_best_score: r.get::<_, Option<f64>>(4)?.map(|v| v as f32),
                reviews_due: r.get(5)?,
            })
        })?;
        for row in rows {
            let p = row?;
            tried.insert((p.pack.clone(), p.unit.clone()), p);
        }
        let Some(curriculum) = curriculum else { return Ok(tried.into_values().collect()) };
        let assigned = self.student_assignments(student)?;
        let mut out = Vec::new();
        for u in &curriculum.units {
            let is_assigned = assigned.iter().any(|a| a.pack == u.pack && a.unit == u.unit);
            let entry = tried.remove(&(u.pack.clone(), u.unit.clone()));
            if entry.is_none() && !is_assigned {
                continue;
            }
            let mut p = entry.unwrap_or(UnitProgress {
                pack: u.pack.clone(),
                unit: u.unit.clone(),
                items_total: None,
                items_tried: 0,
                items_mastered: 0,
                mean_best_score: None,
                reviews_due: 0,
            });
            p.items_total = Some(u.items.len() as u32);
            out.push(p);
        }
        // Units no longer in the curriculum (an old pack) still show what was done.
        out.extend(tried.into_values());
        Ok(out)
    }

    /// The student's PSC estimates week by week, oldest first (recordings with nothing said
    /// left out).
    pub fn psc_trend(&self, student: StudentId) -> Result<Vec<PscWeek>> {
        let key = student_key(self.conn(), student)?;
        let mut weeks: BTreeMap<i64, (u32, f64)> = BTreeMap::new();
        let mut stmt = self.conn().prepare_cached(include_str!("student_psc.sql"))?;
        let mut rows = stmt.query([key])?;
        while let Some(r) = rows.next()? {
            let (week, attempts, sum): (i64, u32, f64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let w = weeks.entry(week).or_default();
            w.0 += attempts;
            w.1 += sum;
        }
        Ok(weeks
            .into_iter()
            .map(|(week, (n, sum))| {
                let mean_percent = (sum / f64::from(n.max(1))) as f32;
                PscWeek {
                    week_start: week_start(week),
                    attempts: n,
                    mean_percent,
                    band: shiliu_pinyin::psc_band(mean_percent).zh.to_owned(),
                }
            })
            .collect())
    }
}
