use shiliu_core::{AppStatus, ErrorPayload};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, ErrorPayload> {
    let data = state.data.clone();
    super::blocking(move || Ok(shiliu_core::app_status(&data))).await
}
