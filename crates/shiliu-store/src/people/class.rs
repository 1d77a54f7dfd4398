//! Facilities, classes, teachers and assignments.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::{check_grade, clean_name};
use crate::error::{Result, StoreError};
use crate::ids::{ClassId, FacilityId, PackId, TeacherId, UnitId};
use crate::store::{Store, Tx};
use crate::time::Timestamp;

/// A school. A PC normally serves one; rows from other schools may arrive with a sync.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Facility {
    pub id: FacilityId,
    pub name: String,
    pub created: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Class {
    pub id: ClassId,
    pub facility: FacilityId,
    pub name: String,
    pub grade: Option<u8>,
    pub created: Timestamp,
    /// Live students in the class.
    pub students: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Teacher {
    pub id: TeacherId,
    pub facility: FacilityId,
    pub name: String,
    pub created: Timestamp,
}

/// A lesson unit assigned to a class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    pub class: ClassId,
    pub pack: PackId,
    pub unit: UnitId,
    pub position: u32,
    pub assigned: Timestamp,
}

fn row_to_facility(r: &Row<'_>) -> rusqlite::Result<Facility> {
    Ok(Facility { id: r.get(0)?, name: r.get(1)?, created: Timestamp::from_millis(r.get(2)?) })
}

fn row_to_class(r: &Row<'_>) -> rusqlite::Result<Class> {
    Ok(Class {
        id: r.get(0)?,
        facility: r.get(1)?,
        name: r.get(2)?,
        grade: r.get(3)?,
        created: Timestamp::from_millis(r.get(4)?),
        students: r.get(5)?,
    })
}

fn row_to_teacher(r: &Row<'_>) -> rusqlite::Result<Teacher> {
    Ok(Teacher { id: r.get(0)?, facility: r.get(1)?, name: r.get(2)?, created: Timestamp::from_millis(r.get(3)?) })
}

pub(crate) fn row_to_assignment(r: &Row<'_>) -> rusqlite::Result<Assignment> {
    Ok(Assignment {
        class: r.get(0)?,
        pack: r.get(1)?,
        unit: r.get(2)?,
        position: r.get(3)?,
        assigned: Timestamp::from_millis(r.get(4)?),
    })
}

const CLASS_SELECT: &str = include_str!("class_select.sql");

