-- patchcycle schema, version 3: scans, what they found, and exceptions.

CREATE TABLE scans (
    id              INTEGER PRIMARY KEY,
    host_id         INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    started         TEXT NOT NULL,
    finished        TEXT NOT NULL,
    method          TEXT NOT NULL,            -- ssh | local | import
    status          TEXT NOT NULL,            -- ok | failed
    error           TEXT,
    os_id           TEXT,
    os_version      TEXT,
    ecosystem       TEXT,
    kernel_running  TEXT,
    kernels         TEXT NOT NULL DEFAULT '[]', -- JSON: installed kernel versions
    reboot_required INTEGER,
    reboot_pkgs     TEXT NOT NULL DEFAULT '[]', -- JSON
    warnings        TEXT NOT NULL DEFAULT '[]'  -- JSON: rejected lines and other problems
);
CREATE INDEX scans_host ON scans(host_id, id);

-- Installed packages of a host's latest good scan (older scans' rows are dropped).
CREATE TABLE installed (
    scan_id        INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    arch           TEXT,
    version        TEXT NOT NULL,
    source_name    TEXT NOT NULL,
    source_version TEXT NOT NULL
);
CREATE INDEX installed_scan ON installed(scan_id);

CREATE TABLE pending (
    scan_id      INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    package      TEXT NOT NULL,
    from_version TEXT,
    to_version   TEXT NOT NULL,
    origin       TEXT NOT NULL,
    security     INTEGER NOT NULL
);
CREATE INDEX pending_scan ON pending(scan_id);

-- One row per (scan, package) that needs attention: a pending security update, or
-- advisories from the catalogue that affect the installed version.
CREATE TABLE findings (
    scan_id        INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    package        TEXT NOT NULL,
    source_name    TEXT NOT NULL,
    installed      TEXT NOT NULL,
    fixed          TEXT,                     -- lowest version that fixes every advisory
    candidate      TEXT,                     -- the version the package manager would install
    security       INTEGER NOT NULL,
    advisories     TEXT NOT NULL DEFAULT '[]',
    cves           TEXT NOT NULL DEFAULT '[]',
    severity       TEXT,
    kev            INTEGER NOT NULL DEFAULT 0,
    epss           REAL
);
CREATE INDEX findings_scan ON findings(scan_id);

CREATE TABLE exceptions (
    id         INTEGER PRIMARY KEY,
    advisory   TEXT,
    package    TEXT,
    host       TEXT,
    group_name TEXT,
    reason     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires    TEXT NOT NULL
);
