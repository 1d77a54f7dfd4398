//! What a student should practise next: due reviews, drills for weak contrasts, new items.
//!
//! The store does not know the lesson packs; the app passes their structure as a [`Curriculum`]
//! (units in teaching order, items in unit order, each item's focus). Assigned units come from
//! the student's classes; a student in no class with assignments follows the curriculum's order.
//!
//! The mix for `limit` slots: up to half due item reviews (most overdue first), up to 30 %
//! drills for weak contrasts (weakest first, one item each: the least recently practised item
//! declaring that focus, else the item where the student missed it most), and new items from the
//! assigned units for the rest. Slots one kind cannot fill go to the others, and the result is
//! interleaved so a session never starts with ten reviews in a row.

use std::collections::{HashMap, HashSet, VecDeque};

use rusqlite::params;
use serde::Serialize;

use super::{Focus, WEAK_AFTER_LAPSES};
use crate::error::Result;
use crate::ids::{ItemId, PackId, StudentId, UnitId};
use crate::people::student_key;
use crate::store::Store;
use crate::time::Timestamp;

/// The lesson packs' structure, as the app knows it.
#[derive(Debug, Clone, Default)]
pub struct Curriculum {
    pub units: Vec<CurriculumUnit>,
}

#[derive(Debug, Clone)]
pub struct CurriculumUnit {
    pub pack: PackId,
    pub unit: UnitId,
    /// In teaching order.
    pub items: Vec<CurriculumItem>,
}

#[derive(Debug, Clone)]
pub struct CurriculumItem {
    pub item: ItemId,
    /// The contrasts and tones the item drills.
    pub focus: Vec<Focus>,
}

/// Why an item was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NextReason {
    /// Its review is due.
    Review { due: Timestamp },
    /// It drills a contrast or tone the student keeps missing.
    WeakFocus { focus: String },
    /// Not yet tried, next in an assigned unit.
    New,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextItem {
    pub pack: PackId,
    pub unit: UnitId,
    pub item: ItemId,
    pub reason: NextReason,
}

type ItemKey = (PackId, ItemId);

impl Curriculum {
    fn unit_of(&self) -> HashMap<ItemKey, &UnitId> {
        let mut map = HashMap::new();
        for u in &self.units {
            for i in &u.items {
                map.insert((u.pack.clone(), i.item.clone()), &u.unit);
            }
        }
        map
    }

    /// Items declaring a focus that covers `wanted`, in curriculum order.
    fn items_for(&self, wanted: Focus) -> impl Iterator<Item = (&CurriculumUnit, &CurriculumItem)> {
        self.units
            .iter()
            .flat_map(|u| u.items.iter().map(move |i| (u, i)))
            .filter(move |(_, i)| i.focus.iter().any(|f| f.covers(wanted)))
    }
}

