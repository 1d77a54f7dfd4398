//! Bundles in PostgreSQL, for a hub serving a county or a province. A small pool of
//! connections; storing a bundle locks its school's row (`SELECT … FOR UPDATE`), so pushes for
//! one school are serialised while different schools proceed in parallel.
//!
//! The queries are the SQLite backend's files with `?N` placeholders read as `$N`. The hub
//! connects without TLS: run it next to the database (Unix socket or loopback).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use shiliu_sync::{DeviceCert, Manifest, Revocation, VersionVector};
use tokio::sync::{Mutex, MutexGuard};
use tokio_postgres::{Client, NoTls, Statement};

use super::{BundleMeta, PutOutcome, SchoolReport, SchoolState, Storage, from_json, to_json};
use crate::error::{HubError, Result};

struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    async fn stmt(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&dollar(sql)).await.map_err(HubError::storage)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

pub struct PostgresStorage {
    pool: Vec<Mutex<Conn>>,
    next: AtomicUsize,
}

/// `?1` → `$1`: the shared query files in PostgreSQL's placeholder style.
fn dollar(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

const SCHOOL_FOR_UPDATE: &str = "SELECT covers, bundles FROM hub_schools WHERE id = ?1 FOR UPDATE";

impl PostgresStorage {
    /// Connects `size` times with a libpq-style configuration
    /// (`host=/run/postgresql port=5432 user=shiliu dbname=shiliu_hub`) and creates the tables.
    pub async fn connect(config: &str, size: usize) -> Result<PostgresStorage> {
        let mut pool = Vec::new();
        for i in 0..size.max(1) {
            let (client, connection) = tokio_postgres::connect(config, NoTls)
                .await
                .map_err(|e| HubError::Start(format!("postgresql: {}", HubError::with_causes(&e))))?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    eprintln!("shiliu-hub: postgresql connection ended: {e}");
                }
            });
            if i == 0 {
                client
                    .batch_execute(include_str!("sql/schema_postgres.sql"))
                    .await
                    .map_err(|e| HubError::Storage(HubError::with_causes(&e)))?;
            }
            pool.push(Mutex::new(Conn { client, statements: HashMap::new() }));
        }
        Ok(PostgresStorage { pool, next: AtomicUsize::new(0) })
    }

    async fn conn(&self) -> MutexGuard<'_, Conn> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.pool.len() {
            if let Ok(guard) = self.pool[(start + i) % self.pool.len()].try_lock() {
                return guard;
            }
        }
        self.pool[start % self.pool.len()].lock().await
    }
}

async fn school_state(conn: &mut Conn, school: &str) -> Result<Option<SchoolState>> {
    let get = conn.stmt(include_str!("sql/school_get.sql")).await?;
    let Some(row) = conn.client.query_opt(&get, &[&school]).await.map_err(HubError::storage)? else {
        return Ok(None);
    };
    let (covers, bundles): (String, i64) = (row.get(0), row.get(1));
    let certs_q = conn.stmt(include_str!("sql/certs_get.sql")).await?;
    let revs_q = conn.stmt(include_str!("sql/revocations_get.sql")).await?;
    let certs = conn.client.query(&certs_q, &[&school]).await.map_err(HubError::storage)?;
    let revs = conn.client.query(&revs_q, &[&school]).await.map_err(HubError::storage)?;
    Ok(Some(SchoolState {
        covers: from_json(&covers),
        bundles: bundles.max(0) as u64,
        certs: certs.iter().filter_map(|r| serde_json::from_str(r.get::<_, &str>(0)).ok()).collect(),
        revocations: revs.iter().filter_map(|r| serde_json::from_str(r.get::<_, &str>(0)).ok()).collect(),
    }))
}

fn now_ms() -> i64 {
    shiliu_store::Timestamp::now().millis()
}

impl Storage for PostgresStorage {
    async fn school(&self, school: &str) -> Result<Option<SchoolState>> {
        school_state(&mut *self.conn().await, school).await
    }

    async fn save_registry(&self, school: &str, certs: &[DeviceCert], revocations: &[Revocation]) -> Result<()> {
        let mut conn = self.conn().await;
        let ensure = conn.stmt(include_str!("sql/school_ensure.sql")).await?;
        let put_cert = conn.stmt(include_str!("sql/cert_put.sql")).await?;
        let put_rev = conn.stmt(include_str!("sql/revocation_put.sql")).await?;
        let tx = conn.client.transaction().await.map_err(HubError::storage)?;
        tx.execute(&ensure, &[&school, &now_ms()]).await.map_err(HubError::storage)?;
        for c in certs {
            tx.execute(&put_cert, &[&school, &c.device.to_string(), &c.to_json()]).await.map_err(HubError::storage)?;
        }
        for r in revocations {
            tx.execute(&put_rev, &[&school, &r.device.to_string(), &r.revoked_by.to_string(), &r.to_json()])
                .await
                .map_err(HubError::storage)?;
        }
        tx.commit().await.map_err(HubError::storage)
    }

