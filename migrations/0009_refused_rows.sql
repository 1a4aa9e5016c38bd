-- patchcycle schema, version 9: the rows a scan refused, per section (JSON: [{"section",
-- "count", "first"}]); `warnings` is now also kept for a failed scan.
ALTER TABLE scans ADD COLUMN refused TEXT NOT NULL DEFAULT '[]';
