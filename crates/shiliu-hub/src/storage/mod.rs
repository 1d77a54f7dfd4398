//! Where the hub keeps bundles: one trait, two implementations — SQLite (a file next to the
//! hub, the default) and PostgreSQL (a county or province hub).
//!
//! Storing a bundle is one transaction that also advances the school's covered vector, under a
//! per-school lock: a bundle is accepted only when its base is covered by the bundles already
//! stored, so the stored bundles together always cover the school's vector. A hub killed in
//! the middle of a push has either stored the bundle and advanced the vector, or neither.

mod postgres;
mod sqlite;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

use std::collections::BTreeMap;
use std::future::Future;

use serde::Serialize;
use shiliu_sync::{DeviceCert, Manifest, Revocation, VersionVector};

use crate::error::Result;

/// What the hub knows of a school.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolState {
    pub covers: VersionVector,
    pub bundles: u64,
    pub certs: Vec<DeviceCert>,
    pub revocations: Vec<Revocation>,
}

/// A stored bundle's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleMeta {
    pub id: String,
    pub seq: i64,
    pub origin: String,
    pub covers: VersionVector,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutOutcome {
    pub stored: bool,
    pub covers: VersionVector,
}

/// Aggregates for the report page, from public metadata only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SchoolReport {
    pub school: String,
    pub devices: Vec<DeviceReport>,
    pub bundles: u64,
    pub bytes: u64,
    pub attempts: u64,
    pub last_received_ms: i64,
    /// Attempts per day (UTC date), all devices.
    pub days: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeviceReport {
    pub device: String,
    pub name: String,
    pub attempts: u64,
    pub revoked: bool,
}

pub trait Storage: Send + Sync + 'static {
    /// The school, or `None` when no bundle or request of it arrived yet.
    fn school(&self, school: &str) -> impl Future<Output = Result<Option<SchoolState>>> + Send;

    /// Keeps certificates and revocations (already verified by the caller).
    fn save_registry(
        &self,
        school: &str,
        certs: &[DeviceCert],
        revocations: &[Revocation],
    ) -> impl Future<Output = Result<()>> + Send;

    /// Stores a verified bundle; `Err(BaseNotCovered)` when its base is not covered.
    fn put_bundle(&self, manifest: &Manifest, bytes: Vec<u8>) -> impl Future<Output = Result<PutOutcome>> + Send;

    /// The school's bundles in the order they were accepted.
    fn list_bundles(&self, school: &str) -> impl Future<Output = Result<Vec<BundleMeta>>> + Send;

    fn get_bundle(&self, school: &str, id: &str) -> impl Future<Output = Result<Option<Vec<u8>>>> + Send;

    fn report(&self) -> impl Future<Output = Result<Vec<SchoolReport>>> + Send;
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

/// Adds devices and activity to a school's report.
pub(crate) fn fill_report<'a>(
    report: &mut SchoolReport,
    state: &SchoolState,
    activity: impl Iterator<Item = (&'a String, &'a String, i64)>,
) {
    let revoked: Vec<String> = state.revocations.iter().map(|r| r.device.to_string()).collect();
    report.devices = state
        .certs
        .iter()
        .map(|c| DeviceReport {
            device: c.device.to_string(),
            name: c.name.clone(),
            attempts: 0,
            revoked: revoked.contains(&c.device.to_string()),
        })
        .collect();
    for (device, day, n) in activity {
        let n = n.max(0) as u64;
        report.attempts += n;
        *report.days.entry(day.clone()).or_default() += n;
        if let Some(d) = report.devices.iter_mut().find(|d| &d.device == device) {
            d.attempts += n;
        }
    }
}
