//! Syncing with a hub: one exchange ([`sync_once`]) and the background loop ([`HubSync`]).
//!
//! An exchange asks the hub what it covers, pushes one bundle with everything above that (when
//! this PC has anything the hub lacks), then pulls the bundles this PC lacks and imports them as
//! one batch. Every step is safe to repeat: a push the hub already stored is a no-op, an import
//! is idempotent, and this PC records nothing about the hub until the hub confirmed it. So a
//! hub (or the network) dying at any moment loses nothing: the next exchange carries on.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use shiliu_store::{Store, Timestamp};

use crate::bundle::read_manifest;
use crate::error::{Result, SyncError};
use crate::hub_api::*;
use crate::identity::Member;
use crate::import::{Source, apply, prepare};
use crate::registry::Registry;
use crate::usb::build;
use crate::vector::VersionVector;

const MAX_BUNDLE: u64 = 2 << 30;

/// What one exchange did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubReport {
    pub pushed_rows: u64,
    pub pushed_bytes: u64,
    pub pulled_bundles: usize,
    pub pulled_rows: u64,
    pub hub_covers: VersionVector,
    /// Bundles the hub sent that this PC refused or must import later, with the reason.
    pub skipped: Vec<String>,
    /// Rows a revoked PC made after its revocation, relayed by others: left out.
    pub left_out_rows: u64,
}

/// A blocking client for one hub, signing as this PC.
pub struct HubClient {
    url: String,
    agent: ureq::Agent,
    offset_ms: i64,
}

impl HubClient {
    pub fn new(url: &str) -> HubClient {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            // A hub that takes the connection but does not answer is given up on in a minute;
            // a slow link still has ten minutes to carry a big bundle, as long as it moves.
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_per_read(Some(Duration::from_secs(30)))
            .timeout_per_write(Some(Duration::from_secs(30)))
            .timeout_global(Some(Duration::from_secs(600)))
            .build();
        HubClient { url: url.trim_end_matches('/').to_owned(), agent: config.new_agent(), offset_ms: 0 }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn unreachable(&self, e: impl std::fmt::Display) -> SyncError {
        SyncError::HubUnreachable { url: self.url.clone(), reason: e.to_string() }
    }

    fn read(&self, mut resp: ureq::http::Response<ureq::Body>) -> Result<Vec<u8>> {
        let status = resp.status().as_u16();
        let body = resp.body_mut().with_config().limit(MAX_BUNDLE).read_to_vec().map_err(|e| self.unreachable(e))?;
        if status >= 400 {
            return Err(match serde_json::from_slice::<ErrorReply>(&body) {
                Ok(e) => SyncError::HubRefused {
                    url: self.url.clone(),
                    status,
                    message: format!("{}: {}", e.code, e.message),
                },
                Err(_) => SyncError::NotAHub { url: self.url.clone(), detail: format!("HTTP {status}") },
            });
        }
        Ok(body)
    }

    fn json<T: serde::de::DeserializeOwned>(&self, body: &[u8]) -> Result<T> {
        serde_json::from_slice(body).map_err(|e| SyncError::NotAHub {
            url: self.url.clone(),
            detail: format!("an answer that is not a hub's: {e}"),
        })
    }

    /// Learns the hub's clock, which signed requests use.
    pub fn sync_clock(&mut self) -> Result<()> {
        let resp = self.agent.get(format!("{}/v1/time", self.url)).call().map_err(|e| self.unreachable(e))?;
        let t: TimeReply = self.json(&self.read(resp)?)?;
        self.offset_ms = t.now_ms - Timestamp::now().millis();
        Ok(())
    }

    fn signed(&self, member: &Member, method: &str, path: &str, body: &[u8]) -> Result<Vec<u8>> {
        let time = Timestamp::now().millis() + self.offset_ms;
        let sig = sign_request(&member.key, method, path, time, body);
        let url = format!("{}{path}", self.url);
        let resp = match method {
            "GET" => self
                .agent
                .get(&url)
                .header(HEADER_SCHOOL, &member.school)
                .header(HEADER_DEVICE, member.device.to_string())
                .header(HEADER_TIME, time.to_string())
                .header(HEADER_SIGNATURE, &sig)
                .call(),
            _ => self
                .agent
                .post(&url)
                .header(HEADER_SCHOOL, &member.school)
                .header(HEADER_DEVICE, member.device.to_string())
                .header(HEADER_TIME, time.to_string())
                .header(HEADER_SIGNATURE, &sig)
                .header("content-type", "application/json")
                .send(body),
        };
        self.read(resp.map_err(|e| self.unreachable(e))?)
    }

    pub fn state(&self, member: &Member, registry: &Registry) -> Result<StateReply> {
        let req = StateRequest {
            school: member.school.clone(),
            certs: registry.certs().cloned().collect(),
            revocations: registry.revocations().to_vec(),
        };
        let body = serde_json::to_vec(&req).map_err(|e| SyncError::invalid("request", e.to_string()))?;
        self.json(&self.signed(member, "POST", "/v1/state", &body)?)
    }

    pub fn push(&self, bundle: &[u8]) -> Result<PushReply> {
        let resp = self
            .agent
            .post(format!("{}/v1/bundles", self.url))
            .header("content-type", "application/octet-stream")
            .send(bundle)
            .map_err(|e| self.unreachable(e))?;
        self.json(&self.read(resp)?)
    }

    pub fn pull(&self, member: &Member, holds: &VersionVector) -> Result<PullReply> {
        let body = serde_json::to_vec(&PullRequest { school: member.school.clone(), holds: holds.clone() })
            .map_err(|e| SyncError::invalid("request", e.to_string()))?;
        self.json(&self.signed(member, "POST", "/v1/pull", &body)?)
    }

    pub fn fetch(&self, member: &Member, id: &str) -> Result<Vec<u8>> {
        self.signed(member, "GET", &format!("/v1/bundles/{id}"), &[])
    }
}

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|p| p.into_inner())
}

