-- patchcycle schema: unchanged scans reference the findings they repeat (issue 23).

-- The scan whose `findings` rows are this scan's. NULL: its own rows (every scan stored
-- before this version, and any scan whose findings differ from its predecessor's). An
-- unchanged scan whose findings are its predecessor's, exactly (the same facts against
-- the same catalogue, no finding kept open for a restart on either), names the scan that
-- holds them instead of writing them again: a cron scan of an unchanged host writes one
-- scan row and its pending updates. Readers join `findings` on
-- coalesce(findings_scan, id); a re-match that changes such a scan's findings gives it
-- rows of its own.
ALTER TABLE scans ADD COLUMN findings_scan INTEGER;
