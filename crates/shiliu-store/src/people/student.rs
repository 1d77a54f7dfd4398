//! Students, their PINs and class memberships.
//!
//! Young children log in by tapping their picture; an optional short PIN keeps classmates out
//! of each other's progress. The PIN is stored as sha256 over a per-student random salt and the
//! digits: with 4–6 digits it cannot resist a determined attack on the file, but it is not
//! readable by a child opening the database.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::class::{Assignment, Class, row_to_assignment};
use super::{check_grade, clean_name, clean_optional};
use crate::error::{Result, StoreError};
use crate::ids::{ClassId, FacilityId, StudentId};
use crate::store::{Store, Tx};
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Student {
    pub id: StudentId,
    pub facility: FacilityId,
    pub name: String,
    /// The picture shown on the login screen.
    pub avatar: Option<String>,
    pub has_pin: bool,
    pub grade: Option<u8>,
    pub first_language: Option<String>,
    pub dialect: Option<String>,
    pub created: Timestamp,
}

/// What a teacher types to add a student.
#[derive(Debug, Clone, Default)]
pub struct NewStudent {
    pub name: String,
    pub avatar: Option<String>,
    pub pin: Option<String>,
    pub grade: Option<u8>,
    pub first_language: Option<String>,
    pub dialect: Option<String>,
}

/// Changes to a student; `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct StudentEdit {
    pub name: Option<String>,
    pub avatar: Option<Option<String>>,
    pub pin: Option<Option<String>>,
    pub grade: Option<Option<u8>>,
    pub first_language: Option<Option<String>>,
    pub dialect: Option<Option<String>>,
}

/// A live student's row as written by `save_student`, PIN hash included.
struct StoredStudent {
    id: StudentId,
    name: String,
    avatar: Option<String>,
    pin_salt: Option<Vec<u8>>,
    pin_hash: Option<Vec<u8>>,
    grade: Option<u8>,
    first_language: Option<String>,
    dialect: Option<String>,
    deleted: bool,
}

impl StoredStudent {
    fn load(db: &Connection, id: StudentId) -> Result<StoredStudent> {
        let student = get_student(db, id)?;
        let (pin_salt, pin_hash) =
            db.prepare_cached(include_str!("student_pin.sql"))?.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(StoredStudent {
            id,
            name: student.name,
            avatar: student.avatar,
            pin_salt,
            pin_hash,
            grade: student.grade,
            first_language: student.first_language,
            dialect: student.dialect,
            deleted: false,
        })
    }
}

const STUDENT_SELECT: &str = include_str!("student_select.sql");

fn row_to_student(r: &Row<'_>) -> rusqlite::Result<Student> {
    Ok(Student {
        id: r.get(0)?,
        facility: r.get(1)?,
        name: r.get(2)?,
        avatar: r.get(3)?,
        has_pin: r.get(4)?,
        grade: r.get(5)?,
        first_language: r.get(6)?,
        dialect: r.get(7)?,
        created: Timestamp::from_millis(r.get(8)?),
    })
}

pub(crate) fn get_student(db: &Connection, id: StudentId) -> Result<Student> {
    db.prepare_cached(&format!("{STUDENT_SELECT} WHERE s.id = ?1 AND s.deleted = 0"))?
        .query_row([id], row_to_student)
        .optional()?
        .ok_or_else(|| StoreError::not_found("student", id))
}

/// The local integer key the big tables use for a live student.
pub(crate) fn student_key(db: &Connection, id: StudentId) -> Result<i64> {
    db.prepare_cached(include_str!("student_key.sql"))?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::not_found("student", id))
}

fn students_where(db: &Connection, clause: &str, arg: &dyn rusqlite::ToSql) -> Result<Vec<Student>> {
    let mut stmt = db.prepare_cached(&format!("{STUDENT_SELECT} {clause}"))?;
    Ok(stmt.query_map([arg], row_to_student)?.collect::<rusqlite::Result<_>>()?)
}

fn pin_digest(salt: &[u8], pin: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(pin.as_bytes());
    h.finalize().to_vec()
}

