-- patchcycle schema: incremental scans (issue 23).

-- How a good scan's facts were collected: 'full' (the whole collector ran) or
-- 'unchanged' (the host's package-state fingerprint matched its last full scan's, and
-- that scan's facts were reused and matched again). NULL for failed scans and for scans
-- stored before this version (which count as full, without a fingerprint).
ALTER TABLE scans ADD COLUMN collection TEXT CHECK (collection IN ('full', 'unchanged'));

-- The host's package-state fingerprint (lowercase hex, computed on the host) as the
-- scan saw it; NULL when the host could not compute one (no stat or hash tool) or the
-- scan failed. An unchanged scan repeats its full scan's.
ALTER TABLE scans ADD COLUMN fingerprint TEXT;

-- The collector (its version digest) that computed the fingerprint: a fingerprint of
-- another collector is never embedded, so a collector change forces a full collection.
ALTER TABLE scans ADD COLUMN collector TEXT;

-- When the facts this scan holds were last collected in full: the scan's own `finished`
-- for a full scan, the full scan's for an unchanged one (`[scan] full_every` counts from
-- it).
ALTER TABLE scans ADD COLUMN full_finished TEXT;
