//! The merge plan: which incoming rows to write, which versions lose, what to tell the teacher.
//! Pure: it reads nothing but its arguments, so every rule is tested without a database.
//!
//! * Insert-only rows (attempts, the device registry) are new or already here.
//! * Mutable rows resolve by last writer wins on the hybrid logical clock. The losing version
//!   becomes a conflict for the teacher unless the winner was written by someone who had
//!   already seen it (the winner's `prev_hlc` is at least the loser's clock): that is an
//!   ordinary update, not two people disagreeing.
//! * Versions are compared in a fixed order, so every PC reaches the same winner whatever order
//!   bundles arrive in.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;
use shiliu_store::{NewConflict, Store, SyncRow, SyncTable, Value};

use crate::error::Result;

type RowKey = (SyncTable, Vec<String>);

/// What this PC holds of the rows a batch touches, read before planning.
#[derive(Debug, Default)]
pub struct LocalRows {
    versions: HashMap<RowKey, SyncRow>,
    present: HashSet<RowKey>,
}

impl LocalRows {
    /// Looks up, in `store`, every row `incoming` touches and every student its attempts name.
    pub fn read(store: &Store, incoming: &[SyncRow]) -> Result<LocalRows> {
        let mut local = LocalRows::default();
        let mut students = BTreeSet::new();
        for row in incoming {
            let key = (row.table, row.key.clone());
            if row.table.is_mutable() {
                if !local.versions.contains_key(&key)
                    && let Some(v) = store.get_sync_row(row.table, &row.key)?
                {
                    local.versions.insert(key, v);
                }
            } else if !local.present.contains(&key) && store.has_sync_row(row.table, &row.key)? {
                local.present.insert(key);
            }
            if let Some(student) = attempt_student(row) {
                students.insert(student.to_owned());
            }
        }
        for s in students {
            let key = (SyncTable::Students, vec![s]);
            if !local.versions.contains_key(&key) && store.has_sync_row(SyncTable::Students, &key.1)? {
                local.present.insert(key);
            }
        }
        Ok(local)
    }

    /// Local state given directly (for tests).
    pub fn from_rows(rows: impl IntoIterator<Item = SyncRow>) -> LocalRows {
        let mut local = LocalRows::default();
        for r in rows {
            let key = (r.table, r.key.clone());
            if r.table.is_mutable() {
                local.versions.insert(key, r);
            } else {
                local.present.insert(key);
            }
        }
        local
    }

    fn has(&self, key: &RowKey) -> bool {
        self.present.contains(key) || self.versions.contains_key(key)
    }
}

fn attempt_student(row: &SyncRow) -> Option<&str> {
    match (row.table, row.values.first()) {
        (SyncTable::Attempts, Some(Value::Text(s))) => Some(s),
        _ => None,
    }
}

/// Changes to one table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TableChanges {
    pub new: u64,
    pub updated: u64,
    pub deleted: u64,
    /// Rows already here in this version or a newer one.
    pub unchanged: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Rows to write, referenced rows first.
    pub writes: Vec<SyncRow>,
    /// Versions that lost and are kept for the teacher.
    pub conflicts: Vec<NewConflict>,
    pub tables: BTreeMap<SyncTable, TableChanges>,
    /// Students whose progress must be recomputed (new attempts).
    pub students: BTreeSet<String>,
    /// Attempts whose student is neither here nor in the batch.
    pub missing_students: BTreeSet<String>,
    /// The highest clock value written: this PC's clock moves past it.
    pub max_hlc: Option<String>,
}

/// Plans the merge of `incoming` into `local`.
pub fn plan(incoming: &[SyncRow], local: &LocalRows) -> Plan {
    let mut order: Vec<&SyncRow> = incoming.iter().collect();
    order.sort_by(|a, b| {
        (a.table, &a.key, &a.hlc, a.origin, a.counter).cmp(&(b.table, &b.key, &b.hlc, b.origin, b.counter))
    });
    let mut pending: BTreeMap<RowKey, SyncRow> = BTreeMap::new();
    let mut out = Plan::default();
    let mut seen_conflicts = HashSet::new();
    for row in order {
        let key = (row.table, row.key.clone());
        out.tables.entry(row.table).or_default();
        if !row.table.is_mutable() {
            if !local.has(&key) && !pending.contains_key(&key) {
                pending.insert(key, row.clone());
            }
            continue;
        }
        let Some(current) = pending.get(&key).or_else(|| local.versions.get(&key)) else {
            pending.insert(key, row.clone());
            continue;
        };
        if current.hlc == row.hlc {
            continue;
        }
        let (winner, loser) = if row.hlc > current.hlc { (row, current) } else { (current, row) };
        if !winner.same_content(loser)
            && winner.prev_hlc < loser.hlc
            && seen_conflicts.insert((key.clone(), loser.hlc.clone()))
        {
            out.conflicts.push(conflict(winner, loser));
        }
        if std::ptr::eq(winner, row) {
            pending.insert(key, row.clone());
        }
    }
    for (key, row) in &pending {
        let changes = out.tables.entry(key.0).or_default();
        match local.versions.get(key) {
            None => changes.new += 1,
            Some(old) if row.deleted && !old.deleted => changes.deleted += 1,
            Some(_) => changes.updated += 1,
        }
        if let Some(student) = attempt_student(row) {
            out.students.insert(student.to_owned());
            let skey = (SyncTable::Students, vec![student.to_owned()]);
            if !local.has(&skey) && !pending.contains_key(&skey) {
                out.missing_students.insert(student.to_owned());
            }
        }
        if !row.hlc.is_empty() && out.max_hlc.as_ref().is_none_or(|m| &row.hlc > m) {
            out.max_hlc = Some(row.hlc.clone());
        }
    }
    let written: BTreeMap<SyncTable, u64> = pending.keys().fold(BTreeMap::new(), |mut m, k| {
        *m.entry(k.0).or_default() += 1;
        m
    });
    let mut per_table_incoming: BTreeMap<SyncTable, u64> = BTreeMap::new();
    for row in incoming {
        *per_table_incoming.entry(row.table).or_default() += 1;
    }
    for (table, n) in per_table_incoming {
        let c = out.tables.entry(table).or_default();
        c.unchanged = n.saturating_sub(written.get(&table).copied().unwrap_or(0));
    }
    out.writes = pending.into_values().collect();
    out.writes.sort_by_key(|r| (r.table, r.counter));
    out
}

