//! Bundles in one SQLite file (WAL, `synchronous = FULL`: an acknowledged bundle survives a
//! power cut). One connection, used from blocking threads; SQLite serialises writers anyway.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use shiliu_sync::{DeviceCert, Manifest, Revocation, VersionVector};

use super::{BundleMeta, PutOutcome, SchoolReport, SchoolState, Storage, from_json, to_json};
use crate::error::{HubError, Result};

#[derive(Clone)]
pub struct SqliteStorage {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStorage {
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(HubError::storage)?;
        }
        let conn = Connection::open(path).map_err(HubError::storage)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(HubError::storage)?;
        conn.pragma_update(None, "journal_mode", "wal").map_err(HubError::storage)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(HubError::storage)?;
        conn.execute_batch(include_str!("sql/schema_sqlite.sql")).map_err(HubError::storage)?;
        Ok(SqliteStorage { conn: Arc::new(Mutex::new(conn)) })
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(HubError::storage)?
    }
}

fn school_state(conn: &Connection, school: &str) -> rusqlite::Result<Option<SchoolState>> {
    let Some((covers, bundles)) = conn
        .prepare_cached(include_str!("sql/school_get.sql"))?
        .query_row([school], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .optional()?
    else {
        return Ok(None);
    };
    let certs = conn
        .prepare_cached(include_str!("sql/certs_get.sql"))?
        .query_map([school], |r| r.get::<_, String>(0))?
        .filter_map(|t| t.ok().and_then(|t| serde_json::from_str(&t).ok()))
        .collect();
    let revocations = conn
        .prepare_cached(include_str!("sql/revocations_get.sql"))?
        .query_map([school], |r| r.get::<_, String>(0))?
        .filter_map(|t| t.ok().and_then(|t| serde_json::from_str(&t).ok()))
        .collect();
    Ok(Some(SchoolState { covers: from_json(&covers), bundles: bundles.max(0) as u64, certs, revocations }))
}

fn now_ms() -> i64 {
    shiliu_store::Timestamp::now().millis()
}

impl Storage for SqliteStorage {
    async fn school(&self, school: &str) -> Result<Option<SchoolState>> {
        let school = school.to_owned();
        self.with(move |c| school_state(c, &school).map_err(HubError::storage)).await
    }

    async fn save_registry(&self, school: &str, certs: &[DeviceCert], revocations: &[Revocation]) -> Result<()> {
        let (school, certs, revocations) = (school.to_owned(), certs.to_vec(), revocations.to_vec());
        self.with(move |c| {
            let tx = c.transaction().map_err(HubError::storage)?;
            tx.execute(include_str!("sql/school_ensure.sql"), params![school, now_ms()]).map_err(HubError::storage)?;
            for cert in &certs {
                tx.execute(include_str!("sql/cert_put.sql"), params![school, cert.device.to_string(), cert.to_json()])
                    .map_err(HubError::storage)?;
            }
            for r in &revocations {
                tx.execute(
                    include_str!("sql/revocation_put.sql"),
                    params![school, r.device.to_string(), r.revoked_by.to_string(), r.to_json()],
                )
                .map_err(HubError::storage)?;
            }
            tx.commit().map_err(HubError::storage)
        })
        .await
    }

    async fn put_bundle(&self, m: &Manifest, bytes: Vec<u8>) -> Result<PutOutcome> {
        let m = m.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(HubError::storage)?;
            let now = now_ms();
            tx.execute(include_str!("sql/school_ensure.sql"), params![m.school, now]).map_err(HubError::storage)?;
            let state = school_state(&tx, &m.school).map_err(HubError::storage)?.unwrap_or_default();
            let exists = tx
                .prepare_cached(include_str!("sql/bundle_exists.sql"))
                .and_then(|mut s| s.exists(params![m.school, m.bundle]))
                .map_err(HubError::storage)?;
            if exists {
                return Ok(PutOutcome { stored: false, covers: state.covers });
            }
            if !state.covers.covers(&m.base) {
                return Err(HubError::BaseNotCovered);
            }
            let mut covers = state.covers.clone();
            covers.merge(&m.covers);
            let seq = state.bundles as i64 + 1;
            tx.execute(
                include_str!("sql/bundle_add.sql"),
                params![
                    m.school,
                    m.bundle,
                    seq,
                    m.origin.to_string(),
                    m.created_ms,
                    now,
                    to_json(&m.base),
                    to_json(&m.covers),
                    to_json(&m.counts),
                    bytes.len() as i64,
                    bytes
                ],
            )
            .map_err(HubError::storage)?;
            tx.execute(include_str!("sql/school_update.sql"), params![m.school, to_json(&covers), seq, now])
                .map_err(HubError::storage)?;
            for (day, n) in &m.attempt_days {
                tx.execute(
                    include_str!("sql/activity_add.sql"),
                    params![m.school, m.origin.to_string(), day, *n as i64],
                )
                .map_err(HubError::storage)?;
            }
            tx.commit().map_err(HubError::storage)?;
            Ok(PutOutcome { stored: true, covers })
        })
        .await
    }

    async fn list_bundles(&self, school: &str) -> Result<Vec<BundleMeta>> {
        let school = school.to_owned();
        self.with(move |c| {
            let mut stmt = c.prepare_cached(include_str!("sql/bundle_list.sql")).map_err(HubError::storage)?;
            let rows = stmt
                .query_map([school], |r| {
                    Ok(BundleMeta {
                        id: r.get(0)?,
                        seq: r.get(1)?,
                        origin: r.get(2)?,
                        covers: from_json::<VersionVector>(&r.get::<_, String>(3)?),
                        bytes: r.get::<_, i64>(4)?.max(0) as u64,
                    })
                })
                .map_err(HubError::storage)?;
            rows.collect::<rusqlite::Result<_>>().map_err(HubError::storage)
        })
        .await
    }

    async fn get_bundle(&self, school: &str, id: &str) -> Result<Option<Vec<u8>>> {
        let (school, id) = (school.to_owned(), id.to_owned());
        self.with(move |c| {
            c.prepare_cached(include_str!("sql/bundle_get.sql"))
                .and_then(|mut s| s.query_row(params![school, id], |r| r.get(0)).optional())
                .map_err(HubError::storage)
        })
        .await
    }

    async fn report(&self) -> Result<Vec<SchoolReport>> {
        self.with(|c| {
            let mut schools: Vec<SchoolReport> = c
                .prepare(include_str!("sql/report_schools.sql"))
                .and_then(|mut s| {
                    s.query_map([], |r| {
                        Ok(SchoolReport {
                            school: r.get(0)?,
                            bundles: r.get::<_, i64>(1)?.max(0) as u64,
                            last_received_ms: r.get(2)?,
                            bytes: r.get::<_, i64>(3)?.max(0) as u64,
                            ..Default::default()
                        })
                    })?
                    .collect()
                })
                .map_err(HubError::storage)?;
            let activity: Vec<(String, String, String, i64)> = c
                .prepare(include_str!("sql/report_activity.sql"))
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
                .map_err(HubError::storage)?;
            for s in &mut schools {
                if let Some(state) = school_state(c, &s.school).map_err(HubError::storage)? {
                    let school = s.school.clone();
                    super::fill_report(s, &state, activity.iter().filter(|a| a.0 == school).map(|a| (&a.1, &a.2, a.3)));
                }
            }
            Ok(schools)
        })
        .await
    }
}
