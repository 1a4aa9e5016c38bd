-- patchcycle schema, version 7: what a re-match after `sync` needs to give exactly the
-- findings a fresh scan with the same facts would give.

-- The package manager whose database the scan read (dpkg | rpm | apk | none); it decides
-- whether packages match by source (dpkg, apk) or binary name (rpm). NULL: stored before
-- this migration.
ALTER TABLE scans ADD COLUMN manager TEXT;

-- Advisories the host's own package manager reported (dnf updateinfo) for the latest
-- good scan of each host (older scans' rows are dropped, like `installed`).
CREATE TABLE host_advisories (
    scan_id  INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    advisory TEXT NOT NULL,
    package  TEXT NOT NULL,
    version  TEXT NOT NULL,          -- the version that carries the fix
    severity TEXT                    -- as the host reported it (Important, Moderate, …)
);
CREATE INDEX host_advisories_scan ON host_advisories(scan_id);