impl Store {
    /// Up to `limit` items for the student to do next (see the module documentation).
    pub fn next_items(
        &self,
        student: StudentId,
        now: Timestamp,
        limit: usize,
        curriculum: &Curriculum,
    ) -> Result<Vec<NextItem>> {
        let key = student_key(self.conn(), student)?;
        let units = curriculum.unit_of();
        let practised: HashMap<ItemKey, i64> = self
            .conn()
            .prepare_cached(include_str!("practised_items.sql"))?
            .query_map([key], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut taken: HashSet<ItemKey> = HashSet::new();

        let mut reviews = VecDeque::new();
        let mut stmt = self.conn().prepare_cached(include_str!("due_items.sql"))?;
        let due = stmt.query_map(params![key, now.millis(), (limit * 4) as i64], |r| {
            Ok((r.get::<_, PackId>(0)?, r.get::<_, ItemId>(1)?, r.get::<_, UnitId>(2)?, r.get::<_, i64>(3)?))
        })?;
        for row in due {
            let (pack, item, unit, due_ms) = row?;
            if units.contains_key(&(pack.clone(), item.clone())) && taken.insert((pack.clone(), item.clone())) {
                let reason = NextReason::Review { due: Timestamp::from_millis(due_ms) };
                reviews.push_back(NextItem { pack, unit, item, reason });
            }
        }

        let mut drills = VecDeque::new();
        let mut stmt = self.conn().prepare_cached(include_str!("weak_focus.sql"))?;
        let weak: Vec<String> = stmt
            .query_map(params![key, now.millis(), WEAK_AFTER_LAPSES], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for name in weak {
            let Ok(focus) = Focus::from_name(&name) else { continue };
            if let Some(pick) = self.drill_for(key, focus, curriculum, &units, &practised, &taken)? {
                taken.insert((pick.pack.clone(), pick.item.clone()));
                drills.push_back(pick);
            }
        }

        let mut fresh = VecDeque::new();
        let assigned = self.student_assignments(student)?;
        let order: Vec<&super::CurriculumUnit> = if assigned.is_empty() {
            curriculum.units.iter().collect()
        } else {
            assigned
                .iter()
                .filter_map(|a| curriculum.units.iter().find(|u| u.pack == a.pack && u.unit == a.unit))
                .collect()
        };
        'units: for u in order {
            for i in &u.items {
                let k = (u.pack.clone(), i.item.clone());
                if !practised.contains_key(&k) && taken.insert(k) {
                    fresh.push_back(NextItem {
                        pack: u.pack.clone(),
                        unit: u.unit.clone(),
                        item: i.item.clone(),
                        reason: NextReason::New,
                    });
                    if fresh.len() >= limit {
                        break 'units;
                    }
                }
            }
        }
        Ok(mix(limit, reviews, drills, fresh))
    }

    /// The item to drill a weak focus with, or `None` when nothing fits.
    fn drill_for(
        &self,
        key: i64,
        focus: Focus,
        curriculum: &Curriculum,
        units: &HashMap<ItemKey, &UnitId>,
        practised: &HashMap<ItemKey, i64>,
        taken: &HashSet<ItemKey>,
    ) -> Result<Option<NextItem>> {
        let reason = NextReason::WeakFocus { focus: focus.name() };
        let least_recent = curriculum
            .items_for(focus)
            .filter(|(u, i)| !taken.contains(&(u.pack.clone(), i.item.clone())))
            .min_by_key(|(u, i)| practised.get(&(u.pack.clone(), i.item.clone())).copied().unwrap_or(i64::MIN));
        if let Some((u, i)) = least_recent {
            return Ok(Some(NextItem { pack: u.pack.clone(), unit: u.unit.clone(), item: i.item.clone(), reason }));
        }
        // No item declares it: drill the item where the student missed it most.
        let (contrast, expected) = match focus {
            Focus::Contrast(c) => (c.name().to_owned(), None),
            Focus::Tone(t) => ("tone".to_owned(), Some(t.number().to_string())),
        };
        let mut stmt = self.conn().prepare_cached(include_str!("missed_items.sql"))?;
        let rows = stmt.query_map(params![key, contrast, expected, 8], |r| {
            Ok((r.get::<_, PackId>(0)?, r.get::<_, ItemId>(1)?, r.get::<_, UnitId>(2)?))
        })?;
        for row in rows {
            let (pack, item, unit) = row?;
            let k = (pack.clone(), item.clone());
            if units.contains_key(&k) && !taken.contains(&k) {
                return Ok(Some(NextItem { pack, unit, item, reason }));
            }
        }
        Ok(None)
    }
}

/// Fills `limit` slots: reviews ≤ 50 %, drills ≤ 30 %, new items the rest, then any leftovers;
/// interleaved review, drill, new, review…
fn mix(
    limit: usize,
    mut reviews: VecDeque<NextItem>,
    mut drills: VecDeque<NextItem>,
    mut fresh: VecDeque<NextItem>,
) -> Vec<NextItem> {
    let quota_reviews = limit.div_ceil(2).min(reviews.len());
    let quota_drills = (limit * 3).div_ceil(10).min(drills.len()).min(limit - quota_reviews);
    let mut quotas = [quota_reviews, quota_drills, limit - quota_reviews - quota_drills];
    let available = [reviews.len(), drills.len(), fresh.len()];
    quotas[2] = quotas[2].min(available[2]);
    // Hand unfilled slots to whichever kinds still have items.
    let mut spare = limit.saturating_sub(quotas.iter().sum());
    for k in [0, 1, 2] {
        let extra = spare.min(available[k] - quotas[k]);
        quotas[k] += extra;
        spare -= extra;
    }
    let mut out = Vec::with_capacity(limit);
    while out.len() < limit && quotas.iter().any(|&q| q > 0) {
        for (k, queue) in [&mut reviews, &mut drills, &mut fresh].into_iter().enumerate() {
            if quotas[k] > 0
                && let Some(item) = queue.pop_front()
            {
                quotas[k] -= 1;
                out.push(item);
            }
        }
    }
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(tag: &str, n: usize, reason: NextReason) -> VecDeque<NextItem> {
        (0..n)
            .map(|i| NextItem {
                pack: PackId::new("p"),
                unit: UnitId::new("u"),
                item: ItemId::new(format!("{tag}{i}")),
                reason: reason.clone(),
            })
            .collect()
    }

    fn kinds(out: &[NextItem]) -> String {
        out.iter().map(|i| &i.item.as_str()[..1]).collect()
    }

    #[test]
    fn the_mix_keeps_quotas_and_interleaves() {
        let review = NextReason::Review { due: Timestamp::from_millis(0) };
        let weak = NextReason::WeakFocus { focus: "n_l".into() };
        let out = mix(10, items("r", 20, review), items("d", 20, weak), items("n", 20, NextReason::New));
        assert_eq!(kinds(&out), "rdnrdnrdrr");
    }

    #[test]
    fn slots_a_kind_cannot_fill_go_to_the_others() {
        let review = NextReason::Review { due: Timestamp::from_millis(0) };
        let out = mix(6, items("r", 1, review), VecDeque::new(), items("n", 20, NextReason::New));
        assert_eq!(kinds(&out), "rnnnnn");
        let out = mix(6, VecDeque::new(), VecDeque::new(), VecDeque::new());
        assert!(out.is_empty());
    }
}
