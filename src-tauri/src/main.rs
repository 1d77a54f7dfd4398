// Prevents an extra console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    shiliu_speech::cpu::ensure_runnable();
    shiliu_app::run();
}
