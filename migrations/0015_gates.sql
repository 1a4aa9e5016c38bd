-- patchcycle schema, version 15: who started a cycle, for four eyes
-- (`require_distinct_approver`): the approver must be neither who started the cycle nor
-- who ran a test of it (`deployments.actor`, kind test, already stored); and which
-- approvals `approve --auto` recorded: it adds the patches its rules make due to its own
-- approval, never to a person's decision.
ALTER TABLE cycles ADD COLUMN created_by TEXT;

-- Cycles started before this version: their `cycle.start` audit entry names the actor.
UPDATE cycles SET created_by = (
    SELECT a.actor FROM audit a
    WHERE a.action = 'cycle.start' AND a.object = cycles.name
    ORDER BY a.seq LIMIT 1
);

ALTER TABLE approvals ADD COLUMN auto INTEGER NOT NULL DEFAULT 0 CHECK (auto IN (0, 1));

-- Approvals recorded by `approve --auto` before this version: their audit entry says so.
UPDATE approvals SET auto = 1 WHERE EXISTS (
    SELECT 1 FROM audit a, cycles c, groups g
    WHERE c.id = approvals.cycle_id AND g.id = approvals.group_id
      AND a.action = 'approve.auto' AND a.object = c.name || '/' || g.name
      AND a.at = approvals.at AND a.actor = approvals.actor
);