    async fn put_bundle(&self, m: &Manifest, bytes: Vec<u8>) -> Result<PutOutcome> {
        let mut conn = self.conn().await;
        let ensure = conn.stmt(include_str!("sql/school_ensure.sql")).await?;
        let lock = conn.stmt(SCHOOL_FOR_UPDATE).await?;
        let exists = conn.stmt(include_str!("sql/bundle_exists.sql")).await?;
        let add = conn.stmt(include_str!("sql/bundle_add.sql")).await?;
        let update = conn.stmt(include_str!("sql/school_update.sql")).await?;
        let activity = conn.stmt(include_str!("sql/activity_add.sql")).await?;
        let now = now_ms();
        let tx = conn.client.transaction().await.map_err(HubError::storage)?;
        tx.execute(&ensure, &[&m.school, &now]).await.map_err(HubError::storage)?;
        let row = tx.query_one(&lock, &[&m.school]).await.map_err(HubError::storage)?;
        let (covers, bundles): (String, i64) = (row.get(0), row.get(1));
        let mut covers: VersionVector = from_json(&covers);
        if tx.query_opt(&exists, &[&m.school, &m.bundle]).await.map_err(HubError::storage)?.is_some() {
            return Ok(PutOutcome { stored: false, covers });
        }
        if !covers.covers(&m.base) {
            return Err(HubError::BaseNotCovered);
        }
        covers.merge(&m.covers);
        let seq = bundles + 1;
        let origin = m.origin.to_string();
        let len = bytes.len() as i64;
        let (base, own, counts) = (to_json(&m.base), to_json(&m.covers), to_json(&m.counts));
        tx.execute(
            &add,
            &[&m.school, &m.bundle, &seq, &origin, &m.created_ms, &now, &base, &own, &counts, &len, &bytes],
        )
        .await
        .map_err(HubError::storage)?;
        tx.execute(&update, &[&m.school, &to_json(&covers), &seq, &now]).await.map_err(HubError::storage)?;
        for (day, n) in &m.attempt_days {
            tx.execute(&activity, &[&m.school, &origin, day, &(*n as i64)]).await.map_err(HubError::storage)?;
        }
        tx.commit().await.map_err(HubError::storage)?;
        Ok(PutOutcome { stored: true, covers })
    }

    async fn list_bundles(&self, school: &str) -> Result<Vec<BundleMeta>> {
        let mut conn = self.conn().await;
        let q = conn.stmt(include_str!("sql/bundle_list.sql")).await?;
        let rows = conn.client.query(&q, &[&school]).await.map_err(HubError::storage)?;
        Ok(rows
            .iter()
            .map(|r| BundleMeta {
                id: r.get(0),
                seq: r.get(1),
                origin: r.get(2),
                covers: from_json(r.get::<_, &str>(3)),
                bytes: r.get::<_, i64>(4).max(0) as u64,
            })
            .collect())
    }

    async fn get_bundle(&self, school: &str, id: &str) -> Result<Option<Vec<u8>>> {
        let mut conn = self.conn().await;
        let q = conn.stmt(include_str!("sql/bundle_get.sql")).await?;
        let row = conn.client.query_opt(&q, &[&school, &id]).await.map_err(HubError::storage)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn report(&self) -> Result<Vec<SchoolReport>> {
        let mut conn = self.conn().await;
        let schools_q = conn.stmt(include_str!("sql/report_schools.sql")).await?;
        let activity_q = conn.stmt(include_str!("sql/report_activity.sql")).await?;
        let rows = conn.client.query(&schools_q, &[]).await.map_err(HubError::storage)?;
        let activity: Vec<(String, String, String, i64)> = conn
            .client
            .query(&activity_q, &[])
            .await
            .map_err(HubError::storage)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect();
        let mut out = Vec::new();
        for r in rows {
            let mut s = SchoolReport {
                school: r.get(0),
                bundles: r.get::<_, i64>(1).max(0) as u64,
                last_received_ms: r.get(2),
                bytes: r.get::<_, i64>(3).max(0) as u64,
                ..Default::default()
            };
            if let Some(state) = school_state(&mut conn, &s.school).await? {
                let school = s.school.clone();
                super::fill_report(
                    &mut s,
                    &state,
                    activity.iter().filter(|a| a.0 == school).map(|a| (&a.1, &a.2, a.3)),
                );
            }
            out.push(s);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_become_dollar_numbers() {
        assert_eq!(super::dollar("SELECT ?1, '?' FROM t WHERE a = ?12"), "SELECT $1, '?' FROM t WHERE a = $12");
    }
}
