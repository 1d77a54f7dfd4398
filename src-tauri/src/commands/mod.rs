//! Tauri commands, one file per domain. Each is a few lines over one `shiliu-core` call; slow
//! calls run on the blocking pool so the window never freezes.

pub mod status;

use shiliu_core::ErrorPayload;

/// Runs blocking core work off the async runtime's threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ErrorPayload> + Send + 'static,
) -> Result<T, ErrorPayload> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ErrorPayload { code: "app.internal".into(), message: e.to_string() })?
}
