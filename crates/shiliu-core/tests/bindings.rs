//! The UI's TypeScript types are generated from the Rust types that cross IPC and committed in
//! `ui/src/lib/bindings/`. This test fails when they drift; run it with `SHILIU_UPDATE_BINDINGS=1`
//! to rewrite them.

use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

fn bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings")
}

fn export_all(dir: &Path) {
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    shiliu_core::AppStatus::export_all(&cfg).unwrap();
    shiliu_core::people::SchoolState::export_all(&cfg).unwrap();
    shiliu_core::people::StudentCard::export_all(&cfg).unwrap();
    shiliu_core::people::SetupRequest::export_all(&cfg).unwrap();
    shiliu_core::people::StudentForm::export_all(&cfg).unwrap();
    shiliu_core::learning::UnitProgressView::export_all(&cfg).unwrap();
    shiliu_core::learning::NextItemView::export_all(&cfg).unwrap();
    shiliu_core::learning::AttemptOutcome::export_all(&cfg).unwrap();
    shiliu_core::ItemView::export_all(&cfg).unwrap();
    shiliu_core::teacher::HeatmapView::export_all(&cfg).unwrap();
    shiliu_core::teacher::ConfusionView::export_all(&cfg).unwrap();
    shiliu_core::teacher::StudentReport::export_all(&cfg).unwrap();
    shiliu_core::settings::SettingsView::export_all(&cfg).unwrap();
    shiliu_core::settings::RetentionForm::export_all(&cfg).unwrap();
    shiliu_core::settings::ImportProgress::export_all(&cfg).unwrap();
    shiliu_core::psc::PscPartTally::export_all(&cfg).unwrap();
    shiliu_core::psc::PscScore::export_all(&cfg).unwrap();
    shiliu_core::sync::SyncView::export_all(&cfg).unwrap();
    shiliu_core::sync::ImportPreview::export_all(&cfg).unwrap();
    shiliu_core::sync::ExportDone::export_all(&cfg).unwrap();
    shiliu_core::sync::JoinFileView::export_all(&cfg).unwrap();
    shiliu_core::sync::ConflictItem::export_all(&cfg).unwrap();
    shiliu_core::ErrorPayload::export_all(&cfg).unwrap();
    shiliu_audio::InputDevice::export_all(&cfg).unwrap();
    shiliu_audio::RecorderEvent::export_all(&cfg).unwrap();
}

fn read_dir_sorted(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn generated_typescript_bindings_match_the_committed_ones() {
    let fresh = tempfile::tempdir().unwrap();
    export_all(fresh.path());
    let committed = bindings_dir();
    if std::env::var_os("SHILIU_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed).unwrap();
        for (name, _) in read_dir_sorted(&committed) {
            std::fs::remove_file(committed.join(name)).unwrap();
        }
        export_all(&committed);
        return;
    }
    assert_eq!(
        read_dir_sorted(fresh.path()),
        read_dir_sorted(&committed),
        "ui/src/lib/bindings is out of date: run `SHILIU_UPDATE_BINDINGS=1 cargo test -p shiliu-core --test bindings`"
    );
}
