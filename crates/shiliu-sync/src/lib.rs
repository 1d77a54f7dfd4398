//! Progress sync between a school's classroom PCs — by USB stick, PC to PC through any number
//! of relays, or through a district hub — converging everywhere, never duplicating, never
//! losing a record, and revealing nothing from a lost stick.
//!
//! The shape (after Anki's and Kolibri's sync, and yaak's `compute_sync_ops`): **state → pure
//! plan → apply in one transaction**, with the transport (a folder on a stick, the hub) kept
//! apart from the merge.
//!
//! * **Identity and trust** ([`create_school`], [`write_join_file`], [`join_school`],
//!   [`devices`], [`revoke_device`]): each PC has an Ed25519 key; the school has a symmetric
//!   key that reaches new PCs only inside a join file encrypted under a join code. Device
//!   certificates chain to the founder, whose key defines the school id; revocations are
//!   signed and synced.
//! * **Change tracking**: the store's per-device counters and version vectors
//!   ([`VersionVector`]); attempts and the registry are insert-only, other rows resolve by
//!   last writer wins on hybrid logical clocks with the losing version kept as a conflict
//!   ([`plan()`]); deletions are tombstones.
//! * **Bundles** ([`export_bundle`], [`preview_import`], [`import_path`]): one file, written
//!   atomically, signed by the device and encrypted with the school key, with a public
//!   manifest; import verifies before decrypting, shows a preview, applies in one transaction,
//!   is idempotent and leaves a signed receipt next to the bundle.
//! * **Hub** ([`sync_once`], [`HubSync`]): the same bundles over HTTP; the hub stores
//!   ciphertext only.
//! * **For the UI**: [`status`], [`conflicts`], [`resolve_conflict`]; every type is
//!   `Serialize`, every error has a stable [`SyncError::code`].
//!
//! ```
//! use shiliu_store::{NewStudent, Store};
//!
//! let dir = tempfile::tempdir()?;
//! let mut a = Store::open(dir.path().join("a.sqlite3"))?;
//! let mut b = Store::open(dir.path().join("b.sqlite3"))?;
//! shiliu_sync::create_school(&mut a, "Xinglong Primary")?;
//! let join = shiliu_sync::write_join_file(&a, &dir.path().join("stick"), Some("pomegranate 42"), 7)?;
//! shiliu_sync::join_school(&mut b, &join.path, "pomegranate 42")?;
//!
//! let school = a.facilities()?[0].id;
//! a.transact(|tx| tx.add_student(school, &NewStudent { name: "卓玛".into(), ..Default::default() }))?;
//! let export = shiliu_sync::export_bundle(&mut a, &dir.path().join("stick"), false)?;
//! let report = shiliu_sync::import_path(&mut b, &export.path)?;
//! assert_eq!(report.preview.changes["students"].new, 1);
//! assert_eq!(b.students()?[0].name, "卓玛");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bundle;
mod error;
mod hub_api;
mod hub_client;
mod identity;
mod import;
mod join;
mod keys;
mod plan;
mod registry;
mod status;
mod usb;
mod vector;

pub use bundle::{
    EXTENSION, FORMAT, MAGIC, Manifest, OpenBundle, Sealing, is_bundle_name, open, read_manifest, seal, verify_bundle,
    write_atomic,
};
pub use error::{Result, SyncError};
pub mod api {
    //! The hub's HTTP interface (for `shiliu-hub`).
    pub use crate::hub_api::*;
}
pub use hub_client::{HubClient, HubReport, HubSync, HubSyncStatus, check_hub_url, sync_once};
pub use identity::{DeviceInfo, Member, SchoolInfo, create_school, devices, find_device, revoke_device, school};
pub use import::{BundleSummary, ConflictPreview, Prepared, Preview, Refused, Source, apply, chain, prepare};
pub use join::{JOIN_EXTENSION, JoinFile, join_school, join_school_from_bytes, new_join_code, write_join_file};
pub use keys::{DeviceCert, DeviceKey, Invitation, Issuer, Revocation, school_id_for};
pub use plan::{LocalRows, Plan, TableChanges, plan};
pub use registry::Registry;
pub use status::{
    ConflictChoice, ConflictView, PeerInfo, SyncStatus, conflicts, resolve_conflict, settle_conflicts, status,
};
pub use usb::{ExportReport, ImportReport, Receipt, export_bundle, import_path, preview_import};
pub use vector::VersionVector;
