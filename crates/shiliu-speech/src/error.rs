//! The one error type of the speech crate.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("cannot load the speech model {path}: {detail}")]
    ModelLoad { path: PathBuf, detail: String },
    #[error("speech recognition failed: {0}")]
    Recognition(String),
    #[error(transparent)]
    Audio(#[from] shiliu_audio::AudioError),
    #[error("the recording is empty")]
    EmptyAudio,
    #[error("cannot score against this target: {0}")]
    Target(String),
}

impl SpeechError {
    pub fn code(&self) -> &'static str {
        match self {
            SpeechError::ModelLoad { .. } => "speech.model_load",
            SpeechError::Recognition(_) => "speech.recognition",
            SpeechError::Audio(e) => e.code(),
            SpeechError::EmptyAudio => "speech.empty_audio",
            SpeechError::Target(_) => "speech.target",
        }
    }
}

pub type Result<T, E = SpeechError> = std::result::Result<T, E>;
