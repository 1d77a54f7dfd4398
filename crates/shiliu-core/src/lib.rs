//! What the Shiliu app does, without any GUI: the Tauri shell's commands are short adapters
//! over the functions here, and the types here are what crosses to the web UI (their TypeScript
//! twins are generated into `ui/src/lib/bindings/`; a test fails when they drift).
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let status = shiliu_core::app_status(&shiliu_paths::DataDir::at(dir.path()));
//! assert!(matches!(status.model, shiliu_model::ModelStatus::Missing));
//! ```

mod app;
pub mod catalog;
mod error;
pub mod learning;
pub mod people;
pub mod practice;
pub mod psc;
pub mod settings;
pub mod status;
pub mod sync;
pub mod teacher;

pub use app::App;
pub use catalog::{Catalog, ItemView, SyllableView, UnitView};
pub use error::{CoreError, ErrorPayload};
pub use practice::Practice;
pub use status::{AppStatus, app_status};
