//! The one error type of the audio crate, with stable codes for the UI.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("cannot {op} {path}: {source}")]
    File {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not audio Shiliu can read ({expected}): {detail}")]
    Unreadable { path: PathBuf, expected: &'static str, detail: String },
    #[error("unsupported audio: {0}")]
    Unsupported(String),
    #[error("no microphone found: {0}")]
    NoDevice(String),
    #[error("the microphone {device} cannot be used: {detail}")]
    DeviceFailed { device: String, detail: String },
    #[error("the microphone {device} was disconnected while recording")]
    DeviceLost { device: String },
    #[error("the system refused access to the microphone {device}: check the privacy or audio-group settings")]
    PermissionDenied { device: String },
    #[error("resampling failed: {0}")]
    Resample(String),
}

impl AudioError {
    pub fn code(&self) -> &'static str {
        match self {
            AudioError::File { .. } => "audio.file",
            AudioError::Unreadable { .. } => "audio.unreadable",
            AudioError::Unsupported(_) => "audio.unsupported",
            AudioError::NoDevice(_) => "audio.no_device",
            AudioError::DeviceFailed { .. } => "audio.device_failed",
            AudioError::DeviceLost { .. } => "audio.device_lost",
            AudioError::PermissionDenied { .. } => "audio.permission",
            AudioError::Resample(_) => "audio.resample",
        }
    }
}

pub type Result<T, E = AudioError> = std::result::Result<T, E>;
