//! The HTTP handlers (see `shiliu_sync::api` for the interface).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use shiliu_store::{DeviceId, Timestamp};
use shiliu_sync::api::*;
use shiliu_sync::{DeviceCert, Registry, Revocation, read_manifest, verify_bundle};

use crate::error::{HubError, Result};
use crate::storage::{SchoolReport, Storage};

pub(crate) type Hub<S> = Arc<S>;

pub(crate) async fn time() -> Json<TimeReply> {
    Json(TimeReply { now_ms: Timestamp::now().millis() })
}

/// The school's registry as the hub holds it, plus certificates offered with a request.
async fn registry<S: Storage>(
    hub: &S,
    school: &str,
    certs: &[DeviceCert],
    revocations: &[Revocation],
) -> Result<Registry> {
    let mut reg = Registry::new(school);
    if let Some(state) = hub.school(school).await? {
        state.certs.into_iter().for_each(|c| reg.add_cert(c));
        state.revocations.into_iter().for_each(|r| reg.add_revocation(r));
    }
    certs.iter().cloned().for_each(|c| reg.add_cert(c));
    revocations.iter().cloned().for_each(|r| reg.add_revocation(r));
    Ok(reg)
}

/// Keeps the certificates and revocations that verify against the registry.
async fn remember<S: Storage>(hub: &S, reg: &Registry, certs: &[DeviceCert], revocations: &[Revocation]) -> Result<()> {
    let good_certs: Vec<DeviceCert> = certs.iter().filter(|c| reg.verify_cert(c).is_ok()).cloned().collect();
    let good_revs: Vec<Revocation> = revocations.iter().filter(|r| reg.verify_revocation(r).is_ok()).cloned().collect();
    if good_certs.is_empty() && good_revs.is_empty() {
        return Ok(());
    }
    hub.save_registry(reg.school(), &good_certs, &good_revs).await
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| HubError::unauthorized(format!("the {name} header is missing")))
}

/// Checks a signed request; returns the device that signed it.
fn authenticate(reg: &Registry, headers: &HeaderMap, method: &str, path: &str, body: &[u8]) -> Result<DeviceId> {
    if header(headers, HEADER_SCHOOL)? != reg.school() {
        return Err(HubError::unauthorized("the request names another school"));
    }
    let device: DeviceId =
        header(headers, HEADER_DEVICE)?.parse().map_err(|_| HubError::unauthorized("a bad device id"))?;
    let time: i64 = header(headers, HEADER_TIME)?.parse().map_err(|_| HubError::unauthorized("a bad time"))?;
    if (Timestamp::now().millis() - time).abs() > MAX_SKEW_MS {
        return Err(HubError::unauthorized("the request's time is too far from the hub's; ask /v1/time first"));
    }
    let cert = reg.trusted(device).map_err(|e| HubError::unauthorized(e.to_string()))?;
    verify_request(&cert.key, method, path, time, body, header(headers, HEADER_SIGNATURE)?)
        .map_err(|_| HubError::unauthorized("the signature does not match"))?;
    Ok(device)
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| HubError::BadRequest(e.to_string()))
}

pub(crate) async fn state<S: Storage>(
    State(hub): State<Hub<S>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<StateReply>> {
    let req: StateRequest = parse(&body)?;
    let reg = registry(&*hub, &req.school, &req.certs, &req.revocations).await?;
    authenticate(&reg, &headers, "POST", "/v1/state", &body)?;
    remember(&*hub, &reg, &req.certs, &req.revocations).await?;
    let state = hub.school(&req.school).await?.unwrap_or_default();
    Ok(Json(StateReply { covers: state.covers, bundles: state.bundles }))
}

pub(crate) async fn push<S: Storage>(State(hub): State<Hub<S>>, body: Bytes) -> Result<Json<PushReply>> {
    let manifest = read_manifest(&body)?;
    let reg = registry(&*hub, &manifest.school, &[], &[]).await?;
    let manifest = verify_bundle(&body, &manifest.school, &reg)?;
    let reg = manifest.registry_over(&reg);
    remember(&*hub, &reg, &manifest.certs, &manifest.revocations).await?;
    let outcome = hub.put_bundle(&manifest, body.to_vec()).await?;
    Ok(Json(PushReply { stored: outcome.stored, covers: outcome.covers }))
}

pub(crate) async fn pull<S: Storage>(
    State(hub): State<Hub<S>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PullReply>> {
    let req: PullRequest = parse(&body)?;
    let reg = registry(&*hub, &req.school, &[], &[]).await?;
    authenticate(&reg, &headers, "POST", "/v1/pull", &body)?;
    let bundles = hub
        .list_bundles(&req.school)
        .await?
        .into_iter()
        .filter(|b| !req.holds.covers(&b.covers))
        // A revoked PC's bundles are no longer handed out (every PC would refuse them).
        .filter(|b| b.origin.parse().is_ok_and(|origin| reg.trusted(origin).is_ok()))
        .map(|b| HubBundle { id: b.id, origin: b.origin.parse().unwrap_or_default(), bytes: b.bytes })
        .collect();
    Ok(Json(PullReply { bundles }))
}

pub(crate) async fn fetch<S: Storage>(
    State(hub): State<Hub<S>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let school = header(&headers, HEADER_SCHOOL)?.to_owned();
    let reg = registry(&*hub, &school, &[], &[]).await?;
    authenticate(&reg, &headers, "GET", &format!("/v1/bundles/{id}"), &[])?;
    let bytes = hub.get_bundle(&school, &id).await?.ok_or(HubError::NotFound { what: "bundle", key: id })?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

pub(crate) async fn report_json<S: Storage>(State(hub): State<Hub<S>>) -> Result<Json<Vec<SchoolReport>>> {
    Ok(Json(hub.report().await?))
}

pub(crate) async fn report_page<S: Storage>(State(hub): State<Hub<S>>) -> Result<Html<String>> {
    Ok(Html(crate::report::page(&hub.report().await?, Timestamp::now())))
}
