-- Shiliu progress database, schema version 1.
--
-- FROZEN: version 1 databases were created by exactly this file, and the upgrade test builds
-- one from it. Never edit it; change the schema with a new numbered migration.
--
-- Sync columns. Ids are UUIDv7 text, so rows made on many PCs merge without collisions. Every
-- row a peer may need records the device that last wrote it (device_key → devices) and that
-- device's change counter (counter, increasing per device), so a peer can ask for "everything
-- from device D after counter N". Mutable rows also carry a hybrid logical clock value (hlc)
-- for last-writer-wins, and are deleted by setting deleted = 1 (a tombstone), never removed.
-- Attempts are append-only.

CREATE TABLE devices (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- 1 for this PC (exactly one row); peers' rows arrive with their changes.
    is_self INTEGER NOT NULL DEFAULT 0 CHECK (is_self IN (0, 1)),
    -- This PC: the last counter issued. A peer: the highest counter received from it.
    counter INTEGER NOT NULL DEFAULT 0,
    -- This PC: the last hybrid logical clock value issued.
    hlc TEXT NOT NULL DEFAULT '',
    first_seen_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX devices_self ON devices (is_self) WHERE is_self = 1;

CREATE TABLE facilities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL
);
CREATE UNIQUE INDEX facilities_changes ON facilities (device_key, counter);

CREATE TABLE classes (
    id TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    name TEXT NOT NULL,
    grade INTEGER,
    created_ms INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL
);
CREATE UNIQUE INDEX classes_changes ON classes (device_key, counter);

CREATE TABLE teachers (
    id TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL
);
CREATE UNIQUE INDEX teachers_changes ON teachers (device_key, counter);

-- key is local to this file (compact references from the big tables); id is the global id.
CREATE TABLE students (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    display_name TEXT NOT NULL,
    -- The picture a child taps to log in (a name from the app's picture set).
    avatar TEXT,
    -- sha256(salt || pin); both NULL when the student has no PIN.
    pin_salt BLOB,
    pin_hash BLOB,
    grade INTEGER,
    -- First language and dialect background (free codes such as "bo", "ug", "southwest_mandarin").
    first_language TEXT,
    dialect TEXT,
    created_ms INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL
);
CREATE UNIQUE INDEX students_changes ON students (device_key, counter);

-- Memberships are identified by their pair, so two PCs adding the same student to the same
-- class make one row, not two.
CREATE TABLE class_students (
    class_id TEXT NOT NULL REFERENCES classes (id),
    student_id TEXT NOT NULL REFERENCES students (id),
    joined_ms INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL,
    PRIMARY KEY (class_id, student_id)
) WITHOUT ROWID;
CREATE INDEX class_students_by_student ON class_students (student_id);
CREATE UNIQUE INDEX class_students_changes ON class_students (device_key, counter);

CREATE TABLE class_teachers (
    class_id TEXT NOT NULL REFERENCES classes (id),
    teacher_id TEXT NOT NULL REFERENCES teachers (id),
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL,
    PRIMARY KEY (class_id, teacher_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX class_teachers_changes ON class_teachers (device_key, counter);

-- A lesson unit assigned to a class; position orders a class's assignments.
CREATE TABLE assignments (
    class_id TEXT NOT NULL REFERENCES classes (id),
    pack_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    assigned_ms INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL,
    PRIMARY KEY (class_id, pack_id, unit_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX assignments_changes ON assignments (device_key, counter);

-- One scored reading. Never updated: device_key is the PC it was made on.
CREATE TABLE attempts (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    student_key INTEGER NOT NULL REFERENCES students (key),
    pack_id TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    overall REAL NOT NULL,
    accuracy REAL NOT NULL,
    completeness REAL NOT NULL,
    fluency REAL NOT NULL,
    tone REAL NOT NULL,
    psc_band TEXT NOT NULL,
    psc_percent REAL NOT NULL,
    -- Recording problems, space-separated ("too_quiet noisy"); '' when clean.
    quality TEXT NOT NULL,
    model_id TEXT NOT NULL,
    -- The scorer's per-syllable results, JSON: the record a peer receives.
    syllables TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL
);
CREATE INDEX attempts_by_student ON attempts (student_key, at_ms);
CREATE UNIQUE INDEX attempts_changes ON attempts (device_key, counter);

-- The same syllables, one narrow row each, for queries. Derived from attempts.syllables.
CREATE TABLE attempt_syllables (
    attempt_key INTEGER NOT NULL REFERENCES attempts (key),
    idx INTEGER NOT NULL,
    student_key INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    initial TEXT NOT NULL,
    final TEXT NOT NULL,
    tone_expected INTEGER NOT NULL,
    tone_heard INTEGER,
    initial_ok INTEGER NOT NULL,
    final_ok INTEGER NOT NULL,
    -- 0 ok, 1 defect, 2 error
    verdict INTEGER NOT NULL,
    score REAL NOT NULL,
    -- initial | final | tone | omitted, with the contrast it belongs to
    problem TEXT,
    contrast TEXT,
    PRIMARY KEY (attempt_key, idx)
) WITHOUT ROWID;
CREATE INDEX attempt_syllables_by_student ON attempt_syllables (student_key, at_ms);

-- Settings of this PC (not synced).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
