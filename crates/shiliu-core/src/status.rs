//! "Can this PC hear and score?" — the first thing the home screen shows.

use serde::Serialize;
use shiliu_audio::MicStatus;
use shiliu_model::{ModelStatus, ModelStore};
use shiliu_paths::DataDir;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "AppStatus.ts")]
pub struct AppStatus {
    pub version: String,
    pub model: ModelStatus,
    pub microphone: MicStatus,
    /// The whisper.cpp build and whether this CPU has AVX2.
    pub engine: String,
    pub data_dir: String,
}

/// Checks the model files and opens the microphone briefly. Takes up to a few hundred
/// milliseconds (the audio system); call it off the UI thread.
pub fn app_status(data: &DataDir) -> AppStatus {
    AppStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        model: ModelStore::new(data.models()).status(),
        microphone: shiliu_audio::microphone_status(None),
        engine: shiliu_speech::cpu::describe(),
        data_dir: data.root().display().to_string(),
    }
}
