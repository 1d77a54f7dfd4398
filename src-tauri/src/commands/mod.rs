//! Tauri commands, one file per domain. Each is a few lines over one `shiliu-core` call; slow
//! calls run on the blocking pool so the window never freezes.

pub mod learning;
pub mod model;
pub mod school;
pub mod settings;
pub mod status;
pub mod sync;
pub mod teacher;

use std::sync::Arc;

use shiliu_core::{App, CoreError, ErrorPayload};
use tauri::State;

use crate::state::AppState;

/// Runs core work on the blocking pool with the app, converting its error for the UI.
pub(crate) async fn with_app<T: Send + 'static>(
    state: State<'_, AppState>,
    f: impl FnOnce(&App) -> Result<T, CoreError> + Send + 'static,
) -> Result<T, ErrorPayload> {
    let app: Arc<App> = state.app()?;
    tauri::async_runtime::spawn_blocking(move || f(&app).map_err(ErrorPayload::from))
        .await
        .map_err(|e| ErrorPayload { code: "app.internal".into(), message: e.to_string() })?
}
