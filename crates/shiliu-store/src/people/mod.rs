//! Who uses Shiliu: the school (facility), its classes and teachers, students and their class
//! memberships, and the lesson units assigned to each class.
//!
//! All of these are mutable and synced: every change stamps the row with this PC's counter and
//! clock, and removal sets a tombstone so a peer learns about it.

mod class;
mod student;

pub use class::{Assignment, Class, Facility, Teacher};
pub use student::{NewStudent, Student, StudentEdit};

pub(crate) use student::student_key;

use crate::error::{Result, StoreError};

/// A trimmed, non-empty name of at most 64 characters without control characters.
pub(crate) fn clean_name(what: &'static str, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::invalid(what, "it is empty"));
    }
    let length = name.chars().count();
    if length > 64 {
        // Quote the start only: a pasted page should not fill the screen with its own echo.
        let start: String = name.chars().take(20).collect();
        return Err(StoreError::invalid(what, format!("\"{start}…\" has {length} characters; at most 64")));
    }
    if name.chars().any(char::is_control) {
        return Err(StoreError::invalid(what, format!("{name:?} contains control characters")));
    }
    Ok(name.to_owned())
}

/// An optional free-text field: trimmed, `None` when blank.
pub(crate) fn clean_optional(what: &'static str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => clean_name(what, v).map(Some),
    }
}

/// School grades 1–12.
pub(crate) fn check_grade(grade: Option<u8>) -> Result<Option<u8>> {
    match grade {
        Some(g) if !(1..=12).contains(&g) => {
            Err(StoreError::invalid("grade", format!("{g} is not a school grade (1-12)")))
        }
        other => Ok(other),
    }
}
