//! Synced rows as plain records: what a PC exports for its peers and applies from them.
//!
//! A [`SyncRow`] is one row of a synced table with its key, the device and counter of its latest
//! change, its clock values, its tombstone flag and its other columns in a fixed order. The
//! store neither encrypts nor decides anything here: the sync layer plans which incoming rows
//! win and calls [`Tx::apply_sync_row`] for those. Applying is idempotent and guarded in SQL as
//! well (an older version never replaces a newer one), so a bundle imported twice changes nothing.
//!
//! Students are referred to by id in records; the local integer keys of the big tables never
//! leave the PC.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{OptionalExtension, Row, ToSql, params_from_iter};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::ids::DeviceId;
use crate::store::{Store, Tx};

/// The tables that travel between PCs, in the order rows are applied (referenced rows first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncTable {
    SyncDevices,
    SyncRevocations,
    Facilities,
    Teachers,
    Classes,
    Students,
    ClassStudents,
    ClassTeachers,
    Assignments,
    Attempts,
    Recordings,
    ReferenceAudio,
}

struct Spec {
    name: &'static str,
    keys: &'static [&'static str],
    values: &'static [&'static str],
    /// Mutable rows merged by last writer wins; the others are insert-only.
    lww: bool,
    select: &'static str,
    upsert: &'static str,
    key_where: &'static str,
}

macro_rules! spec {
    ($name:literal, $keys:expr, $values:expr, $lww:expr, $where:literal) => {
        Spec {
            name: $name,
            keys: $keys,
            values: $values,
            lww: $lww,
            select: include_str!(concat!("tables/", $name, "_select.sql")),
            upsert: include_str!(concat!("tables/", $name, "_upsert.sql")),
            key_where: $where,
        }
    };
}

const SPECS: [Spec; 12] = [
    spec!("sync_devices", &["id"], &["school_id", "cert"], false, "t.id = ?1"),
    spec!("sync_revocations", &["device_id", "revoked_by"], &["cert"], false, "t.device_id = ?1 AND t.revoked_by = ?2"),
    spec!("facilities", &["id"], &["name", "created_ms"], true, "t.id = ?1"),
    spec!("teachers", &["id"], &["facility_id", "name", "created_ms"], true, "t.id = ?1"),
    spec!("classes", &["id"], &["facility_id", "name", "grade", "created_ms"], true, "t.id = ?1"),
    spec!(
        "students",
        &["id"],
        &[
            "facility_id",
            "display_name",
            "avatar",
            "pin_salt",
            "pin_hash",
            "grade",
            "first_language",
            "dialect",
            "created_ms"
        ],
        true,
        "t.id = ?1"
    ),
    spec!("class_students", &["class_id", "student_id"], &["joined_ms"], true, "t.class_id = ?1 AND t.student_id = ?2"),
    spec!("class_teachers", &["class_id", "teacher_id"], &[], true, "t.class_id = ?1 AND t.teacher_id = ?2"),
    spec!(
        "assignments",
        &["class_id", "pack_id", "unit_id"],
        &["position", "assigned_ms"],
        true,
        "t.class_id = ?1 AND t.pack_id = ?2 AND t.unit_id = ?3"
    ),
    spec!(
        "attempts",
        &["id"],
        &[
            "student_id",
            "pack_id",
            "pack_version",
            "unit_id",
            "item_id",
            "at_ms",
            "duration_ms",
            "overall",
            "accuracy",
            "completeness",
            "fluency",
            "tone",
            "psc_band",
            "psc_percent",
            "quality",
            "model_id",
            "syllables"
        ],
        false,
        "t.id = ?1"
    ),
    spec!(
        "recordings",
        &["id"],
        &[
            "student_id",
            "attempt_id",
            "file",
            "bytes",
            "duration_ms",
            "created_ms",
            "shareable",
            "reviewed_ms",
            "reviewed_by",
            "note"
        ],
        true,
        "t.id = ?1"
    ),
    spec!(
        "reference_audio",
        &["id"],
        &["teacher_id", "pack_id", "item_id", "file", "bytes", "duration_ms", "sample_rate", "note", "created_ms"],
        true,
        "t.id = ?1"
    ),
];

impl SyncTable {
    /// Every synced table, in apply order.
    pub const ALL: [SyncTable; 12] = [
        SyncTable::SyncDevices,
        SyncTable::SyncRevocations,
        SyncTable::Facilities,
        SyncTable::Teachers,
        SyncTable::Classes,
        SyncTable::Students,
        SyncTable::ClassStudents,
        SyncTable::ClassTeachers,
        SyncTable::Assignments,
        SyncTable::Attempts,
        SyncTable::Recordings,
        SyncTable::ReferenceAudio,
    ];

    fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }

    /// The SQL table name (`students`, `class_students`…).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<SyncTable> {
        SyncTable::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether rows are mutable and merged by last writer wins (else insert-only).
    pub fn is_mutable(self) -> bool {
        self.spec().lww
    }

    /// How many text columns identify a row.
    pub fn key_len(self) -> usize {
        self.spec().keys.len()
    }

    /// The names of the columns in [`SyncRow::values`].
    pub fn value_columns(self) -> &'static [&'static str] {
        self.spec().values
    }
}

/// A column value as SQLite holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    fn from_ref(v: ValueRef<'_>) -> rusqlite::Result<Value> {
        Ok(match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) => {
                Value::Text(String::from_utf8(t.to_vec()).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
                })?)
            }
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Integer(i) => (*i).into(),
            Value::Real(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into),
            Value::Text(t) => t.clone().into(),
            Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect::<String>().into(),
        }
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Integer(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

/// One synced row as its latest change left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRow {
    pub table: SyncTable,
    /// The identifying columns (one id, or the pair/triple of a membership or assignment).
    pub key: Vec<String>,
    /// The device that made this version, and its change counter for it.
    pub origin: DeviceId,
    pub counter: i64,
    /// Hybrid logical clock of this version and of the version it replaced; empty for
    /// insert-only tables.
    pub hlc: String,
    pub prev_hlc: String,
    pub deleted: bool,
    /// The other columns, in [`SyncTable::value_columns`] order.
    pub values: Vec<Value>,
}

impl SyncRow {
    /// The row's id as the `changes` view and the conflicts list write it (`a/b` for pairs).
    pub fn row_id(&self) -> String {
        self.key.join("/")
    }

    /// Whether two versions say the same thing (clock and origin aside).
    pub fn same_content(&self, other: &SyncRow) -> bool {
        self.deleted == other.deleted && self.values == other.values
    }

    /// The row as a JSON object of its columns, for the conflicts list.
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (name, key) in self.table.spec().keys.iter().zip(&self.key) {
            map.insert((*name).to_owned(), key.clone().into());
        }
        for (name, v) in self.table.value_columns().iter().zip(&self.values) {
            map.insert((*name).to_owned(), v.to_json());
        }
        map.insert("deleted".into(), self.deleted.into());
        map.insert("hlc".into(), self.hlc.clone().into());
        map.insert("origin".into(), self.origin.to_string().into());
        serde_json::Value::Object(map)
    }

    /// Checks the shape against the table (a damaged or foreign record is refused, not applied).
    pub fn check_shape(&self) -> Result<()> {
        let spec = self.table.spec();
        if self.key.len() != spec.keys.len() || self.values.len() != spec.values.len() {
            return Err(StoreError::invalid("synced row", format!("a {} row of the wrong shape", spec.name)));
        }
        if self.key.iter().any(|k| k.is_empty()) || self.counter <= 0 {
            return Err(StoreError::invalid("synced row", format!("a {} row without key or counter", spec.name)));
        }
        if spec.lww && self.hlc.parse::<crate::Hlc>().is_err() {
            return Err(StoreError::invalid("synced row", format!("a {} row with a bad clock", spec.name)));
        }
        Ok(())
    }
}

fn row_to_sync_row(table: SyncTable, r: &Row<'_>) -> rusqlite::Result<SyncRow> {
    let spec = table.spec();
    let k = spec.keys.len();
    let mut key = Vec::with_capacity(k);
    for i in 0..k {
        key.push(r.get(i)?);
    }
    let mut values = Vec::with_capacity(spec.values.len());
    for i in 0..spec.values.len() {
        values.push(Value::from_ref(r.get_ref(k + 5 + i)?)?);
    }
    Ok(SyncRow {
        table,
        key,
        origin: r.get(k)?,
        counter: r.get(k + 1)?,
        hlc: r.get(k + 2)?,
        prev_hlc: r.get(k + 3)?,
        deleted: r.get(k + 4)?,
        values,
    })
}

/// A fingerprint of everything synced: equal on two PCs exactly when they hold the same rows in
/// the same versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncDigest {
    pub rows: u64,
    pub sha256: String,
}

