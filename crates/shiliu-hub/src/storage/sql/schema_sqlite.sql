-- The hub's tables (SQLite). Bundles are stored as received: ciphertext plus public manifest.
CREATE TABLE IF NOT EXISTS hub_schools (
    id TEXT PRIMARY KEY,
    -- The version vector the stored bundles cover together (JSON).
    covers TEXT NOT NULL,
    bundles BIGINT NOT NULL,
    first_ms BIGINT NOT NULL,
    last_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS hub_certs (
    school TEXT NOT NULL,
    device TEXT NOT NULL,
    cert TEXT NOT NULL,
    PRIMARY KEY (school, device)
);
CREATE TABLE IF NOT EXISTS hub_revocations (
    school TEXT NOT NULL,
    device TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    statement TEXT NOT NULL,
    PRIMARY KEY (school, device, revoked_by)
);
CREATE TABLE IF NOT EXISTS hub_bundles (
    school TEXT NOT NULL,
    id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    origin TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    received_ms BIGINT NOT NULL,
    base TEXT NOT NULL,
    covers TEXT NOT NULL,
    counts TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (school, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS hub_bundles_seq ON hub_bundles (school, seq);
-- Attempts per school, device and day, from manifests: the metadata reports.
CREATE TABLE IF NOT EXISTS hub_activity (
    school TEXT NOT NULL,
    device TEXT NOT NULL,
    day TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    PRIMARY KEY (school, device, day)
);
