-- patchcycle schema, version 2: the vulnerability catalogue filled by `sync`.
-- Each source's records are replaced whole by one import transaction.

CREATE TABLE sources (
    name          TEXT PRIMARY KEY,     -- osv:Debian, kev, epss, errata:<name>
    url           TEXT,
    etag          TEXT,
    last_modified TEXT,
    sha256        TEXT,
    bytes         INTEGER,
    synced_at     TEXT,                 -- last successful import
    checked_at    TEXT,                 -- last check, including "not modified"
    records       INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'never',  -- ok | failed
    error         TEXT,
    warnings      TEXT NOT NULL DEFAULT '[]'      -- JSON array of strings
);

CREATE TABLE advisories (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
    advisory_id TEXT NOT NULL,
    kind        TEXT,                  -- security | bugfix | enhancement | NULL
    published   TEXT,
    modified    TEXT,
    summary     TEXT,
    severity    TEXT,                  -- critical | high | medium | low | none | NULL
    cvss        REAL,
    cvss_vector TEXT,
    UNIQUE (source, advisory_id)
);
CREATE INDEX advisories_id ON advisories(advisory_id);

CREATE TABLE aliases (
    advisory INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    alias    TEXT NOT NULL,
    PRIMARY KEY (advisory, alias)
) WITHOUT ROWID;
CREATE INDEX aliases_alias ON aliases(alias);

CREATE TABLE affected (
    advisory  INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    ecosystem TEXT NOT NULL,           -- with release: Debian:12, AlmaLinux:9
    package   TEXT NOT NULL,
    ranges    TEXT NOT NULL,           -- JSON [{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2-3"}]}]
    versions  TEXT NOT NULL            -- JSON array of explicitly affected versions
);
CREATE INDEX affected_package ON affected(ecosystem, package);
CREATE INDEX affected_advisory ON affected(advisory);

CREATE TABLE kev (
    cve        TEXT PRIMARY KEY,
    vendor     TEXT,
    product    TEXT,
    name       TEXT,
    date_added TEXT,
    due_date   TEXT,
    ransomware TEXT
);

CREATE TABLE epss (
    cve        TEXT PRIMARY KEY,
    score      REAL NOT NULL,
    percentile REAL NOT NULL,
    date       TEXT
);
