use shiliu_audio::RecorderEvent;
use shiliu_core::ErrorPayload;
use shiliu_core::teacher::{ConfusionView, HeatmapView, StudentReport};
use tauri::State;
use tauri::ipc::Channel;

use super::with_app;
use crate::state::AppState;

#[tauri::command]
pub async fn class_heatmap(state: State<'_, AppState>, class: String) -> Result<HeatmapView, ErrorPayload> {
    with_app(state, move |app| app.class_heatmap(&class)).await
}

#[tauri::command]
pub async fn class_confusions(state: State<'_, AppState>, class: String) -> Result<Vec<ConfusionView>, ErrorPayload> {
    with_app(state, move |app| app.class_confusions(&class, 8)).await
}

#[tauri::command]
pub async fn assign_unit(
    state: State<'_, AppState>,
    class: String,
    unit: String,
    assigned: bool,
) -> Result<(), ErrorPayload> {
    with_app(state, move |app| app.assign_unit(&class, &unit, assigned)).await
}

#[tauri::command]
pub async fn class_assignments(state: State<'_, AppState>, class: String) -> Result<Vec<String>, ErrorPayload> {
    with_app(state, move |app| app.class_assignments(&class)).await
}

#[tauri::command]
pub async fn student_report(state: State<'_, AppState>, student: String) -> Result<StudentReport, ErrorPayload> {
    with_app(state, move |app| app.student_report(&student)).await
}

#[tauri::command]
pub async fn play_recording(
    state: State<'_, AppState>,
    student: String,
    recording: String,
) -> Result<(), ErrorPayload> {
    with_app(state, move |app| app.play_recording(&student, &recording)).await
}

#[tauri::command]
pub async fn start_reference(
    state: State<'_, AppState>,
    events: Channel<RecorderEvent>,
    text: Option<String>,
) -> Result<(), ErrorPayload> {
    // The teacher's model is recorded as an attempt is; only keeping it differs.
    super::learning::start_recording(state, events, text).await
}

#[tauri::command]
pub async fn finish_reference(state: State<'_, AppState>, item: String) -> Result<u32, ErrorPayload> {
    with_app(state, move |app| app.finish_reference(&item)).await
}
