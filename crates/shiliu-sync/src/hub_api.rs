//! The hub's HTTP interface, shared by the client here and the server in `shiliu-hub`.
//!
//! | request | body | answer |
//! |---|---|---|
//! | `GET /v1/time` | — | [`TimeReply`] |
//! | `POST /v1/state` (signed) | [`StateRequest`] | [`StateReply`]: what the hub covers |
//! | `POST /v1/bundles` | a bundle file | [`PushReply`]; 409 when its base is not covered |
//! | `POST /v1/pull` (signed) | [`PullRequest`] | [`PullReply`]: bundles the PC lacks |
//! | `GET /v1/bundles/{id}` (signed) | — | the bundle file |
//! | `GET /` , `GET /v1/report` | — | read-only reports from metadata |
//!
//! A bundle authenticates itself (its signature); other requests carry the device id, the hub's
//! time and an Ed25519 signature over method, path, time and body hash ([`sign_request`]).
//! The client asks the hub for its time first, so a classroom PC whose clock is years off
//! still signs requests the hub accepts (within five minutes). Errors answer `{code, message}`.

use serde::{Deserialize, Serialize};
use shiliu_store::DeviceId;

use crate::error::Result;
use crate::keys::{DeviceCert, DeviceKey, Revocation, sha256_hex, verify};
use crate::vector::VersionVector;

pub const HEADER_SCHOOL: &str = "x-shiliu-school";
pub const HEADER_DEVICE: &str = "x-shiliu-device";
pub const HEADER_TIME: &str = "x-shiliu-time";
pub const HEADER_SIGNATURE: &str = "x-shiliu-signature";
/// How far a request's time may be from the hub's.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;
const REQUEST_DOMAIN: &str = "shiliu-hub-request-v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeReply {
    pub now_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateRequest {
    pub school: String,
    /// The PC's registry, so a hub that has not seen this PC yet can check its chain.
    pub certs: Vec<DeviceCert>,
    pub revocations: Vec<Revocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateReply {
    /// The hub's bundles together cover this vector.
    pub covers: VersionVector,
    pub bundles: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReply {
    /// False when the hub already had this bundle.
    pub stored: bool,
    pub covers: VersionVector,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub school: String,
    pub holds: VersionVector,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubBundle {
    pub id: String,
    pub origin: DeviceId,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullReply {
    /// In the order the hub accepted them.
    pub bundles: Vec<HubBundle>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    pub code: String,
    pub message: String,
}

fn request_message(method: &str, path: &str, time_ms: i64, body: &[u8]) -> Vec<u8> {
    format!("{method}\n{path}\n{time_ms}\n{}", sha256_hex(body)).into_bytes()
}

/// The signature header value for a request.
pub fn sign_request(key: &DeviceKey, method: &str, path: &str, time_ms: i64, body: &[u8]) -> String {
    key.sign(REQUEST_DOMAIN, &request_message(method, path, time_ms, body))
}

/// Checks a request signature with the device's hex public key.
pub fn verify_request(
    public: &str,
    method: &str,
    path: &str,
    time_ms: i64,
    body: &[u8],
    signature: &str,
) -> Result<()> {
    verify(public, REQUEST_DOMAIN, &request_message(method, path, time_ms, body), signature)
}
