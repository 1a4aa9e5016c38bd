-- patchcycle schema, version 1: inventory (hosts), groups (rings) and the audit log.
-- Catalogue, scans and cycles arrive in later numbered migrations.
-- Released migrations are never edited; add 0002_….sql instead.

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    ring        INTEGER NOT NULL DEFAULT 0,
    stakeholder TEXT,
    admin       TEXT,
    window      TEXT,
    policy      TEXT NOT NULL DEFAULT '',   -- validated TOML (inventory::policy::Policy)
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE hosts (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    address        TEXT NOT NULL,           -- hostname, IPv4, IPv6 or ~/.ssh/config alias
    port           INTEGER,
    user           TEXT,
    group_id       INTEGER REFERENCES groups(id) ON DELETE RESTRICT,
    tags           TEXT NOT NULL DEFAULT '[]', -- JSON array of strings, sorted
    notes          TEXT,
    os_id          TEXT,
    os_version     TEXT,
    ecosystem      TEXT,
    kernel_running TEXT,
    kernel_latest  TEXT,
    reboot_required INTEGER,
    last_scan      TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX hosts_group ON hosts(group_id);

CREATE TABLE audit (
    seq      INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    object   TEXT NOT NULL,
    details  TEXT NOT NULL,              -- JSON
    prev_hash TEXT NOT NULL,
    hash     TEXT NOT NULL
);

-- The audit log is append-only: the hash chain detects edits made behind our back,
-- these triggers stop accidental ones through SQL.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
