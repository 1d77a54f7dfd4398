-- Schema version 2: derived progress (sound statistics, confusions, spaced-review cards), audio
-- kept for teachers, and the sync layer's bookkeeping.
--
-- The derived tables are rebuilt from attempts after this migration (and after a sync brings
-- attempts from a peer), so they never travel between PCs themselves.

-- Tries and misses per student, sound and week. kind: initial | final | tone | contrast.
-- week: Monday-based weeks since 1970 (UTC).
CREATE TABLE sound_stats (
    student_key INTEGER NOT NULL REFERENCES students (key),
    kind TEXT NOT NULL,
    sound TEXT NOT NULL,
    week INTEGER NOT NULL,
    tries INTEGER NOT NULL,
    misses INTEGER NOT NULL,
    PRIMARY KEY (student_key, week, kind, sound)
) WITHOUT ROWID;

-- The same counts over all time, so an all-time heatmap reads one row per student and sound.
CREATE TABLE sound_totals (
    student_key INTEGER NOT NULL REFERENCES students (key),
    kind TEXT NOT NULL,
    sound TEXT NOT NULL,
    tries INTEGER NOT NULL,
    misses INTEGER NOT NULL,
    PRIMARY KEY (student_key, kind, sound)
) WITHOUT ROWID;

-- PSC estimates per student, week and band, for the PSC trend.
CREATE TABLE psc_stats (
    student_key INTEGER NOT NULL REFERENCES students (key),
    week INTEGER NOT NULL,
    band TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    percent_sum REAL NOT NULL,
    PRIMARY KEY (student_key, week, band)
) WITHOUT ROWID;

-- What was heard instead of what, on which item: the class's common confusions and the items
-- that provoke them. heard and contrast are '' when unknown.
CREATE TABLE confusion_stats (
    student_key INTEGER NOT NULL REFERENCES students (key),
    week INTEGER NOT NULL,
    kind TEXT NOT NULL,
    expected TEXT NOT NULL,
    heard TEXT NOT NULL,
    contrast TEXT NOT NULL,
    pack_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (student_key, week, kind, expected, heard, contrast, pack_id, item_id)
) WITHOUT ROWID;

-- The same counts over all time (weeks merged), for the all-time class report.
CREATE TABLE confusion_totals (
    student_key INTEGER NOT NULL REFERENCES students (key),
    kind TEXT NOT NULL,
    expected TEXT NOT NULL,
    heard TEXT NOT NULL,
    contrast TEXT NOT NULL,
    pack_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (student_key, kind, expected, heard, contrast, pack_id, item_id)
) WITHOUT ROWID;

-- FSRS card per student and item, driven by the attempt's overall score.
CREATE TABLE item_reviews (
    student_key INTEGER NOT NULL REFERENCES students (key),
    pack_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    stability REAL NOT NULL,
    difficulty REAL NOT NULL,
    due_ms INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,
    reps INTEGER NOT NULL,
    lapses INTEGER NOT NULL,
    last_rating INTEGER NOT NULL,
    best_score REAL NOT NULL,
    last_score REAL NOT NULL,
    PRIMARY KEY (student_key, pack_id, item_id)
) WITHOUT ROWID;
CREATE INDEX item_reviews_due ON item_reviews (student_key, due_ms);

-- FSRS card per student and sound contrast ("n_l") or tone ("tone3"), driven by the syllables
-- that exercised it. Created on the first miss: a contrast never missed needs no review.
CREATE TABLE focus_reviews (
    student_key INTEGER NOT NULL REFERENCES students (key),
    focus TEXT NOT NULL,
    stability REAL NOT NULL,
    difficulty REAL NOT NULL,
    due_ms INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,
    reps INTEGER NOT NULL,
    lapses INTEGER NOT NULL,
    last_rating INTEGER NOT NULL,
    PRIMARY KEY (student_key, focus)
) WITHOUT ROWID;

-- Student recordings kept for the teacher. The audio file (relative to the recordings folder)
-- stays on this PC unless a teacher marks it shareable; pruning tombstones the row and deletes
-- the file.
CREATE TABLE recordings (
    id TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES students (id),
    attempt_id TEXT,
    file TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    shareable INTEGER NOT NULL DEFAULT 0,
    -- Teacher review: when, by whom, and a note for the student.
    reviewed_ms INTEGER,
    reviewed_by TEXT REFERENCES teachers (id),
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL
);
CREATE INDEX recordings_by_student ON recordings (student_id, created_ms);
CREATE UNIQUE INDEX recordings_changes ON recordings (device_key, counter);

-- A teacher's own reading of an item, played as the model.
CREATE TABLE reference_audio (
    id TEXT PRIMARY KEY,
    teacher_id TEXT REFERENCES teachers (id),
    pack_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    file TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    sample_rate INTEGER NOT NULL,
    note TEXT,
    created_ms INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    hlc TEXT NOT NULL,
    device_key INTEGER NOT NULL REFERENCES devices (key),
    counter INTEGER NOT NULL
);
CREATE INDEX reference_audio_by_item ON reference_audio (pack_id, item_id);
CREATE UNIQUE INDEX reference_audio_changes ON reference_audio (device_key, counter);

-- Versions that lost a last-writer-wins merge, kept so nothing a teacher typed is silently
-- lost; the sync layer writes them, a teacher can look at them.
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    kept_hlc TEXT NOT NULL,
    lost_hlc TEXT NOT NULL,
    lost_device TEXT NOT NULL,
    lost_row TEXT NOT NULL,
    recorded_ms INTEGER NOT NULL,
    resolved_ms INTEGER
);
CREATE INDEX conflicts_open ON conflicts (recorded_ms) WHERE resolved_ms IS NULL;

-- Every synced row as a change: which device last wrote it, with which counter. A peer asks
-- for `WHERE device = ? AND counter > ?`. op is 'delete' for tombstones, else 'upsert'.
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
      FROM reference_audio t JOIN devices d ON d.key = t.device_key;
