//! Every command the UI may call is listed here and granted in `capabilities/`; anything not
//! listed is denied by Tauri.

const COMMANDS: &[&str] = &["app_status"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
