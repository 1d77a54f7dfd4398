use shiliu_core::ErrorPayload;
use shiliu_core::settings::ImportProgress;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::with_app;
use crate::state::AppState;

/// Asks for the model on a USB stick with the system's folder dialog (the web side never
/// names a path), then imports it. Returns false when the teacher cancelled the dialog.
#[tauri::command]
pub async fn import_model(
    app_handle: AppHandle,
    state: State<'_, AppState>,
    progress: Channel<ImportProgress>,
) -> Result<bool, ErrorPayload> {
    let Some(folder) = app_handle.dialog().file().blocking_pick_folder().and_then(|p| p.into_path().ok()) else {
        return Ok(false);
    };
    with_app(state, move |app| app.import_model(&folder, &mut |p| drop(progress.send(p))).map(|()| true)).await
}