fn check_pin_format(pin: &str) -> Result<String> {
    let pin = pin.trim();
    if !(4..=6).contains(&pin.len()) {
        return Err(StoreError::InvalidPin { reason: format!("{} digits given", pin.chars().count()) });
    }
    if !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::InvalidPin { reason: "only the digits 0-9 are allowed".into() });
    }
    Ok(pin.to_owned())
}

/// A fresh (salt, hash) pair, or (None, None) for no PIN.
/// A PIN's (salt, sha256) as stored; both `None` without a PIN.
type SaltedPin = (Option<Vec<u8>>, Option<Vec<u8>>);

fn hash_pin(pin: Option<&str>) -> Result<SaltedPin> {
    let Some(pin) = pin.map(str::trim).filter(|p| !p.is_empty()) else { return Ok((None, None)) };
    let pin = check_pin_format(pin)?;
    let salt = uuid::Uuid::new_v4().as_bytes().to_vec();
    let hash = pin_digest(&salt, &pin);
    Ok((Some(salt), Some(hash)))
}

impl Store {
    pub fn get_student(&self, id: StudentId) -> Result<Student> {
        get_student(self.conn(), id)
    }

    /// All live students, by name.
    pub fn students(&self) -> Result<Vec<Student>> {
        students_where(self.conn(), "WHERE s.deleted = 0 AND ?1 ORDER BY s.display_name, s.created_ms", &true)
    }

    /// The class's live students, by name.
    pub fn class_students(&self, class: ClassId) -> Result<Vec<Student>> {
        students_where(
            self.conn(),
            "JOIN class_students m ON m.student_id = s.id AND m.deleted = 0
              WHERE m.class_id = ?1 AND s.deleted = 0 ORDER BY s.display_name, s.created_ms",
            &class,
        )
    }

