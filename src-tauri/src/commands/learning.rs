use shiliu_audio::RecorderEvent;
use shiliu_core::learning::{AttemptOutcome, NextItemView, UnitProgressView};
use shiliu_core::psc::{PscPartTally, PscScore};
use shiliu_core::{ErrorPayload, ItemView};
use tauri::State;
use tauri::ipc::Channel;

use super::with_app;
use crate::state::AppState;

#[tauri::command]
pub async fn lesson_map(state: State<'_, AppState>, student: String) -> Result<Vec<UnitProgressView>, ErrorPayload> {
    with_app(state, move |app| app.lesson_map(&student)).await
}

#[tauri::command]
pub async fn unit_items(state: State<'_, AppState>, unit: String) -> Result<Vec<ItemView>, ErrorPayload> {
    with_app(state, move |app| Ok(app.unit_items(&unit))).await
}

#[tauri::command]
pub async fn next_items(state: State<'_, AppState>, student: String) -> Result<Vec<NextItemView>, ErrorPayload> {
    with_app(state, move |app| app.next_items(&student, 20)).await
}

/// Starts recording; levels and the automatic stop arrive on `events`.
#[tauri::command]
pub async fn start_recording(
    state: State<'_, AppState>,
    events: Channel<RecorderEvent>,
    text: Option<String>,
) -> Result<(), ErrorPayload> {
    let text = text.unwrap_or_default();
    with_app(state, move |app| app.start_recording(&text, move |e| drop(events.send(e)))).await
}

#[tauri::command]
pub async fn finish_attempt(
    state: State<'_, AppState>,
    student: String,
    item: String,
) -> Result<AttemptOutcome, ErrorPayload> {
    with_app(state, move |app| app.finish_attempt(&student, &item)).await
}

#[tauri::command]
pub async fn cancel_recording(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    with_app(state, |app| {
        app.practice().cancel_recording();
        Ok(())
    })
    .await
}

/// Plays the item's model recording; false when it has none.
#[tauri::command]
pub async fn play_item(state: State<'_, AppState>, item: String) -> Result<bool, ErrorPayload> {
    with_app(state, move |app| app.play_item(&item)).await
}

#[tauri::command]
pub async fn has_item_audio(state: State<'_, AppState>, item: String) -> Result<bool, ErrorPayload> {
    with_app(state, move |app| Ok(app.has_item_audio(&item))).await
}

#[tauri::command]
pub async fn psc_items(state: State<'_, AppState>, part: u8) -> Result<Vec<ItemView>, ErrorPayload> {
    with_app(state, move |app| Ok(app.psc_items(part))).await
}

#[tauri::command]
pub fn score_psc(tallies: Vec<PscPartTally>) -> PscScore {
    shiliu_core::psc::score_psc(&tallies)
}

/// Stops the recording and scores 你好 without saving (the microphone check).
#[tauri::command]
pub async fn microphone_test(state: State<'_, AppState>) -> Result<shiliu_speech::result::ScoreResult, ErrorPayload> {
    with_app(state, |app| app.microphone_test()).await
}

#[tauri::command]
pub async fn passage_parts(state: State<'_, AppState>, item: String) -> Result<Vec<String>, ErrorPayload> {
    with_app(state, move |app| app.passage_parts(&item)).await
}

#[tauri::command]
pub async fn finish_passage_part(
    state: State<'_, AppState>,
    student: String,
    item: String,
    part: usize,
) -> Result<AttemptOutcome, ErrorPayload> {
    with_app(state, move |app| app.finish_passage_part(&student, &item, part)).await
}
