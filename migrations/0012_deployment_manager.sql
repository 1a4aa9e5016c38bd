-- patchcycle schema: the package manager of each deployed host (issue 21): the engine
-- runs the host's family's scripts (family::deploy::Deployer). NULL for rows written
-- before this migration, when only dpkg hosts could be deployed: they read as dpkg.
ALTER TABLE deployment_hosts ADD COLUMN manager TEXT;