fn conflict(kept: &SyncRow, lost: &SyncRow) -> NewConflict {
    NewConflict {
        table: lost.table.name().to_owned(),
        row_id: lost.row_id(),
        kept_hlc: kept.hlc.clone(),
        lost_hlc: lost.hlc.clone(),
        lost_device: lost.origin,
        lost_row: serde_json::json!({ "columns": lost.to_json(), "record": lost }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shiliu_store::DeviceId;

    fn student(name: &str, hlc: &str, prev: &str, device: DeviceId) -> SyncRow {
        let mut values = vec![Value::Null; SyncTable::Students.value_columns().len()];
        values[0] = Value::Text("school".into());
        values[1] = Value::Text(name.into());
        SyncRow {
            table: SyncTable::Students,
            key: vec!["s1".into()],
            origin: device,
            counter: 1,
            hlc: hlc.into(),
            prev_hlc: prev.into(),
            deleted: false,
            values,
        }
    }

    fn attempt(id: &str, student: &str) -> SyncRow {
        let mut values = vec![Value::Null; SyncTable::Attempts.value_columns().len()];
        values[0] = Value::Text(student.into());
        SyncRow {
            table: SyncTable::Attempts,
            key: vec![id.into()],
            origin: DeviceId::new(),
            counter: 2,
            hlc: String::new(),
            prev_hlc: String::new(),
            deleted: false,
            values,
        }
    }

    #[test]
    fn concurrent_edits_keep_the_later_one_and_record_the_other_as_a_conflict() {
        let (a, b) = (DeviceId::new(), DeviceId::new());
        let mine = student("卓玛 A", "3", "1", a);
        let theirs = student("卓玛 B", "4", "1", b);
        let p = plan(std::slice::from_ref(&theirs), &LocalRows::from_rows([mine.clone()]));
        assert_eq!(p.writes, vec![theirs.clone()]);
        assert_eq!(p.conflicts.len(), 1);
        assert_eq!(p.conflicts[0].lost_hlc, "3");
        assert_eq!(p.tables[&SyncTable::Students].updated, 1);
        // The other PC reaches the same winner and keeps the same loser.
        let q = plan(&[mine], &LocalRows::from_rows([theirs]));
        assert!(q.writes.is_empty());
        assert_eq!(q.conflicts[0].lost_hlc, "3");
    }

    #[test]
    fn an_edit_made_after_seeing_a_version_replaces_it_without_a_conflict() {
        let a = DeviceId::new();
        let old = student("卓玛", "1", "", a);
        let new = student("卓玛玛", "2", "1", a);
        let p = plan(std::slice::from_ref(&new), &LocalRows::from_rows([old.clone()]));
        assert_eq!(p.writes, vec![new.clone()]);
        assert!(p.conflicts.is_empty());
        // And a stale copy arriving later changes nothing and is no conflict either.
        let q = plan(&[old], &LocalRows::from_rows([new]));
        assert!(q.writes.is_empty() && q.conflicts.is_empty());
        assert_eq!(q.tables[&SyncTable::Students].unchanged, 1);
    }

    #[test]
    fn attempts_already_here_are_not_written_again() {
        let s = student("卓玛", "1", "", DeviceId::new());
        let a1 = attempt("a1", "s1");
        let a2 = attempt("a2", "s1");
        let p = plan(&[a1.clone(), a2.clone(), a2.clone()], &LocalRows::from_rows([s, a1]));
        assert_eq!(p.writes, vec![a2]);
        assert_eq!(p.tables[&SyncTable::Attempts], TableChanges { new: 1, updated: 0, deleted: 0, unchanged: 2 });
        assert!(p.students.contains("s1") && p.missing_students.is_empty());
    }

    #[test]
    fn an_attempt_of_an_unknown_student_is_reported_missing() {
        let p = plan(&[attempt("a1", "nobody")], &LocalRows::default());
        assert!(p.missing_students.contains("nobody"));
    }

    #[test]
    fn the_result_does_not_depend_on_arrival_order() {
        let (a, b, c) = (DeviceId::new(), DeviceId::new(), DeviceId::new());
        let versions = [student("x", "5", "1", a), student("y", "7", "1", b), student("z", "6", "5", c)];
        let mut winners = HashSet::new();
        for perm in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]] {
            let rows: Vec<SyncRow> = perm.iter().map(|i| versions[*i].clone()).collect();
            let p = plan(&rows, &LocalRows::default());
            winners.insert(p.writes[0].hlc.clone());
        }
        assert_eq!(winners.into_iter().collect::<Vec<_>>(), vec!["7".to_owned()]);
    }
}
