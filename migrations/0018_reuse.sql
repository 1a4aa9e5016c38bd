-- patchcycle schema: unchanged scans reference what they reuse (issue 23).

-- The scan whose `installed` and `host_advisories` rows hold this scan's packages and
-- host-reported advisories. NULL: the scan's own (a full scan, and every scan stored
-- before this version). An unchanged scan names its full scan's (or that scan's own
-- reference) instead of moving those rows to itself: a cron scan of an unchanged host
-- writes no package rows.
ALTER TABLE scans ADD COLUMN facts_scan INTEGER;

-- A digest of the catalogue (every source's import: name, content digest, when it was
-- imported; the MSRC documents' release dates) and of this patchcycle's version, as the
-- scan's findings were matched against it: at scan time, and again at each re-match
-- after `sync`. An unchanged scan copies its predecessor's findings only when this is
-- the catalogue held now; otherwise the reused facts are matched again. NULL: not known
-- (stored before this version): matched again.
ALTER TABLE scans ADD COLUMN catalog TEXT;
