-- patchcycle schema, version 13: the MSRC catalogue (`sync msrc`): the Security Update
-- Guide's monthly CVRF documents, matched against Windows hosts by product, build and KB.

-- One row per monthly document imported. Each document is its own source
-- (`msrc:2024-Jan` in `sources`), so a re-released month replaces its own rows only and an
-- unchanged month (same CurrentReleaseDate) is skipped. Its CVEs are `advisories` rows of
-- that source (advisory_id = the CVE), so KEV, EPSS, aliases and `advisory show` work as
-- for the other sources.
CREATE TABLE msrc_documents (
    id              TEXT PRIMARY KEY,                  -- 2024-Jan
    source          TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
    title           TEXT,
    initial_release TEXT,
    current_release TEXT NOT NULL
);

-- The product tree, merged across documents (product IDs are stable; the newest
-- document's name wins).
CREATE TABLE msrc_products (
    product_id TEXT PRIMARY KEY,                       -- 11923
    name       TEXT NOT NULL                           -- Windows Server 2022
);

-- Per CVE: the Exploit Status threat (Exploited:Yes feeds the KEV-style priority).
CREATE TABLE msrc_cves (
    advisory           INTEGER PRIMARY KEY REFERENCES advisories(id) ON DELETE CASCADE,
    exploited          INTEGER NOT NULL,
    publicly_disclosed INTEGER NOT NULL
);

-- Vendor fixes with a KB, one row per (CVE, KB, product).
CREATE TABLE msrc_remediations (
    advisory         INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    product_id       TEXT NOT NULL,
    kb               INTEGER NOT NULL,
    subtype          TEXT,             -- Security Update | Monthly Rollup | Security Only | Security Hotpatch Update | …
    fixed_build      TEXT,             -- 10.0.20348.2227
    restart_required INTEGER,          -- 1 | 0 | NULL (not said)
    severity         TEXT              -- critical | high | medium | low for this product (Threat Type=Severity)
);
CREATE INDEX msrc_remediations_product ON msrc_remediations(product_id);
CREATE INDEX msrc_remediations_kb ON msrc_remediations(kb);
-- A re-released month deletes its advisories; the cascade finds their rows by these.
CREATE INDEX msrc_remediations_advisory ON msrc_remediations(advisory);

-- KB supersedence from each remediation's Supercedence list (KB numbers only; bulletin
-- names like MS16-016 dropped): `kb` replaces `supersedes`.
CREATE TABLE msrc_supersedence (
    advisory   INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    kb         INTEGER NOT NULL,
    supersedes INTEGER NOT NULL
);
CREATE INDEX msrc_supersedence_kb ON msrc_supersedence(supersedes);
CREATE INDEX msrc_supersedence_advisory ON msrc_supersedence(advisory);