    /// The live classes a student belongs to.
    pub fn classes_of_student(&self, student: StudentId) -> Result<Vec<Class>> {
        let mut ids = self.conn().prepare_cached(
            "SELECT class_id FROM class_students WHERE student_id = ?1 AND deleted = 0 ORDER BY joined_ms",
        )?;
        let ids: Vec<ClassId> = ids.query_map([student], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut classes = Vec::new();
        for id in ids {
            match super::class::get_class(self.conn(), id) {
                Ok(c) => classes.push(c),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(classes)
    }

    /// The student with this name (within `class` when given) or id; `store.conflict` when the
    /// name is shared, so a report never shows the wrong child.
    pub fn find_student(&self, name_or_id: &str, class: Option<ClassId>) -> Result<Student> {
        if let Ok(id) = name_or_id.parse::<StudentId>() {
            return self.get_student(id);
        }
        let name = name_or_id.trim();
        let mut found = students_where(self.conn(), "WHERE s.deleted = 0 AND s.display_name = ?1", &name)?;
        if let Some(class) = class {
            let members = self.class_students(class)?;
            found.retain(|s| members.iter().any(|m| m.id == s.id));
        }
        match found.len() {
            0 => Err(StoreError::not_found("student", name)),
            1 => Ok(found.remove(0)),
            n => {
                // Name their ids: two children of one name in one class is common enough.
                let ids: Vec<String> = found.iter().map(|s| s.id.to_string()).collect();
                let hint = if class.is_some() { "use a student id" } else { "name the class or use a student id" };
                Err(StoreError::Conflict {
                    what: "student name",
                    detail: format!("{n} students are called {name:?}; {hint}: {}", ids.join(", ")),
                })
            }
        }
    }

    /// Whether `pin` is the student's PIN. A student without a PIN accepts only an empty one.
    pub fn verify_pin(&self, student: StudentId, pin: &str) -> Result<bool> {
        let (salt, hash): SaltedPin = self
            .conn()
            .prepare_cached(include_str!("student_pin.sql"))?
            .query_row([student], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| StoreError::not_found("student", student))?;
        Ok(match (salt, hash) {
            (Some(salt), Some(hash)) => {
                let given = pin_digest(&salt, pin.trim());
                given.len() == hash.len() && given.iter().zip(&hash).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
            }
            _ => pin.trim().is_empty(),
        })
    }

    /// The units assigned to any of the student's classes, in teaching order, without repeats.
    pub fn student_assignments(&self, student: StudentId) -> Result<Vec<Assignment>> {
        let mut stmt = self.conn().prepare_cached(include_str!("student_assignments.sql"))?;
        let all: Vec<Assignment> = stmt.query_map([student], row_to_assignment)?.collect::<rusqlite::Result<_>>()?;
        let mut seen = std::collections::HashSet::new();
        Ok(all.into_iter().filter(|a| seen.insert((a.pack.clone(), a.unit.clone()))).collect())
    }
}

impl Tx<'_> {
    pub fn add_student(&mut self, facility: FacilityId, new: &NewStudent) -> Result<StudentId> {
        let name = clean_name("student name", &new.name)?;
        let (salt, hash) = hash_pin(new.pin.as_deref())?;
        let id = StudentId::new();
        let s = self.stamp();
        self.db().prepare_cached(include_str!("student_add.sql"))?.execute(params![
            id,
            facility,
            name,
            clean_optional("picture", new.avatar.as_deref())?,
            salt,
            hash,
            check_grade(new.grade)?,
            clean_optional("first language", new.first_language.as_deref())?,
            clean_optional("dialect", new.dialect.as_deref())?,
            self.now().millis(),
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(id)
    }

    pub fn edit_student(&mut self, id: StudentId, edit: &StudentEdit) -> Result<()> {
        let mut row = StoredStudent::load(self.db(), id)?;
        if let Some(name) = &edit.name {
            row.name = clean_name("student name", name)?;
        }
        if let Some(pin) = &edit.pin {
            (row.pin_salt, row.pin_hash) = hash_pin(pin.as_deref())?;
        }
        if let Some(avatar) = &edit.avatar {
            row.avatar = clean_optional("picture", avatar.as_deref())?;
        }
        if let Some(language) = &edit.first_language {
            row.first_language = clean_optional("first language", language.as_deref())?;
        }
        if let Some(dialect) = &edit.dialect {
            row.dialect = clean_optional("dialect", dialect.as_deref())?;
        }
        if let Some(grade) = edit.grade {
            row.grade = check_grade(grade)?;
        }
        self.save_student(&row)
    }

    /// Tombstones a student. Their attempts stay (append-only) but no longer show in reports.
    pub fn delete_student(&mut self, id: StudentId) -> Result<()> {
        let mut row = StoredStudent::load(self.db(), id)?;
        row.deleted = true;
        self.save_student(&row)
    }

    fn save_student(&mut self, row: &StoredStudent) -> Result<()> {
        let s = self.stamp();
        self.db().prepare_cached(include_str!("student_update.sql"))?.execute(params![
            row.id,
            row.name,
            row.avatar,
            row.pin_salt,
            row.pin_hash,
            row.grade,
            row.first_language,
            row.dialect,
            row.deleted,
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(())
    }

    /// Puts a student in a class (`member = false` takes them out). Idempotent.
    pub fn set_class_member(&mut self, class: ClassId, student: StudentId, member: bool) -> Result<()> {
        super::class::get_class(self.db(), class)?;
        get_student(self.db(), student)?;
        let s = self.stamp();
        self.db().prepare_cached(include_str!("member_set.sql"))?.execute(params![
            class,
            student,
            self.now().millis(),
            !member,
            s.hlc,
            s.device_key,
            s.counter
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_four_to_six_digits() {
        assert!(check_pin_format("1234").is_ok());
        assert!(check_pin_format("123456").is_ok());
        assert_eq!(check_pin_format("123").unwrap_err().code(), "store.invalid_pin");
        assert_eq!(check_pin_format("12a4").unwrap_err().code(), "store.invalid_pin");
    }

    #[test]
    fn the_same_pin_hashes_differently_for_two_students() {
        let (s1, h1) = hash_pin(Some("2468")).unwrap();
        let (s2, h2) = hash_pin(Some("2468")).unwrap();
        assert_ne!(s1, s2);
        assert_ne!(h1, h2);
        assert_eq!(pin_digest(&s1.unwrap(), "2468"), h1.unwrap());
    }
}
