use shiliu_core::{AppStatus, ErrorPayload};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, ErrorPayload> {
    let data = state.data.clone();
    tauri::async_runtime::spawn_blocking(move || shiliu_core::app_status(&data))
        .await
        .map_err(|e| ErrorPayload { code: "app.internal".into(), message: e.to_string() })
}
