//! The district hub: a small HTTP server (axum) that stores and relays the same signed,
//! encrypted bundles PCs carry on USB sticks, so any PC that can reach it now and then stays in
//! step with the rest of its school.
//!
//! * **Ciphertext only.** The hub never holds a school key. It checks each bundle's public
//!   manifest and signature against the school's registry (certificates chain to the founder
//!   key the school id is derived from), stores it, and serves it to the school's PCs.
//!   Reports come from manifest metadata: bundles, bytes, attempts per PC and day.
//! * **Storage** behind one trait ([`Storage`]): SQLite by default, PostgreSQL for a county or
//!   province. Accepting a bundle and advancing the school's covered vector is one
//!   transaction, so a hub killed mid-sync loses nothing a client was told was stored.
//!
//! ```no_run
//! # async fn run() -> Result<(), shiliu_hub::HubError> {
//! let storage = shiliu_hub::SqliteStorage::open(std::path::Path::new("/var/lib/shiliu-hub/hub.sqlite3"))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8750").await.map_err(|e| shiliu_hub::HubError::Start(e.to_string()))?;
//! shiliu_hub::serve(listener, storage, std::future::pending()).await
//! # }
//! ```

mod error;
mod report;
mod routes;
mod storage;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use error::{HubError, Result};
pub use storage::{
    BundleMeta, DeviceReport, PostgresStorage, PutOutcome, SchoolReport, SchoolState, SqliteStorage, Storage,
};

/// Largest bundle accepted (a school's years of attempts fit many times over).
pub const MAX_BUNDLE_BYTES: usize = 1 << 30;

/// The hub's routes over `storage`.
pub fn router<S: Storage>(storage: S) -> Router {
    Router::new()
        .route("/", get(routes::report_page::<S>))
        .route("/v1/report", get(routes::report_json::<S>))
        .route("/v1/time", get(routes::time))
        .route("/v1/state", post(routes::state::<S>))
        .route("/v1/bundles", post(routes::push::<S>))
        .route("/v1/pull", post(routes::pull::<S>))
        .route("/v1/bundles/{id}", get(routes::fetch::<S>))
        .layer(DefaultBodyLimit::max(MAX_BUNDLE_BYTES))
        .with_state(Arc::new(storage))
}

/// Serves the hub on `listener` until `shutdown` completes.
pub async fn serve<S: Storage>(
    listener: tokio::net::TcpListener,
    storage: S,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(listener, router(storage))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| HubError::Start(e.to_string()))
}
