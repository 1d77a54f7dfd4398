//! Errors as the UI sees them: a stable code to branch on and a message to show.

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Model(#[from] shiliu_model::ModelError),
    #[error(transparent)]
    Audio(#[from] shiliu_audio::AudioError),
    #[error(transparent)]
    Speech(#[from] shiliu_speech::SpeechError),
    #[error(transparent)]
    Store(#[from] shiliu_store::StoreError),
    #[error(transparent)]
    Lessons(#[from] shiliu_lessons::LessonError),
    #[error(transparent)]
    Sync(#[from] shiliu_sync::SyncError),
    #[error("no recording is in progress")]
    NotRecording,
    #[error("{0}")]
    Data(String),
    #[error("{0} was not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the PIN is not right")]
    WrongPin,
}

impl CoreError {
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Model(e) => e.code(),
            CoreError::Audio(e) => e.code(),
            CoreError::Speech(e) => e.code(),
            CoreError::Store(e) => e.code(),
            CoreError::Lessons(e) => e.code(),
            CoreError::Sync(e) => e.code(),
            CoreError::NotRecording => "app.not_recording",
            CoreError::Data(_) => "app.data",
            CoreError::NotFound(_) => "app.not_found",
            CoreError::Invalid(_) => "app.invalid",
            CoreError::WrongPin => "app.wrong_pin",
        }
    }
}

/// The error object every command rejects with. The UI branches on `code` only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export_to = "ErrorPayload.ts")]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
}

impl From<CoreError> for ErrorPayload {
    fn from(e: CoreError) -> Self {
        ErrorPayload { code: e.code().to_owned(), message: e.to_string() }
    }
}
