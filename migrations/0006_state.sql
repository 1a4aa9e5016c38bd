-- patchcycle schema, version 6: hosts collected on this machine. `scan --local` marks its
-- host, so that `scan --all`, `--group` and named scans collect it here again instead of
-- over ssh. local_root is the directory `scan --local --root DIR` read for a host it
-- created (a mounted disk, chroot or image), NULL for the running system.
--
-- Hosts scanned with --local before this version are not guessed at (an old --root scan
-- cannot be told from one of the running system): each is marked at its next
-- `scan --local`.
ALTER TABLE hosts ADD COLUMN local INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN local_root TEXT;
