//! The Tauri shell: window, state and command registration. Commands live in `commands/` and
//! are short adapters over `shiliu-core`; nothing here knows about speech, lessons or SQL.

mod commands;
mod state;

use tauri::Manager;

/// Which UI build is embedded (see build.rs): referenced so a new UI recompiles this crate.
pub const UI_FINGERPRINT: &str = env!("SHILIU_UI_FINGERPRINT");

pub fn run() {
    let data = match shiliu_paths::DataDir::default_for_user() {
        Some(d) => d,
        None => {
            eprintln!("error: cannot find a home directory for Shiliu's data; set SHILIU_DATA_DIR");
            std::process::exit(1);
        }
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::new(data))
        .manage(commands::sync::PendingImport::default())
        .setup(|app| {
            // Load the speech model, back up and prune in the background so the first attempt
            // is quick and the window opens at once.
            if let Ok(core) = app.state::<state::AppState>().app() {
                std::thread::spawn(move || {
                    core.warm_up();
                    // Sync with the district hub whenever it can be reached, with backoff.
                    let _ = core.start_hub_sync(|_| {});
                });
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::status::app_status,
            commands::school::school_state,
            commands::school::set_up_school,
            commands::school::add_class,
            commands::school::class_students,
            commands::school::add_student,
            commands::school::edit_student,
            commands::school::remove_student,
            commands::school::log_in,
            commands::learning::lesson_map,
            commands::learning::unit_items,
            commands::learning::next_items,
            commands::learning::start_recording,
            commands::learning::finish_attempt,
            commands::learning::cancel_recording,
            commands::learning::play_item,
            commands::learning::has_item_audio,
            commands::learning::microphone_test,
            commands::learning::psc_items,
            commands::learning::passage_parts,
            commands::learning::finish_passage_part,
            commands::learning::score_psc,
            commands::teacher::class_heatmap,
            commands::teacher::class_confusions,
            commands::teacher::assign_unit,
            commands::teacher::class_assignments,
            commands::teacher::student_report,
            commands::teacher::play_recording,
            commands::teacher::start_reference,
            commands::teacher::finish_reference,
            commands::settings::settings,
            commands::settings::set_microphone,
            commands::settings::set_retention,
            commands::settings::backup_now,
            commands::model::import_model,
            commands::sync::sync_view,
            commands::sync::create_school,
            commands::sync::write_join_file,
            commands::sync::join_school,
            commands::sync::export_bundle,
            commands::sync::preview_import,
            commands::sync::confirm_import,
            commands::sync::conflicts,
            commands::sync::resolve_conflict,
            commands::sync::set_hub,
            commands::sync::sync_hub_now,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Shiliu");
}
