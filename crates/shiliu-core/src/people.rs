//! First run, the class roster and picture login.

use serde::{Deserialize, Serialize};
use shiliu_store::{ClassId, NewStudent, StudentEdit, StudentId};

use crate::app::App;
use crate::error::CoreError;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "SchoolState.ts")]
pub struct SchoolState {
    /// No school has been set up on this PC yet: show the first-run screen.
    pub needs_setup: bool,
    pub school: Option<String>,
    pub classes: Vec<ClassView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ClassView.ts")]
pub struct ClassView {
    pub id: String,
    pub name: String,
    pub grade: Option<u8>,
    pub students: u32,
}

/// A student as the login screen shows them: a picture and a name.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "StudentCard.ts")]
pub struct StudentCard {
    pub id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub has_pin: bool,
    pub grade: Option<u8>,
    pub first_language: Option<String>,
}

/// What first run asks for.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export_to = "SetupRequest.ts")]
pub struct SetupRequest {
    pub school: String,
    pub teacher: String,
    pub class: String,
    pub grade: Option<u8>,
}

/// A student to add or change.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export_to = "StudentForm.ts")]
pub struct StudentForm {
    pub name: String,
    pub avatar: Option<String>,
    /// `None` keeps the PIN (or none); `Some("")` removes it.
    pub pin: Option<String>,
    pub grade: Option<u8>,
    pub first_language: Option<String>,
}

pub(crate) fn parse<T: std::str::FromStr>(id: &str, what: &str) -> Result<T, CoreError> {
    id.parse().map_err(|_| CoreError::Invalid(format!("{what} id {id:?} is not valid")))
}

fn nonempty(s: &str, what: &str) -> Result<String, CoreError> {
    let t = s.trim();
    if t.is_empty() { Err(CoreError::Invalid(format!("the {what} needs a name"))) } else { Ok(t.to_owned()) }
}

fn card(s: shiliu_store::Student) -> StudentCard {
    StudentCard {
        id: s.id.to_string(),
        name: s.name,
        avatar: s.avatar,
        has_pin: s.has_pin,
        grade: s.grade,
        first_language: s.first_language,
    }
}

impl App {
    pub fn school_state(&self) -> Result<SchoolState, CoreError> {
        let store = self.store();
        let school = store.facilities()?.into_iter().next().map(|f| f.name);
        let classes = store
            .classes()?
            .into_iter()
            .map(|c| ClassView { id: c.id.to_string(), name: c.name, grade: c.grade, students: c.students })
            .collect();
        Ok(SchoolState { needs_setup: school.is_none(), school, classes })
    }

    /// First run: the school, its first teacher and class, with every unit of the starter
    /// curriculum assigned.
    pub fn set_up_school(&self, req: &SetupRequest) -> Result<SchoolState, CoreError> {
        let (school, teacher, class) =
            (nonempty(&req.school, "school")?, nonempty(&req.teacher, "teacher")?, nonempty(&req.class, "class")?);
        let units: Vec<_> = self.curriculum().units.iter().map(|u| (u.pack.clone(), u.unit.clone())).collect();
        self.store().transact(|tx| {
            let facility = tx.ensure_facility(&school)?;
            let t = tx.add_teacher(facility, &teacher)?;
            let c = tx.add_class(facility, &class, req.grade)?;
            tx.set_class_teacher(c, t, true)?;
            for (pack, unit) in &units {
                tx.set_assignment(c, pack, unit, true)?;
            }
            Ok(())
        })?;
        self.school_state()
    }

    pub fn add_class(&self, name: &str, grade: Option<u8>) -> Result<ClassView, CoreError> {
        let name = nonempty(name, "class")?;
        let units: Vec<_> = self.curriculum().units.iter().map(|u| (u.pack.clone(), u.unit.clone())).collect();
        let mut store = self.store();
        let facility = store
            .facilities()?
            .into_iter()
            .next()
            .ok_or_else(|| CoreError::Invalid("set up the school first".into()))?
            .id;
        let id = store.transact(|tx| {
            let c = tx.add_class(facility, &name, grade)?;
            for (pack, unit) in &units {
                tx.set_assignment(c, pack, unit, true)?;
            }
            Ok(c)
        })?;
        Ok(ClassView { id: id.to_string(), name, grade, students: 0 })
    }

    pub fn class_students(&self, class: &str) -> Result<Vec<StudentCard>, CoreError> {
        let class: ClassId = parse(class, "class")?;
        Ok(self.store().class_students(class)?.into_iter().map(card).collect())
    }

    pub fn add_student(&self, class: &str, form: &StudentForm) -> Result<StudentCard, CoreError> {
        let class: ClassId = parse(class, "class")?;
        let new = NewStudent {
            name: nonempty(&form.name, "student")?,
            avatar: form.avatar.clone(),
            pin: form.pin.clone().filter(|p| !p.is_empty()),
            grade: form.grade,
            first_language: form.first_language.clone().filter(|l| !l.is_empty()),
            dialect: None,
        };
        let mut store = self.store();
        let facility = store.get_class(class)?.facility;
        let id = store.transact(|tx| {
            let id = tx.add_student(facility, &new)?;
            tx.set_class_member(class, id, true)?;
            Ok(id)
        })?;
        Ok(card(store.get_student(id)?))
    }

    pub fn edit_student(&self, student: &str, form: &StudentForm) -> Result<StudentCard, CoreError> {
        let id: StudentId = parse(student, "student")?;
        let edit = StudentEdit {
            name: Some(nonempty(&form.name, "student")?),
            avatar: Some(form.avatar.clone()),
            pin: form.pin.clone().map(|p| if p.is_empty() { None } else { Some(p) }),
            grade: Some(form.grade),
            first_language: Some(form.first_language.clone().filter(|l| !l.is_empty())),
            ..StudentEdit::default()
        };
        let mut store = self.store();
        store.transact(|tx| tx.edit_student(id, &edit))?;
        Ok(card(store.get_student(id)?))
    }

    /// Removes a student from the roster; their attempts stay (tombstoned, never lost).
    pub fn remove_student(&self, student: &str) -> Result<(), CoreError> {
        let id: StudentId = parse(student, "student")?;
        self.store().transact(|tx| tx.delete_student(id))?;
        Ok(())
    }

    /// Picture login: checks the PIN when the student has one.
    pub fn log_in(&self, student: &str, pin: Option<&str>) -> Result<StudentCard, CoreError> {
        let id: StudentId = parse(student, "student")?;
        let store = self.store();
        let s = store.get_student(id)?;
        if s.has_pin && !store.verify_pin(id, pin.unwrap_or(""))? {
            return Err(CoreError::WrongPin);
        }
        Ok(card(s))
    }
}
