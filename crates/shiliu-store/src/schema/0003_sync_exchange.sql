-- Schema version 3: exchanging changes with other PCs (USB bundles, the district hub).
--
-- prev_hlc: the clock value of the version a local edit replaced ('' for a new row). When two
-- versions of a row meet, the winner is the higher hlc (last writer wins); the loser is kept in
-- `conflicts` unless the winner was written from it or from something newer (its prev_hlc is
-- at least the loser's hlc): an edit made after seeing a version is an update, not a conflict.
ALTER TABLE facilities ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE classes ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE teachers ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE students ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE class_students ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE class_teachers ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE assignments ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE reference_audio ADD COLUMN prev_hlc TEXT NOT NULL DEFAULT '';

-- This PC's membership of a school: the school key (symmetric, encrypts bundles), this PC's
-- signing key, and the founder's public key every trust chain ends in. Local, never synced;
-- at most one row.
CREATE TABLE sync_identity (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    -- The store device id the keys were made for; differs after a restore gave a new identity.
    device_id TEXT NOT NULL,
    school_id TEXT NOT NULL,
    school_name TEXT NOT NULL,
    founder_key BLOB NOT NULL,
    school_key BLOB NOT NULL,
    device_secret BLOB NOT NULL,
    joined_ms INTEGER NOT NULL
);

-- The device registry, synced like attempts (insert-only): one signed enrolment certificate per
-- device (JSON, verified by the sync layer) and signed revocations.
CREATE TABLE sync_devices (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    cert TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL
);
CREATE UNIQUE INDEX sync_devices_changes ON sync_devices (device_key, counter);

CREATE TABLE sync_revocations (
    device_id TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    cert TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL,
    PRIMARY KEY (device_id, revoked_by)
) WITHOUT ROWID;
CREATE UNIQUE INDEX sync_revocations_changes ON sync_revocations (device_key, counter);

-- Bundles imported here (replays are recognised and do nothing).
CREATE TABLE sync_bundles (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    imported_ms INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    source TEXT NOT NULL
);

-- What each peer (a device id, or 'hub:<url>') was last known to hold, per origin device: from
-- its bundles, its receipts and the hub's answers. USB exports leave out what every peer has.
CREATE TABLE sync_peers (
    peer TEXT NOT NULL,
    device TEXT NOT NULL,
    counter INTEGER NOT NULL,
    seen_ms INTEGER NOT NULL,
    PRIMARY KEY (peer, device)
) WITHOUT ROWID;

-- Hubs this PC syncs with, and how the last attempts went.
CREATE TABLE sync_hubs (
    url TEXT PRIMARY KEY,
    last_attempt_ms INTEGER,
    last_success_ms INTEGER,
    last_error TEXT
);

-- A losing version is kept once, however often the two versions meet.
CREATE UNIQUE INDEX conflicts_once ON conflicts (table_name, row_id, lost_hlc);

DROP VIEW changes;
CREATE VIEW changes AS
    SELECT d.id AS device, t.counter, 'facilities' AS table_name, t.id AS row_id,
           CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, t.hlc
      FROM facilities t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'classes', t.id, CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END, t.hlc
      FROM classes t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'teachers', t.id, CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END, t.hlc
      FROM teachers t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'students', t.id, CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END, t.hlc
      FROM students t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'class_students', t.class_id || '/' || t.student_id,
           CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END, t.hlc
      FROM class_students t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'class_teachers', t.class_id || '/' || t.teacher_id,
           CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END, t.hlc
      FROM class_teachers t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'assignments', t.class_id || '/' || t.pack_id || '/' || t.unit_id,
           CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END, t.hlc
      FROM assignments t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'attempts', t.id, 'insert', NULL
      FROM attempts t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'recordings', t.id, CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END, t.hlc
      FROM recordings t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'reference_audio', t.id, CASE t.deleted WHEN 0 THEN 'upsert' ELSE 'delete' END, t.hlc
      FROM reference_audio t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'sync_devices', t.id, 'insert', NULL
      FROM sync_devices t JOIN devices d ON d.key = t.device_key
    UNION ALL
    SELECT d.id, t.counter, 'sync_revocations', t.device_id || '/' || t.revoked_by, 'insert', NULL
      FROM sync_revocations t JOIN devices d ON d.key = t.device_key;
