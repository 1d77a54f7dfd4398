//! The installed model: one ggml file in the models directory and `active.json` naming it.
//!
//! A model becomes active only after it has been written in full, synced and validated, by
//! renaming it into place and then atomically replacing `active.json`. A crash or a pulled plug
//! at any moment leaves either the old model or the new one active, never a half-written file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{ModelError, Result};
use crate::ggml::{self, GgmlInfo};

const MANIFEST: &str = "active.json";

/// What is known about the active model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "InstalledModel.ts"))]
pub struct InstalledModel {
    /// File name inside the models directory.
    pub file_name: String,
    pub size_name: String,
    pub quantisation: String,
    pub multilingual: bool,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    pub sha256: String,
    /// Where it came from: a catalogue source id or "import:<original file name>".
    pub source: String,
    /// True when the sha256 equals the one pinned for a conversion from a known source.
    pub verified: bool,
    /// Seconds since the Unix epoch.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub installed_at: u64,
}

/// Whether the app can score: a model is there and whole, missing, or damaged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "ModelStatus.ts"))]
pub enum ModelStatus {
    Installed {
        model: InstalledModel,
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        path: PathBuf,
    },
    Missing,
    Damaged {
        code: String,
        message: String,
    },
}

pub struct ModelStore {
    dir: PathBuf,
}

impl ModelStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ModelStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn ensure_dir(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(ModelError::file("create", &self.dir))
    }

    /// A scratch folder for downloads and conversions, on the same file system as the models
    /// so finished files can be renamed into place.
    pub(crate) fn work_dir(&self) -> Result<PathBuf> {
        let dir = self.dir.join("work");
        std::fs::create_dir_all(&dir).map_err(ModelError::file("create", &dir))?;
        Ok(dir)
    }

    /// The active model as recorded, without reading the model file itself.
    pub fn active(&self) -> Result<Option<InstalledModel>> {
        let path = self.dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ModelError::File { op: "read", path, source: e }),
        };
        serde_json::from_str(&text).map(Some).map_err(|e| ModelError::Manifest { path, detail: e.to_string() })
    }

    /// The path of the active model file; `NotInstalled` when there is none.
    pub fn active_path(&self) -> Result<PathBuf> {
        match self.active()? {
            Some(m) => Ok(self.dir.join(m.file_name)),
            None => Err(ModelError::NotInstalled),
        }
    }

    /// A cheap check for status displays: the manifest is readable and the file has its size.
    pub fn status(&self) -> ModelStatus {
        match self.active() {
            Ok(None) => ModelStatus::Missing,
            Ok(Some(model)) => {
                let path = self.dir.join(&model.file_name);
                match std::fs::metadata(&path) {
                    Ok(meta) if meta.len() == model.bytes => ModelStatus::Installed { model, path },
                    Ok(meta) => ModelStatus::Damaged {
                        code: "model.truncated".into(),
                        message: format!(
                            "{} has {} bytes, {} expected: import or install it again",
                            path.display(),
                            meta.len(),
                            model.bytes
                        ),
                    },
                    Err(_) => ModelStatus::Damaged {
                        code: "model.not_installed".into(),
                        message: format!("{} is missing: import or install the model again", path.display()),
                    },
                }
            }
            Err(e) => ModelStatus::Damaged { code: e.code().into(), message: e.to_string() },
        }
    }

    /// Validates the finished file `staged` (inside `work_dir`) and makes it the active model.
    pub(crate) fn activate(&self, staged: &Path, sha256: &str, source: &str, verified: bool) -> Result<InstalledModel> {
        let info: GgmlInfo = ggml::validate(staged)?;
        let file_name = format!("whisper-{}-{}-{}.bin", info.size_name, info.quantisation, &sha256[..12]);
        let final_path = self.dir.join(&file_name);
        std::fs::rename(staged, &final_path).map_err(ModelError::file("move", staged))?;
        let model = InstalledModel {
            file_name,
            size_name: info.size_name,
            quantisation: info.quantisation,
            multilingual: info.multilingual,
            bytes: info.bytes,
            sha256: sha256.to_owned(),
            source: source.to_owned(),
            verified,
            installed_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        };
        let json = serde_json::to_vec_pretty(&model).expect("manifest serialises");
        write_atomically(&self.dir.join(MANIFEST), &json)?;
        self.remove_inactive(&model.file_name);
        Ok(model)
    }

    /// Deletes model files no longer named by the manifest (a replaced model, leftovers).
    fn remove_inactive(&self, keep: &str) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("whisper-") && name.ends_with(".bin") && name != keep {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Copies the active model into `dir` (a USB stick) for another PC's `model import`.
    pub fn export(&self, dir: &Path) -> Result<PathBuf> {
        let model = self.active()?.ok_or(ModelError::NotInstalled)?;
        let from = self.dir.join(&model.file_name);
        std::fs::create_dir_all(dir).map_err(ModelError::file("create", dir))?;
        let to = dir.join(&model.file_name);
        let tmp = dir.join(format!("{}.partial", model.file_name));
        std::fs::copy(&from, &tmp).map_err(ModelError::file("copy to", &tmp))?;
        File::open(&tmp).and_then(|f| f.sync_all()).map_err(ModelError::file("sync", &tmp))?;
        std::fs::rename(&tmp, &to).map_err(ModelError::file("rename", &tmp))?;
        Ok(to)
    }
}

