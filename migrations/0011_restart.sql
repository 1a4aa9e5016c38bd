-- patchcycle schema: services that need a restart (issue 20, item 2).

-- What the collector's `restart` section said of a scan: JSON
-- family::restart::RestartFacts ({check, processes[], limits[]}); NULL when the output had
-- no such section (a collector older than it), so nothing is known.
ALTER TABLE scans ADD COLUMN restart TEXT;

-- A finding kept open because its package is fixed on disk but its old code still runs:
-- JSON list of the units, services or processes that map the replaced files. NULL for
-- every other finding (and for rows written before this migration).
ALTER TABLE findings ADD COLUMN restart TEXT;

-- What a deployment's restart step found and did on a host: JSON
-- cycle::deploy::RestartOutcome; NULL when the step did not run.
ALTER TABLE deployment_hosts ADD COLUMN restart TEXT;
