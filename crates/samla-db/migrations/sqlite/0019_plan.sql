-- An embete's long-term 0–24 plan. Its text is the parted document `plan:<embete>`
-- (summary, group, and one part per ambition, goal and measure); this row says which
-- version is current.
CREATE TABLE county_plan (
    embete TEXT PRIMARY KEY NOT NULL REFERENCES organisation (code),
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Every anchoring by an embete leader: the version and hash anchored. The newest one is
-- the plan the public reads.
CREATE TABLE plan_anchoring (
    embete TEXT NOT NULL REFERENCES county_plan (embete),
    version BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    anchored_at BIGINT NOT NULL,
    anchored_by TEXT NOT NULL,
    PRIMARY KEY (embete, version)
);

-- A plan item's stable identity, which measures, reports and findings point at.
CREATE TABLE plan_item (
    id INTEGER PRIMARY KEY NOT NULL,
    embete TEXT NOT NULL REFERENCES county_plan (embete),
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