/// Replaces `path` with `bytes` so readers see the old or the new content, never a mix.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).map_err(ModelError::file("create", &tmp))?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(ModelError::file("write", &tmp))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(ModelError::file("rename", &tmp))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Makes a rename durable on file systems that need the directory synced (best effort).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ggml::GgmlType;
    use crate::ggml::tests::write_tiny_model;

    #[test]
    fn an_empty_store_reports_a_missing_model() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        assert_eq!(store.status(), ModelStatus::Missing);
        assert_eq!(store.active_path().unwrap_err().code(), "model.not_installed");
    }

    #[test]
    fn activation_renames_the_file_and_records_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        store.ensure_dir().unwrap();
        let staged = store.work_dir().unwrap().join("staged.bin");
        write_tiny_model(&staged, GgmlType::Q8_0);
        let sha = crate::fetch::file_sha256(&staged).unwrap();
        let m = store.activate(&staged, &sha, "test", false).unwrap();
        assert!(!staged.exists());
        assert!(matches!(store.status(), ModelStatus::Installed { .. }));
        assert_eq!(store.active().unwrap().unwrap(), m);
        assert!(m.file_name.starts_with("whisper-tiny-q8_0-"));
    }

    #[test]
    fn a_broken_file_is_never_activated_and_the_old_model_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        store.ensure_dir().unwrap();
        let good = store.work_dir().unwrap().join("good.bin");
        write_tiny_model(&good, GgmlType::F16);
        let sha = crate::fetch::file_sha256(&good).unwrap();
        let before = store.activate(&good, &sha, "test", false).unwrap();

        let bad = store.work_dir().unwrap().join("bad.bin");
        write_tiny_model(&bad, GgmlType::Q8_0);
        let bytes = std::fs::read(&bad).unwrap();
        std::fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(store.activate(&bad, "0".repeat(64).as_str(), "test", false).unwrap_err().code(), "model.truncated");
        assert_eq!(store.active().unwrap().unwrap(), before);
        assert!(matches!(store.status(), ModelStatus::Installed { .. }));
    }

    #[test]
    fn a_model_file_shortened_after_install_is_reported_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        store.ensure_dir().unwrap();
        let staged = store.work_dir().unwrap().join("m.bin");
        write_tiny_model(&staged, GgmlType::F16);
        let sha = crate::fetch::file_sha256(&staged).unwrap();
        let m = store.activate(&staged, &sha, "test", false).unwrap();
        let path = store.dir().join(&m.file_name);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..100]).unwrap();
        assert!(matches!(store.status(), ModelStatus::Damaged { .. }));
    }

    #[test]
    fn export_copies_the_active_model_for_a_usb_stick() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        store.ensure_dir().unwrap();
        let staged = store.work_dir().unwrap().join("m.bin");
        write_tiny_model(&staged, GgmlType::F16);
        let sha = crate::fetch::file_sha256(&staged).unwrap();
        store.activate(&staged, &sha, "test", false).unwrap();
        let stick = dir.path().join("usb");
        let copied = store.export(&stick).unwrap();
        assert_eq!(crate::fetch::file_sha256(&copied).unwrap(), sha);
        assert_eq!(std::fs::read_dir(&stick).unwrap().count(), 1);
    }
}