/// One push-and-pull exchange with the hub at `url`. The store is locked only while reading
/// or writing it, never during network transfers.
pub fn sync_once(store: &Mutex<Store>, url: &str) -> Result<HubReport> {
    let mut client = HubClient::new(&check_hub_url(url)?);
    let result = exchange(store, &mut client);
    let error = result.as_ref().err().map(ToString::to_string);
    lock(store).transact(|tx| tx.set_hub_state(client.url(), error.as_deref()))?;
    result
}

/// A hub address as `http://host[:port]` or `https://…`; a bare `host:port` gets a hint.
pub fn check_hub_url(url: &str) -> Result<String> {
    let url = url.trim();
    let Some(rest) = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")) else {
        let hint = if url.contains("://") {
            "only http:// and https:// hub addresses work".to_owned()
        } else {
            format!("start it with http://, as in http://{url}")
        };
        return Err(SyncError::invalid("hub address", hint));
    };
    if rest.trim_end_matches('/').is_empty() || rest.contains(char::is_whitespace) {
        return Err(SyncError::invalid("hub address", format!("{url} names no host")));
    }
    Ok(url.to_owned())
}

fn exchange(store: &Mutex<Store>, client: &mut HubClient) -> Result<HubReport> {
    client.sync_clock()?;
    let (member, registry) = {
        let s = lock(store);
        let m = Member::load(&s)?;
        let r = Registry::load(&s, &m.school)?;
        (m, r)
    };
    let peer = format!("hub:{}", client.url());
    let mut report = HubReport {
        pushed_rows: 0,
        pushed_bytes: 0,
        pulled_bundles: 0,
        pulled_rows: 0,
        hub_covers: VersionVector::new(),
        skipped: Vec::new(),
        left_out_rows: 0,
    };
    let mut covers = client.state(&member, &registry)?.covers;
    for _attempt in 0..3 {
        let (holds, bundle) = {
            let s = lock(store);
            let holds = VersionVector::of_store(&s)?;
            if covers.covers(&holds) {
                break;
            }
            let bundle = build(&s, &member, &covers)?;
            (holds, bundle)
        };
        match client.push(&bundle) {
            Ok(reply) => {
                report.pushed_rows = report.pushed_rows.saturating_add(read_manifest(&bundle)?.rows());
                report.pushed_bytes += bundle.len() as u64;
                covers = reply.covers;
                let _ = holds;
                break;
            }
            // The hub lost bundles since it told us what it covers (a restore): ask again.
            Err(SyncError::HubRefused { status: 409, .. }) => covers = client.state(&member, &registry)?.covers,
            Err(e) => return Err(e),
        }
    }
    let holds = VersionVector::of_store(&lock(store))?;
    let listed = client.pull(&member, &holds)?;
    let mut sources = Vec::new();
    for b in &listed.bundles {
        if lock(store).imported_bundle(&b.id)?.is_some() {
            continue;
        }
        sources.push(Source {
            label: format!("{}/v1/bundles/{}", client.url(), b.id),
            bytes: client.fetch(&member, &b.id)?,
        });
    }
    let mut s = lock(store);
    if !sources.is_empty() {
        // Bundles this PC refuses (a revoked PC's, say, from a hub that has not heard of the
        // revocation) are skipped and reported; the others are imported.
        let prepared = prepare(&s, &member, sources)?;
        let preview = apply(&mut s, prepared)?;
        report.pulled_bundles = preview.bundles.len();
        report.pulled_rows = preview.bundles.iter().map(|b| b.rows).sum();
        report.skipped = preview.refused.iter().chain(&preview.waiting).map(|r| r.message.clone()).collect();
        report.left_out_rows = preview.left_out;
    }
    s.transact(|tx| {
        tx.forget_peer(&peer)?;
        for (device, counter) in covers.iter() {
            tx.note_peer_counter(&peer, device, counter)?;
        }
        Ok(())
    })?;
    report.hub_covers = covers;
    Ok(report)
}

