//! The sync screen's side of the app: the school this PC belongs to, USB export and import with
//! a preview first, joining a school from a stick, the conflicts list, and the district hub
//! synced in the background whenever it can be reached.
//!
//! Everything here is a thin layer over `shiliu-sync`; the views (`sync/views.rs`) flatten
//! its types into what the UI draws.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shiliu_store::ConflictId;
use shiliu_sync::{ConflictChoice, HubSync};

/// The extension of join files (for the file dialog's filter).
pub use shiliu_sync::JOIN_EXTENSION;

use crate::app::App;
use crate::error::CoreError;

mod views;
pub use views::{
    BundleView, ConflictField, ConflictItem, DeviceView, ExportDone, HubView, ImportPreview, ImportedView,
    JoinFileView, PeerView, RefusedView, SchoolView, SyncView, TableChangeView,
};
use views::{differing_fields, hub_view, preview_view};

/// The setting that holds the hub's address; absent when this PC syncs by USB only.
const HUB_URL: &str = "sync.hub_url";

/// The background hub loop, while one runs.
pub(crate) struct HubRunner {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for HubRunner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Hub status shared between the loop and the screen.
pub(crate) type HubStatusCell = Arc<Mutex<HubView>>;

impl App {
    /// The whole sync screen.
    pub fn sync_view(&self) -> Result<SyncView, CoreError> {
        let status = shiliu_sync::status(&self.store())?;
        let mut hub = self.hub_status.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if hub.url.is_none() {
            hub.url = self.store().setting(HUB_URL)?;
        }
        if let Some(url) = &hub.url
            && hub.last_success.is_none()
            && let Some(h) = status.hubs.iter().find(|h| &h.url == url)
        {
            hub.last_success = h.last_success.map(|t| t.millis());
            hub.last_error = hub.last_error.take().or_else(|| h.last_error.clone());
        }
        Ok(SyncView {
            this_device: self.store().device().name.clone(),
            school: status.school.map(|s| SchoolView { id: s.id, name: s.name, joined: s.joined.millis() }),
            // A PC that restored a backup shows once, under its new identity.
            devices: status
                .devices
                .iter()
                .filter(|d| d.retired.is_none())
                .map(|d| DeviceView {
                    id: d.id.to_string(),
                    name: d.name.clone(),
                    is_self: d.is_self,
                    enrolled: d.enrolled.millis(),
                    revoked: d.revoked.is_some(),
                    held_here: d.held_here,
                })
                .collect(),
            peers: status
                .peers
                .iter()
                .map(|p| PeerView { name: p.name.clone(), last_heard: p.last_heard.millis(), behind_by: p.behind_by })
                .collect(),
            hub,
            recent_imports: status
                .recent_imports
                .iter()
                .map(|b| ImportedView { source: b.source.clone(), imported: b.imported.millis(), rows: b.rows })
                .collect(),
            open_conflicts: status.open_conflicts as u32,
        })
    }

    /// Founds a school with this PC as its first device.
    pub fn create_school(&self, name: &str) -> Result<SyncView, CoreError> {
        shiliu_sync::create_school(&mut self.store(), name)?;
        self.sync_view()
    }

    /// Writes a join file for a new PC into `dir` (a USB stick); the code is shown once.
    pub fn write_join_file(&self, dir: &Path) -> Result<JoinFileView, CoreError> {
        let join = shiliu_sync::write_join_file(&self.store(), dir, None, 7)?;
        Ok(JoinFileView { file: join.path.display().to_string(), code: join.code, expires: join.expires.millis() })
    }

    /// Joins the school of a join file, opened with the code the teacher was told.
    pub fn join_school(&self, file: &Path, code: &str) -> Result<SyncView, CoreError> {
        shiliu_sync::join_school(&mut self.store(), file, code.trim())?;
        self.sync_view()
    }

    /// Writes one bundle with this PC's news into `dir`.
    pub fn export_bundle(&self, dir: &Path) -> Result<ExportDone, CoreError> {
        let report = shiliu_sync::export_bundle(&mut self.store(), dir, false)?;
        Ok(ExportDone {
            file: report.path.display().to_string(),
            rows: report.bundle.rows,
            attempts: report.bundle.attempts,
            bytes: report.bytes,
        })
    }

