//! What the shell keeps between commands: the app core, or why it could not open.

use std::sync::Arc;

use shiliu_core::{App, ErrorPayload};
use shiliu_paths::DataDir;

pub struct AppState {
    pub data: DataDir,
    app: Result<Arc<App>, ErrorPayload>,
}

impl AppState {
    pub fn new(data: DataDir) -> Self {
        let app = App::open(data.clone()).map(Arc::new).map_err(ErrorPayload::from);
        AppState { data, app }
    }

    /// The app core; an error payload the UI can show when the data folder is unusable.
    pub fn app(&self) -> Result<Arc<App>, ErrorPayload> {
        self.app.clone()
    }
}
