//! What the shell keeps between commands.

use shiliu_paths::DataDir;

pub struct AppState {
    pub data: DataDir,
}

impl AppState {
    pub fn new(data: DataDir) -> Self {
        AppState { data }
    }
}
