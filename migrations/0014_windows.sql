-- patchcycle schema: Windows hosts (issue 22).

-- What a host runs, said before any scan: a Windows host cannot run the POSIX collector
-- (`sh -s`), so `scan` sends it the PowerShell collector instead. Every host before this
-- version is 'posix'.
ALTER TABLE hosts ADD COLUMN platform TEXT NOT NULL DEFAULT 'posix' CHECK (platform IN ('posix', 'windows'));

-- What a Windows host reported (JSON family::WindowsFacts: product, build, installed and
-- pending KBs, reboot reasons, last boot); NULL for every other family. Like `installed`,
-- only a host's latest good scan keeps it: a re-match after `sync` reads it back.
ALTER TABLE scans ADD COLUMN windows TEXT;
