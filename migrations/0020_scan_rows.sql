-- patchcycle schema: where a scan's rows are, said once (issue 23).

-- An unchanged scan keeps its package rows and host advisories with the full scan it
-- reuses (facts_scan) and may name the scan that holds its findings (findings_scan);
-- NULL in either means the scan's own rows. Every reader needs the same two
-- coalesce()s, and one that forgot them would silently read no rows for an unchanged
-- scan. So the schema says it: `findings_of` and `facts_of` are the scan whose rows
-- are this scan's (computed, never stored), and the views give a scan's rows by the
-- scan they belong to (`of_scan`), wherever they are kept, with `row_order` (the row's
-- rowid: the order they were written in, which a view has no rowid of its own for).
ALTER TABLE scans ADD COLUMN findings_of INTEGER GENERATED ALWAYS AS (coalesce(findings_scan, id)) VIRTUAL;
ALTER TABLE scans ADD COLUMN facts_of INTEGER GENERATED ALWAYS AS (coalesce(facts_scan, id)) VIRTUAL;

CREATE VIEW scan_findings AS
  SELECT s.id AS of_scan, f.rowid AS row_order, f.* FROM scans s JOIN findings f ON f.scan_id = s.findings_of;
CREATE VIEW scan_installed AS
  SELECT s.id AS of_scan, i.rowid AS row_order, i.* FROM scans s JOIN installed i ON i.scan_id = s.facts_of;
CREATE VIEW scan_host_advisories AS
  SELECT s.id AS of_scan, a.rowid AS row_order, a.* FROM scans s JOIN host_advisories a ON a.scan_id = s.facts_of;
