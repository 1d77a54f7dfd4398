use shiliu_core::ErrorPayload;
use shiliu_core::people::{ClassView, SchoolState, SetupRequest, StudentCard, StudentForm};
use tauri::State;

use super::with_app;
use crate::state::AppState;

#[tauri::command]
pub async fn school_state(state: State<'_, AppState>) -> Result<SchoolState, ErrorPayload> {
    with_app(state, |app| app.school_state()).await
}

#[tauri::command]
pub async fn set_up_school(state: State<'_, AppState>, request: SetupRequest) -> Result<SchoolState, ErrorPayload> {
    with_app(state, move |app| app.set_up_school(&request)).await
}

#[tauri::command]
pub async fn add_class(state: State<'_, AppState>, name: String, grade: Option<u8>) -> Result<ClassView, ErrorPayload> {
    with_app(state, move |app| app.add_class(&name, grade)).await
}

#[tauri::command]
pub async fn class_students(state: State<'_, AppState>, class: String) -> Result<Vec<StudentCard>, ErrorPayload> {
    with_app(state, move |app| app.class_students(&class)).await
}

#[tauri::command]
pub async fn add_student(
    state: State<'_, AppState>,
    class: String,
    form: StudentForm,
) -> Result<StudentCard, ErrorPayload> {
    with_app(state, move |app| app.add_student(&class, &form)).await
}

#[tauri::command]
pub async fn edit_student(
    state: State<'_, AppState>,
    student: String,
    form: StudentForm,
) -> Result<StudentCard, ErrorPayload> {
    with_app(state, move |app| app.edit_student(&student, &form)).await
}

#[tauri::command]
pub async fn remove_student(state: State<'_, AppState>, student: String) -> Result<(), ErrorPayload> {
    with_app(state, move |app| app.remove_student(&student)).await
}

#[tauri::command]
pub async fn log_in(
    state: State<'_, AppState>,
    student: String,
    pin: Option<String>,
) -> Result<StudentCard, ErrorPayload> {
    with_app(state, move |app| app.log_in(&student, pin.as_deref())).await
}
