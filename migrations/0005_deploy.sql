-- patchcycle schema, version 5: deployments (`test` on the pilot ring, `deploy` on later
-- rings) and their per-host progress. Every step of a host is saved before the next one
-- starts, so `deploy --resume` continues after a crash without redoing finished hosts.

CREATE TABLE deployments (
    id          INTEGER PRIMARY KEY,
    cycle_id    INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    kind        TEXT NOT NULL,            -- test | deploy
    state       TEXT NOT NULL,            -- running | done | halted | failed | rolled-back
    actor       TEXT NOT NULL,
    plan        TEXT NOT NULL,            -- JSON: targets, waves, snapshot, reboot, checks
    override    TEXT,                     -- `--now --reason`: the reason given
    no_rollback INTEGER NOT NULL DEFAULT 0,
    started     TEXT NOT NULL,
    finished    TEXT,
    error       TEXT
);
CREATE INDEX deployments_cycle ON deployments(cycle_id, group_id);

CREATE TABLE deployment_hosts (
    deployment_id INTEGER NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
    host_id       INTEGER NOT NULL REFERENCES hosts(id),
    wave          INTEGER NOT NULL,
    step          TEXT NOT NULL,          -- last finished step: planned | snapshot | before |
                                          -- keep | install | reboot | health | after
    state         TEXT NOT NULL,          -- pending | running | done | failed | rolled-back
                                          -- | rollback-failed | skipped
    targets       TEXT NOT NULL,          -- JSON [[package, from, to], ...]
    before        TEXT,                   -- JSON {package: version} for the touched packages
    after         TEXT,                   -- JSON {package: version}
    snapshot      TEXT,                   -- JSON {provider, id} or NULL
    rollback_dir  TEXT,                   -- kept .debs on the host, or NULL
    health        TEXT,                   -- JSON [{check, ok, detail}]
    rebooted      INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    started       TEXT,
    finished      TEXT,
    PRIMARY KEY (deployment_id, host_id)
);