    /// What importing the bundle (or every bundle in the folder) at `path` would do.
    pub fn preview_import(&self, path: &Path) -> Result<ImportPreview, CoreError> {
        let preview = shiliu_sync::preview_import(&self.store(), path)?;
        Ok(preview_view(&preview, Vec::new()))
    }

    /// Imports in one transaction and leaves receipts next to the bundles.
    pub fn import_bundles(&self, path: &Path) -> Result<ImportPreview, CoreError> {
        let report = shiliu_sync::import_path(&mut self.store(), path)?;
        self.reload_after_sync();
        Ok(preview_view(&report.preview, report.receipts.iter().map(|r| r.display().to_string()).collect()))
    }

    /// Open conflicts, oldest first.
    pub fn conflicts(&self) -> Result<Vec<ConflictItem>, CoreError> {
        Ok(shiliu_sync::conflicts(&self.store(), false)?
            .into_iter()
            .map(|c| ConflictItem {
                id: c.id.to_string(),
                table: c.table,
                fields: differing_fields(&c.current, &c.lost),
                lost_on: c.lost_device_name,
                recorded: c.recorded.millis(),
            })
            .collect())
    }

    /// Keeps the version in use (`use_lost` false) or brings back the kept-aside one.
    pub fn resolve_conflict(&self, id: &str, use_lost: bool) -> Result<(), CoreError> {
        let id: ConflictId = id.parse().map_err(|_| CoreError::NotFound(format!("conflict {id}")))?;
        let choice = if use_lost { ConflictChoice::UseLost } else { ConflictChoice::KeepCurrent };
        shiliu_sync::resolve_conflict(&mut self.store(), id, choice)?;
        Ok(())
    }

    /// Sets (or with `None` forgets) the hub and restarts the background loop.
    pub fn set_hub(&self, url: Option<&str>, on_status: impl Fn(&HubView) + Send + 'static) -> Result<(), CoreError> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        if let Some(u) = url {
            shiliu_sync::check_hub_url(u).map_err(|e| CoreError::Invalid(e.to_string()))?;
        }
        self.store().transact(|tx| tx.set_setting(HUB_URL, url.unwrap_or("")))?;
        self.start_hub_sync(on_status)
    }

    /// Starts the background hub loop when a hub is set and this PC belongs to a school.
    /// Safe to call again: the previous loop is stopped first.
    pub fn start_hub_sync(&self, on_status: impl Fn(&HubView) + Send + 'static) -> Result<(), CoreError> {
        let mut runner = self.hub_runner.lock().unwrap_or_else(|p| p.into_inner());
        *runner = None;
        let url = self.store().setting(HUB_URL)?.filter(|u| !u.is_empty());
        let joined = shiliu_sync::school(&self.store())?.is_some();
        *self.hub_status.lock().unwrap_or_else(|p| p.into_inner()) = HubView { url: url.clone(), ..HubView::default() };
        let (Some(url), true) = (url, joined) else { return Ok(()) };
        let sync = HubSync::new(self.shared_store(), &url);
        let stop = sync.stopper();
        let cell = self.hub_status.clone();
        let thread = std::thread::Builder::new()
            .name("hub-sync".into())
            .spawn(move || {
                sync.run(|s| {
                    let view = hub_view(&url, s);
                    *cell.lock().unwrap_or_else(|p| p.into_inner()) = view.clone();
                    on_status(&view);
                })
            })
            .map_err(|e| CoreError::Data(format!("cannot start hub sync: {e}")))?;
        *runner = Some(HubRunner { stop, thread: Some(thread) });
        Ok(())
    }

    /// One exchange with the hub now (the "sync now" button).
    pub fn sync_hub_now(&self) -> Result<HubView, CoreError> {
        let url = self
            .store()
            .setting(HUB_URL)?
            .filter(|u| !u.is_empty())
            .ok_or_else(|| CoreError::Invalid("no hub is set".into()))?;
        let store = self.shared_store();
        let report = shiliu_sync::sync_once(&store, &url)?;
        self.reload_after_sync();
        let view = HubView {
            url: Some(url),
            last_success: Some(shiliu_store::Timestamp::now().millis()),
            last_pushed: report.pushed_rows,
            last_pulled: report.pulled_rows,
            ..HubView::default()
        };
        *self.hub_status.lock().unwrap_or_else(|p| p.into_inner()) = view.clone();
        Ok(view)
    }