pub(crate) fn facilities(db: &Connection) -> Result<Vec<Facility>> {
    let mut stmt = db.prepare_cached(include_str!("facility_list.sql"))?;
    Ok(stmt.query_map([], row_to_facility)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn get_class(db: &Connection, id: ClassId) -> Result<Class> {
    db.prepare_cached(&format!("{CLASS_SELECT} AND c.id = ?1"))?
        .query_row([id], row_to_class)
        .optional()?
        .ok_or_else(|| StoreError::not_found("class", id))
}

fn classes_named(db: &Connection, name: &str) -> Result<Vec<Class>> {
    let mut stmt = db.prepare_cached(&format!("{CLASS_SELECT} AND c.name = ?1 ORDER BY c.created_ms"))?;
    Ok(stmt.query_map([name.trim()], row_to_class)?.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    pub fn facilities(&self) -> Result<Vec<Facility>> {
        facilities(self.conn())
    }

    /// Live classes, by name.
    pub fn classes(&self) -> Result<Vec<Class>> {
        let mut stmt = self.conn().prepare_cached(&format!("{CLASS_SELECT} ORDER BY c.name, c.created_ms"))?;
        Ok(stmt.query_map([], row_to_class)?.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_class(&self, id: ClassId) -> Result<Class> {
        get_class(self.conn(), id)
    }

    /// The class with this name or id; `store.conflict` when two schools' classes share the name.
    pub fn find_class(&self, name_or_id: &str) -> Result<Class> {
        if let Ok(id) = name_or_id.parse::<ClassId>() {
            return self.get_class(id);
        }
        let mut found = classes_named(self.conn(), name_or_id)?;
        match found.len() {
            0 => Err(StoreError::not_found("class", name_or_id.trim())),
            1 => Ok(found.remove(0)),
            n => Err(StoreError::Conflict {
                what: "class name",
                detail: format!("{n} classes are called {:?}; use the class id", name_or_id.trim()),
            }),
        }
    }

    pub fn teachers(&self) -> Result<Vec<Teacher>> {
        let mut stmt = self.conn().prepare_cached(concat!(include_str!("teacher_select.sql"), " ORDER BY t.name"))?;
        Ok(stmt.query_map([], row_to_teacher)?.collect::<rusqlite::Result<_>>()?)
    }

    pub fn class_teachers(&self, class: ClassId) -> Result<Vec<Teacher>> {
        let mut stmt = self.conn().prepare_cached(include_str!("class_teacher_list.sql"))?;
        Ok(stmt.query_map([class], row_to_teacher)?.collect::<rusqlite::Result<_>>()?)
    }

    /// The class's assigned units in teaching order.
    pub fn assignments(&self, class: ClassId) -> Result<Vec<Assignment>> {
        let mut stmt = self.conn().prepare_cached(include_str!("assignment_list.sql"))?;
        Ok(stmt.query_map([class], row_to_assignment)?.collect::<rusqlite::Result<_>>()?)
    }
}

impl Tx<'_> {
    pub fn add_facility(&mut self, name: &str) -> Result<FacilityId> {
        let name = clean_name("school name", name)?;
        let id = FacilityId::new();
        let s = self.stamp();
        self.db().prepare_cached(include_str!("facility_add.sql"))?.execute(params![
            id,
            name,
            self.now().millis(),
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(id)
    }

    /// The school this PC serves: the oldest live facility, created as `name` when there is none.
    pub fn ensure_facility(&mut self, name: &str) -> Result<FacilityId> {
        match facilities(self.db())?.first() {
            Some(f) => Ok(f.id),
            None => self.add_facility(name),
        }
    }

    /// A new class; `store.conflict` when the school already has a live class of that name.
    pub fn add_class(&mut self, facility: FacilityId, name: &str, grade: Option<u8>) -> Result<ClassId> {
        let name = clean_name("class name", name)?;
        let grade = check_grade(grade)?;
        if classes_named(self.db(), &name)?.iter().any(|c| c.facility == facility) {
            return Err(StoreError::Conflict { what: "class name", detail: format!("a class called {name:?} exists") });
        }
        let id = ClassId::new();
        let s = self.stamp();
        self.db().prepare_cached(include_str!("class_add.sql"))?.execute(params![
            id,
            facility,
            name,
            grade,
            self.now().millis(),
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(id)
    }

    /// Renames or regrades a class.
    pub fn edit_class(&mut self, id: ClassId, name: Option<&str>, grade: Option<Option<u8>>) -> Result<()> {
        let class = get_class(self.db(), id)?;
        let name = match name {
            Some(n) => clean_name("class name", n)?,
            None => class.name,
        };
        let grade = check_grade(grade.unwrap_or(class.grade))?;
        self.update_class(id, &name, grade, false)
    }

    /// Tombstones a class; its students and their attempts stay.
    pub fn delete_class(&mut self, id: ClassId) -> Result<()> {
        let class = get_class(self.db(), id)?;
        self.update_class(id, &class.name, class.grade, true)
    }

    fn update_class(&mut self, id: ClassId, name: &str, grade: Option<u8>, deleted: bool) -> Result<()> {
        let s = self.stamp();
        self.db().prepare_cached(include_str!("class_update.sql"))?.execute(params![
            id,
            name,
            grade,
            deleted,
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(())
    }

    pub fn add_teacher(&mut self, facility: FacilityId, name: &str) -> Result<TeacherId> {
        let name = clean_name("teacher name", name)?;
        let id = TeacherId::new();
        let s = self.stamp();
        self.db().prepare_cached(include_str!("teacher_add.sql"))?.execute(params![
            id,
            facility,
            name,
            self.now().millis(),
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(id)
    }

    /// Makes a teacher one of the class's teachers (`teaches = false` removes them).
    pub fn set_class_teacher(&mut self, class: ClassId, teacher: TeacherId, teaches: bool) -> Result<()> {
        get_class(self.db(), class)?;
        let s = self.stamp();
        self.db().prepare_cached(include_str!("class_teacher_set.sql"))?.execute(params![
            class,
            teacher,
            !teaches,
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(())
    }

    /// Assigns a unit to a class, after its current assignments (`assigned = false` withdraws it).
    pub fn set_assignment(&mut self, class: ClassId, pack: &PackId, unit: &UnitId, assigned: bool) -> Result<()> {
        get_class(self.db(), class)?;
        let s = self.stamp();
        self.db().prepare_cached(include_str!("assignment_set.sql"))?.execute(params![
            class,
            pack,
            unit,
            self.now().millis(),
            !assigned,
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(())
    }
}
