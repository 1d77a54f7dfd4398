//! The one error type of this crate. Every variant has a stable `code()` the UI and the CLI can
//! branch on; messages are lowercase and name the file or URL involved.

use std::path::PathBuf;

/// What went wrong while getting, converting, checking or loading a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot {op} {path}: {source}")]
    File {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a Whisper model: {why}")]
    NotAModel { path: PathBuf, why: String },
    #[error("{path} is truncated: {detail}. Copy the whole file again (check the USB stick has enough space)")]
    Truncated { path: PathBuf, detail: String },
    #[error("{path} is damaged or incomplete: {detail}")]
    Invalid { path: PathBuf, detail: String },
    #[error("{what} failed its checksum (expected sha256 {expected}, got {actual})")]
    Checksum { what: String, expected: String, actual: String },
    #[error(
        "cannot download the model from {url}: {reason}. Without a network, copy a model to a USB \
         stick on a connected computer (`shiliu model export`) and run `shiliu model import PATH` here"
    )]
    Network { url: String, reason: String },
    #[error(
        "no speech model is installed: run `shiliu model install`, or copy a model to a USB stick \
         and run `shiliu model import PATH`"
    )]
    NotInstalled,
    #[error("the model manifest {path} is unreadable: {detail}")]
    Manifest { path: PathBuf, detail: String },
    #[error("{0}")]
    Unsupported(String),
}

impl ModelError {
    /// A short, stable identifier for the kind of error (never changes with the wording).
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::File { .. } => "model.file",
            ModelError::NotAModel { .. } => "model.not_a_model",
            ModelError::Truncated { .. } => "model.truncated",
            ModelError::Invalid { .. } => "model.invalid",
            ModelError::Checksum { .. } => "model.checksum",
            ModelError::Network { .. } => "model.network",
            ModelError::NotInstalled => "model.not_installed",
            ModelError::Manifest { .. } => "model.manifest",
            ModelError::Unsupported(_) => "model.unsupported",
        }
    }

    pub(crate) fn file(op: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ModelError {
        let path = path.into();
        move |source| ModelError::File { op, path, source }
    }
}

pub type Result<T, E = ModelError> = std::result::Result<T, E>;