    /// Stops the hub loop (on exit), waiting at most `limit` for an exchange in flight.
    pub fn stop_hub_sync(&self, limit: Duration) {
        let runner = self.hub_runner.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(mut r) = runner {
            r.stop.store(true, Ordering::Relaxed);
            let deadline = std::time::Instant::now() + limit;
            while r.thread.as_ref().is_some_and(|t| !t.is_finished()) && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if r.thread.as_ref().is_some_and(|t| !t.is_finished()) {
                // Leave it; the exchange is safe to interrupt and the process is ending.
                r.thread = None;
            }
        }
    }

    /// Other PCs' reference audio and assignments may have arrived.
    fn reload_after_sync(&self) {
        self.reload_lessons();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_shows_only_the_fields_that_differ() {
        let current = serde_json::json!({"id": "1", "name": "卓玛", "grade": 3, "hlc": "a"});
        let lost = serde_json::json!({"id": "1", "name": "卓嘎", "grade": 3, "hlc": "b"});
        let fields = differing_fields(&current, &lost);
        assert_eq!(fields, vec![ConflictField { name: "name".into(), current: "卓玛".into(), lost: "卓嘎".into() }]);
    }

    #[test]
    fn two_pcs_of_one_school_exchange_a_student_through_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let a = App::open(shiliu_paths::DataDir::at(dir.path().join("a"))).unwrap();
        let b = App::open(shiliu_paths::DataDir::at(dir.path().join("b"))).unwrap();
        let stick = dir.path().join("stick");
        assert!(a.sync_view().unwrap().school.is_none());
        a.create_school("Xinglong Primary").unwrap();
        let join = a.write_join_file(&stick).unwrap();
        assert!(b.join_school(Path::new(&join.file), "wrong code").is_err());
        let view = b.join_school(Path::new(&join.file), &join.code).unwrap();
        assert_eq!(view.school.unwrap().name, "Xinglong Primary");

        let setup = crate::people::SetupRequest {
            school: "Xinglong Primary".into(),
            teacher: "王老师".into(),
            class: "三年级一班".into(),
            grade: Some(3),
        };
        let class = a.set_up_school(&setup).unwrap().classes[0].id.clone();
        let student = crate::people::StudentForm {
            name: "卓玛".into(),
            avatar: None,
            pin: None,
            grade: Some(3),
            first_language: None,
        };
        a.add_student(&class, &student).unwrap();
        let export = a.export_bundle(&stick).unwrap();
        assert!(export.rows > 0);
        let preview = b.preview_import(Path::new(&export.file)).unwrap();
        assert!(preview.changes.iter().any(|c| c.table == "students" && c.new == 1), "{preview:?}");
        assert!(b.store().students().unwrap().is_empty(), "a preview changes nothing");
        assert!(b.import_bundles(&dir.path().join("nothing here")).is_err());
        let done = b.import_bundles(Path::new(&export.file)).unwrap();
        assert_eq!(done.receipts.len(), 1);
        assert_eq!(b.store().students().unwrap().len(), 1);
        let again = b.import_bundles(Path::new(&export.file)).unwrap();
        assert_eq!((again.bundles.len(), again.already_imported), (0, 1), "a second import is a no-op");
        assert_eq!(b.sync_view().unwrap().peers.len(), 1);
    }

    #[test]
    fn a_hub_address_must_be_http() {
        let dir = tempfile::tempdir().unwrap();
        let a = App::open(shiliu_paths::DataDir::at(dir.path())).unwrap();
        assert!(matches!(a.set_hub(Some("ftp://hub"), |_| {}), Err(CoreError::Invalid(_))));
        a.set_hub(Some("http://127.0.0.1:9"), |_| {}).unwrap();
        assert_eq!(a.sync_view().unwrap().hub.url.as_deref(), Some("http://127.0.0.1:9"));
        a.stop_hub_sync(Duration::from_secs(1));
    }
}
