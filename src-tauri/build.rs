//! Every command the UI may call is listed here and granted in `capabilities/`; anything not
//! listed is denied by Tauri.

const COMMANDS: &[&str] = &[
    "app_status",
    "school_state",
    "set_up_school",
    "add_class",
    "class_students",
    "add_student",
    "edit_student",
    "remove_student",
    "log_in",
    "lesson_map",
    "unit_items",
    "next_items",
    "start_recording",
    "finish_attempt",
    "cancel_recording",
    "play_item",
    "has_item_audio",
    "microphone_test",
    "psc_items",
    "passage_parts",
    "finish_passage_part",
    "score_psc",
    "class_heatmap",
    "class_confusions",
    "assign_unit",
    "class_assignments",
    "student_report",
    "play_recording",
    "start_reference",
    "finish_reference",
    "settings",
    "set_microphone",
    "set_retention",
    "backup_now",
    "import_model",
    "sync_view",
    "create_school",
    "write_join_file",
    "join_school",
    "export_bundle",
    "preview_import",
    "confirm_import",
    "conflicts",
    "resolve_conflict",
    "set_hub",
    "sync_hub_now",
];

fn main() {
    // The UI is embedded when this crate compiles; a fingerprint of the built UI in the
    // environment makes a rebuilt UI recompile the crate (and re-embed it).
    println!("cargo:rerun-if-changed=../ui/dist");
    let index = std::fs::read("../ui/dist/index.html").unwrap_or_default();
    let fingerprint = index.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ *b as u64).wrapping_mul(0x100_0000_01b3));
    println!("cargo:rustc-env=SHILIU_UI_FINGERPRINT={fingerprint:016x}");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
