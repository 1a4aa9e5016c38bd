-- patchcycle schema, version 8: the install state of each installed package, in dpkg's
-- words (installed, half-installed, unpacked, half-configured, triggers-awaited,
-- triggers-pending). Every package scanned before this was fully installed (only "ii"
-- and "hi" rows were kept), hence the default.
ALTER TABLE installed ADD COLUMN state TEXT NOT NULL DEFAULT 'installed';
