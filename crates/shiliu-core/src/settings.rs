//! Settings and data care: the microphone to use, recording retention, backups.

use serde::{Deserialize, Serialize};
use shiliu_audio::InputDevice;
use shiliu_store::{RetentionPolicy, Timestamp};

use crate::app::App;
use crate::error::CoreError;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "SettingsView.ts")]
pub struct SettingsView {
    pub microphones: Vec<InputDevice>,
    /// The chosen microphone's id; null for the system default.
    pub microphone: Option<String>,
    pub keep_days: u32,
    pub keep_per_student: u32,
    pub data_dir: String,
    pub backups: Vec<BackupView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "BackupView.ts")]
pub struct BackupView {
    pub file: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Model import progress for the first-run and settings screens.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export_to = "ImportProgress.ts")]
pub struct ImportProgress {
    /// download | copy | convert | join | verify
    pub step: String,
    pub done: f64,
    pub total: f64,
}

impl ImportProgress {
    pub fn from_model(p: &shiliu_model::Progress) -> ImportProgress {
        use shiliu_model::Progress;
        let (step, done, total) = match *p {
            Progress::Download { done, total, .. } => ("download", done as f64, total as f64),
            Progress::Copy { done, total } => ("copy", done as f64, total as f64),
            Progress::Convert { done, total } => ("convert", done as f64, total as f64),
            Progress::Join => ("join", 0.0, 1.0),
            Progress::Verify => ("verify", 0.0, 1.0),
        };
        ImportProgress { step: step.into(), done, total }
    }
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export_to = "RetentionForm.ts")]
pub struct RetentionForm {
    pub keep_days: u32,
    pub keep_per_student: u32,
}

impl App {
    pub fn settings(&self) -> Result<SettingsView, CoreError> {
        let store = self.store();
        let retention = store.retention()?;
        let backups = shiliu_store::list_backups(&self.data.backups())?
            .into_iter()
            .map(|b| BackupView {
                file: b.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                bytes: b.bytes,
            })
            .collect();
        Ok(SettingsView {
            microphones: shiliu_audio::input_devices(),
            microphone: store.setting("microphone")?,
            keep_days: retention.keep_days,
            keep_per_student: retention.keep_per_student,
            data_dir: self.data.root().display().to_string(),
            backups,
        })
    }

    /// Chooses the microphone (`None`: the system default).
    pub fn set_microphone(&self, id: Option<&str>) -> Result<(), CoreError> {
        self.store().transact(|tx| tx.set_setting("microphone", id.unwrap_or("")))?;
        Ok(())
    }

    pub fn set_retention(&self, form: &RetentionForm) -> Result<(), CoreError> {
        let policy = RetentionPolicy { keep_days: form.keep_days, keep_per_student: form.keep_per_student };
        let mut store = self.store();
        store.transact(|tx| tx.set_retention(policy))?;
        store.prune_recordings(&self.data.recordings(), Timestamp::now())?;
        Ok(())
    }

    /// Imports a speech model from a folder or file a teacher picked, and uses it from now on.
    pub fn import_model(
        &self,
        path: &std::path::Path,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<(), CoreError> {
        let store = shiliu_model::ModelStore::new(self.data.models());
        shiliu_model::import(&store, path, shiliu_model::Precision::Q8_0, &mut |p| {
            progress(ImportProgress::from_model(&p))
        })?;
        self.practice.reload_model();
        Ok(())
    }

    pub fn backup_now(&self) -> Result<String, CoreError> {
        let dir = self.data.backups();
        std::fs::create_dir_all(&dir).map_err(|e| CoreError::Data(e.to_string()))?;
        let path = dir.join(format!("shiliu-manual-{}.sqlite3", Timestamp::now().millis()));
        self.store().backup_to(&path)?;
        Ok(path.display().to_string())
    }
}
