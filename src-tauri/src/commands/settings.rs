use shiliu_core::ErrorPayload;
use shiliu_core::settings::{RetentionForm, SettingsView};
use tauri::State;

use super::with_app;
use crate::state::AppState;

#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Result<SettingsView, ErrorPayload> {
    with_app(state, |app| app.settings()).await
}

#[tauri::command]
pub async fn set_microphone(state: State<'_, AppState>, id: Option<String>) -> Result<(), ErrorPayload> {
    with_app(state, move |app| app.set_microphone(id.as_deref())).await
}

#[tauri::command]
pub async fn set_retention(state: State<'_, AppState>, form: RetentionForm) -> Result<(), ErrorPayload> {
    with_app(state, move |app| app.set_retention(&form)).await
}

#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> Result<String, ErrorPayload> {
    with_app(state, |app| app.backup_now()).await
}
