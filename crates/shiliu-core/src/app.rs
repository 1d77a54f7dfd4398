//! The app as one object: the data folder, the progress store (one owner, behind a lock), the
//! lessons and the speech side. The Tauri shell keeps one `App` and calls its methods.

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use shiliu_paths::DataDir;
use shiliu_pinyin::Tone;
use shiliu_store::{Curriculum, CurriculumItem, CurriculumUnit, Focus, ItemId, PackId, Store, Timestamp, UnitId};

use crate::catalog::Catalog;
use crate::error::CoreError;
use crate::practice::Practice;

pub struct App {
    pub(crate) data: DataDir,
    store: Arc<Mutex<Store>>,
    catalog: RwLock<Catalog>,
    curriculum: RwLock<Curriculum>,
    pub(crate) practice: Practice,
    pub(crate) hub_runner: Mutex<Option<crate::sync::HubRunner>>,
    pub(crate) hub_status: crate::sync::HubStatusCell,
}

impl App {
    /// Opens (creating if needed) the data folder and its database.
    pub fn open(data: DataDir) -> Result<App, CoreError> {
        std::fs::create_dir_all(data.root())
            .map_err(|e| CoreError::Data(format!("cannot create {}: {e}", data.root().display())))?;
        let store = Store::open(data.database())?;
        let catalog = Catalog::load(&data);
        let curriculum = curriculum_of(&catalog);
        Ok(App {
            practice: Practice::new(data.clone()),
            data,
            store: Arc::new(Mutex::new(store)),
            hub_runner: Mutex::new(None),
            hub_status: Default::default(),
            catalog: RwLock::new(catalog),
            curriculum: RwLock::new(curriculum),
        })
    }

    pub fn data(&self) -> &DataDir {
        &self.data
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The store for a background worker (the hub loop) that locks it per step.
    pub(crate) fn shared_store(&self) -> Arc<Mutex<Store>> {
        Arc::clone(&self.store)
    }

    pub(crate) fn catalog(&self) -> std::sync::RwLockReadGuard<'_, Catalog> {
        self.catalog.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn curriculum(&self) -> std::sync::RwLockReadGuard<'_, Curriculum> {
        self.curriculum.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Re-reads installed packs (after a pack was installed from a USB stick).
    pub fn reload_lessons(&self) {
        let catalog = Catalog::load(&self.data);
        *self.curriculum.write().unwrap_or_else(|p| p.into_inner()) = curriculum_of(&catalog);
        *self.catalog.write().unwrap_or_else(|p| p.into_inner()) = catalog;
    }

    pub fn practice(&self) -> &Practice {
        &self.practice
    }

    /// Start-up chores off the UI thread: load the speech model, back up the database (at most
    /// once a day) and prune old recordings.
    pub fn warm_up(&self) {
        let _ = self.practice.scorer();
        let now = Timestamp::now();
        let mut store = self.store();
        let _ = store.auto_backup(&self.data.backups(), now);
        let dir = self.data.recordings();
        let _ = store.prune_recordings(&dir, now);
    }
}

/// What the review scheduler needs to know of the lessons: units in order, and for each item
/// the contrasts and tones it drills.
fn curriculum_of(catalog: &Catalog) -> Curriculum {
    let units = catalog
        .packs()
        .iter()
        .flat_map(|p| {
            p.units.iter().map(move |u| CurriculumUnit {
                pack: PackId::new(p.manifest.id.as_str()),
                unit: UnitId::new(u.id.as_str()),
                items: u
                    .items
                    .iter()
                    .map(|i| {
                        let mut focus: Vec<Focus> = Vec::new();
                        if let Some(c) = i.contrast_set {
                            focus.push(Focus::Contrast(c));
                        }
                        for f in &i.focus {
                            if let shiliu_lessons::Focus::Contrast(c) = f
                                && !focus.contains(&Focus::Contrast(*c))
                            {
                                focus.push(Focus::Contrast(*c));
                            }
                        }
                        for s in i.surface().unwrap_or_default() {
                            let t = Focus::Tone(s.syllable.tone);
                            if s.syllable.tone != Tone::Neutral && !focus.contains(&t) {
                                focus.push(t);
                            }
                        }
                        CurriculumItem { item: ItemId::new(i.id.as_str()), focus }
                    })
                    .collect(),
            })
        })
        .collect();
    Curriculum { units }
}