impl Store {
    /// Every row whose latest change came from `device` with a counter above `after`, over all
    /// synced tables, in counter order.
    pub fn export_rows(&self, device: DeviceId, after: i64) -> Result<Vec<SyncRow>> {
        let key: Option<i64> =
            self.conn().prepare_cached(include_str!("device_key.sql"))?.query_row([device], |r| r.get(0)).optional()?;
        let Some(key) = key else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for table in SyncTable::ALL {
            let sql = format!("{} WHERE t.device_key = ?1 AND t.counter > ?2", table.spec().select);
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params![key, after], |r| row_to_sync_row(table, r))?;
            for row in rows {
                out.push(row?);
            }
        }
        out.sort_by_key(|r| r.counter);
        Ok(out)
    }

    /// Every row of one table (for the small ones: the device registry).
    pub fn sync_rows(&self, table: SyncTable) -> Result<Vec<SyncRow>> {
        let mut stmt = self.conn().prepare_cached(table.spec().select)?;
        let rows = stmt.query_map([], |r| row_to_sync_row(table, r))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The local version of a row, if this PC has it.
    pub fn get_sync_row(&self, table: SyncTable, key: &[String]) -> Result<Option<SyncRow>> {
        let spec = table.spec();
        let sql = format!("{} WHERE {}", spec.select, spec.key_where);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        Ok(stmt.query_row(params_from_iter(key), |r| row_to_sync_row(table, r)).optional()?)
    }

    /// Whether this PC has the row (in any version).
    pub fn has_sync_row(&self, table: SyncTable, key: &[String]) -> Result<bool> {
        let spec = table.spec();
        let sql = format!("SELECT 1 FROM {} t WHERE {}", spec.name, spec.key_where);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        Ok(stmt.exists(params_from_iter(key))?)
    }

    /// Hashes every synced row, table by table in key order.
    pub fn sync_digest(&self) -> Result<SyncDigest> {
        let mut hash = Sha256::new();
        let mut rows = 0u64;
        for table in SyncTable::ALL {
            let spec = table.spec();
            let order: Vec<String> = spec.keys.iter().map(|k| format!("t.{k}")).collect();
            let sql = format!("{} ORDER BY {}", spec.select, order.join(", "));
            let mut stmt = self.conn().prepare(&sql)?;
            let mut it = stmt.query([])?;
            while let Some(r) = it.next()? {
                let row = row_to_sync_row(table, r)?;
                hash.update(serde_json::to_vec(&row).map_err(StoreError::json("synced row"))?);
                rows += 1;
            }
        }
        let sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(SyncDigest { rows, sha256 })
    }
}

impl Tx<'_> {
    /// Writes a peer's version of a row unless this PC holds a newer one (mutable rows) or the
    /// row already (insert-only rows). Returns whether anything changed.
    pub fn apply_sync_row(&mut self, row: &SyncRow) -> Result<bool> {
        row.check_shape()?;
        let device_key = self.device_key_for(row.origin)?;
        let spec = row.table.spec();
        let mut params: Vec<&dyn ToSql> = Vec::with_capacity(row.key.len() + row.values.len() + 5);
        for k in &row.key {
            params.push(k);
        }
        for v in &row.values {
            params.push(v);
        }
        params.push(&row.deleted);
        params.push(&row.hlc);
        params.push(&row.prev_hlc);
        params.push(&device_key);
        params.push(&row.counter);
        let n = self.db().prepare_cached(spec.upsert)?.execute(params_from_iter(params))?;
        Ok(n > 0)
    }
}

impl Tx<'_> {
    /// Writes `row`'s content as a new local change of this PC: a fresh counter and clock value,
    /// replacing whatever version is here (a teacher choosing the version that lost a merge;
    /// this PC adding a registry entry). Returns the row as written.
    pub fn write_local_version(&mut self, row: &SyncRow) -> Result<SyncRow> {
        let current = self.db_sync_row(row.table, &row.key)?;
        let s = self.stamp();
        let mut row = row.clone();
        row.origin = self.device().id;
        row.counter = s.counter;
        if row.table.is_mutable() {
            row.prev_hlc = current.map(|c| c.hlc).unwrap_or_default();
            row.hlc = s.hlc;
        } else {
            row.hlc.clear();
            row.prev_hlc.clear();
        }
        self.apply_sync_row(&row)?;
        Ok(row)
    }

    fn db_sync_row(&self, table: SyncTable, key: &[String]) -> Result<Option<SyncRow>> {
        let spec = table.spec();
        let sql = format!("{} WHERE {}", spec.select, spec.key_where);
        let mut stmt = self.db().prepare_cached(&sql)?;
        Ok(stmt.query_row(params_from_iter(key), |r| row_to_sync_row(table, r)).optional()?)
    }
}
