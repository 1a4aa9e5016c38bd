-- patchcycle schema, version 4: monthly cycles, their frozen patch sets, ring results,
-- approvals (CAB decisions) and the knowledge base.

CREATE TABLE cycles (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    cutoff     TEXT NOT NULL,            -- YYYY-MM-DD
    state      TEXT NOT NULL,            -- open | closed
    created_at TEXT NOT NULL,
    closed_at  TEXT
);

-- The patch set, frozen at `cycle start`: per ecosystem, package -> exact target version.
CREATE TABLE cycle_patches (
    cycle_id   INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    ecosystem  TEXT NOT NULL,
    package    TEXT NOT NULL,
    target     TEXT NOT NULL,
    advisories TEXT NOT NULL DEFAULT '[]',
    severity   TEXT,
    kev        INTEGER NOT NULL DEFAULT 0,
    hosts      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cycle_id, ecosystem, package)
);

-- Outcomes of `test` (pilot) and `deploy` per ring; the approval gate reads only this.
CREATE TABLE ring_results (
    id          INTEGER PRIMARY KEY,
    cycle_id    INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    kind        TEXT NOT NULL,           -- test | deploy
    success     INTEGER NOT NULL,
    hosts_total INTEGER NOT NULL,
    hosts_ok    INTEGER NOT NULL,
    started     TEXT NOT NULL,
    finished    TEXT NOT NULL
);
CREATE INDEX ring_results_cycle ON ring_results(cycle_id, group_id);

CREATE TABLE approvals (
    id         INTEGER PRIMARY KEY,
    cycle_id   INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    group_id   INTEGER NOT NULL REFERENCES groups(id),
    decision   TEXT NOT NULL,            -- approve | decline | defer
    packages   TEXT NOT NULL,            -- JSON: the selected [ecosystem, package, target]
    actor      TEXT NOT NULL,
    change_ref TEXT,
    comment    TEXT,
    emergency  INTEGER NOT NULL DEFAULT 0,
    reason     TEXT,
    at         TEXT NOT NULL,
    expires    TEXT
);
CREATE INDEX approvals_cycle ON approvals(cycle_id, group_id);

-- `host defer`: a host left out of deployments until a date, within the group's policy.
ALTER TABLE hosts ADD COLUMN deferred_until TEXT;
ALTER TABLE hosts ADD COLUMN defer_reason TEXT;

CREATE TABLE notes (
    id       INTEGER PRIMARY KEY,
    advisory TEXT,
    package  TEXT,
    body     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL
);
