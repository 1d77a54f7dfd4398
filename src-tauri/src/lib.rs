//! The Tauri shell: window, state and command registration. Commands live in `commands/` and
//! are short adapters over `shiliu-core`; nothing here knows about speech, lessons or SQL.

mod commands;
mod state;

pub fn run() {
    let data = match shiliu_paths::DataDir::default_for_user() {
        Some(d) => d,
        None => {
            eprintln!("error: cannot find a home directory for Shiliu's data; set SHILIU_DATA_DIR");
            std::process::exit(1);
        }
    };
    tauri::Builder::default()
        .manage(state::AppState::new(data))
        .invoke_handler(tauri::generate_handler![commands::status::app_status])
        .run(tauri::generate_context!())
        .expect("error while running Shiliu");
}
