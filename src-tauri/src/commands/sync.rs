//! The sync screen: school membership, USB export/import (paths only from the system's dialogs;
//! an import is previewed, then confirmed), conflicts and the district hub.

use std::path::PathBuf;
use std::sync::Mutex;

use shiliu_core::ErrorPayload;
use shiliu_core::sync::{ConflictItem, ExportDone, HubView, ImportPreview, JoinFileView, SyncView};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::with_app;
use crate::state::AppState;

/// The folder or bundle the teacher picked for the import being previewed.
#[derive(Default)]
pub struct PendingImport(Mutex<Option<PathBuf>>);

fn pick_folder(app: &AppHandle) -> Option<PathBuf> {
    app.dialog().file().blocking_pick_folder().and_then(|p| p.into_path().ok())
}

#[tauri::command]
pub async fn sync_view(state: State<'_, AppState>) -> Result<SyncView, ErrorPayload> {
    with_app(state, |app| app.sync_view()).await
}

#[tauri::command]
pub async fn create_school(state: State<'_, AppState>, name: String) -> Result<SyncView, ErrorPayload> {
    with_app(state, move |app| app.create_school(&name)).await
}

/// Writes a join file onto a stick; null when the dialog was cancelled.
#[tauri::command]
pub async fn write_join_file(
    app_handle: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<JoinFileView>, ErrorPayload> {
    let Some(folder) = pick_folder(&app_handle) else { return Ok(None) };
    with_app(state, move |app| app.write_join_file(&folder).map(Some)).await
}

/// Joins the school of a join file picked from a stick; null when the dialog was cancelled.
#[tauri::command]
pub async fn join_school(
    app_handle: AppHandle,
    state: State<'_, AppState>,
    code: String,
) -> Result<Option<SyncView>, ErrorPayload> {
    let picked = app_handle
        .dialog()
        .file()
        .add_filter("Shiliu join file", &[shiliu_core::sync::JOIN_EXTENSION])
        .blocking_pick_file();
    let Some(file) = picked.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    with_app(state, move |app| app.join_school(&file, &code).map(Some)).await
}

#[tauri::command]
pub async fn export_bundle(
    app_handle: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ExportDone>, ErrorPayload> {
    let Some(folder) = pick_folder(&app_handle) else { return Ok(None) };
    with_app(state, move |app| app.export_bundle(&folder).map(Some)).await
}

/// Picks a folder of bundles and shows what importing it would do; nothing changes yet.
#[tauri::command]
pub async fn preview_import(
    app_handle: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
) -> Result<Option<ImportPreview>, ErrorPayload> {
    let Some(folder) = pick_folder(&app_handle) else { return Ok(None) };
    *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(folder.clone());
    with_app(state, move |app| app.preview_import(&folder).map(Some)).await
}

/// Imports what was previewed.
#[tauri::command]
pub async fn confirm_import(
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
) -> Result<ImportPreview, ErrorPayload> {
    let folder = pending.0.lock().unwrap_or_else(|p| p.into_inner()).take().ok_or_else(|| ErrorPayload {
        code: "app.invalid".into(),
        message: "choose the folder to import first".into(),
    })?;
    with_app(state, move |app| app.import_bundles(&folder)).await
}

#[tauri::command]
pub async fn conflicts(state: State<'_, AppState>) -> Result<Vec<ConflictItem>, ErrorPayload> {
    with_app(state, |app| app.conflicts()).await
}

#[tauri::command]
pub async fn resolve_conflict(state: State<'_, AppState>, id: String, use_lost: bool) -> Result<(), ErrorPayload> {
    with_app(state, move |app| app.resolve_conflict(&id, use_lost)).await
}

/// Sets or clears the hub; syncing starts in the background at once.
#[tauri::command]
pub async fn set_hub(state: State<'_, AppState>, url: Option<String>) -> Result<(), ErrorPayload> {
    with_app(state, move |app| app.set_hub(url.as_deref(), |_| {})).await
}

#[tauri::command]
pub async fn sync_hub_now(state: State<'_, AppState>) -> Result<HubView, ErrorPayload> {
    with_app(state, |app| app.sync_hub_now()).await
}