/// The background loop's state, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubSyncStatus {
    pub url: String,
    pub syncing: bool,
    pub last_success: Option<Timestamp>,
    pub last_error: Option<String>,
    pub last_report: Option<HubReport>,
    /// Seconds until the next exchange.
    pub next_in_s: u64,
    pub failures_in_a_row: u32,
}

/// Syncs with a hub whenever it is reachable: every `interval` after a success, and after a
/// failure with exponential backoff from `min_backoff` up to `max_backoff` (with jitter, so a
/// room of PCs does not knock on the hub at the same second).
pub struct HubSync {
    pub url: String,
    pub store: Arc<Mutex<Store>>,
    pub interval: Duration,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    stop: Arc<AtomicBool>,
}

impl HubSync {
    pub fn new(store: Arc<Mutex<Store>>, url: &str) -> HubSync {
        HubSync {
            url: url.to_owned(),
            store,
            interval: Duration::from_secs(300),
            min_backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(900),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Set to true to end [`HubSync::run`] within a second.
    pub fn stopper(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// The delay before the next try after `failures` failures in a row.
    pub fn backoff(&self, failures: u32) -> Duration {
        let base = self.min_backoff.saturating_mul(1u32 << failures.saturating_sub(1).min(20));
        let capped = base.min(self.max_backoff);
        let jitter = 0.8 + 0.4 * fastrand::f64();
        capped.mul_f64(jitter)
    }

    /// Runs until stopped, reporting every change of state through `on_status`.
    pub fn run(&self, mut on_status: impl FnMut(&HubSyncStatus)) {
        let mut status = HubSyncStatus {
            url: self.url.clone(),
            syncing: false,
            last_success: None,
            last_error: None,
            last_report: None,
            next_in_s: 0,
            failures_in_a_row: 0,
        };
        while !self.stop.load(Ordering::Relaxed) {
            status.syncing = true;
            on_status(&status);
            let wait = match sync_once(&self.store, &self.url) {
                Ok(report) => {
                    status.last_success = Some(Timestamp::now());
                    status.last_error = None;
                    status.last_report = Some(report);
                    status.failures_in_a_row = 0;
                    self.interval
                }
                Err(e) => {
                    status.last_error = Some(e.to_string());
                    status.failures_in_a_row += 1;
                    if e.is_transient() { self.backoff(status.failures_in_a_row) } else { self.max_backoff }
                }
            };
            status.syncing = false;
            status.next_in_s = wait.as_secs();
            on_status(&status);
            let until = std::time::Instant::now() + wait;
            while std::time::Instant::now() < until && !self.stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50).min(until - std::time::Instant::now()));
            }
        }
    }
}
