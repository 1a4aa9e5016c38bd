-- patchcycle schema, version 10: container images as hosts. `scan --image FILE` records the image
-- it unpacked as a host of kind 'image', with the digest of its config (the image ID
-- `docker image inspect` shows, the same whichever archive format carried it). An image
-- is scanned, never connected to: test, deploy and rollback refuse it (it is rebuilt,
-- not patched in place). Every host before this version is a 'host'.
ALTER TABLE hosts ADD COLUMN kind TEXT NOT NULL DEFAULT 'host' CHECK (kind IN ('host', 'image'));
ALTER TABLE hosts ADD COLUMN image_digest TEXT;
