-- The two meetings of a dialogue. No names of children: a group, a count, age bands.
CREATE TABLE meeting (
    id INTEGER PRIMARY KEY NOT NULL,
    dialogue_id BIGINT NOT NULL REFERENCES dialogue (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL,
    services TEXT NOT NULL,
    roles TEXT NOT NULL,
    notes TEXT NOT NULL,
    youth_group TEXT,
    participants BIGINT,
    age_bands TEXT,
    UNIQUE (dialogue_id, kind)
);

-- A dialogue's report. `version` guards against lost updates between two editors.
CREATE TABLE report (
    dialogue_id BIGINT PRIMARY KEY NOT NULL REFERENCES dialogue (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    facts TEXT NOT NULL,
    leaders_said TEXT NOT NULL,
    youth_said TEXT NOT NULL,
    advice TEXT NOT NULL,
    child_summary TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Findings, each tagged with CRC articles and Sjumilssteget steps (comma lists).
CREATE TABLE finding (
    id INTEGER PRIMARY KEY NOT NULL,
    dialogue_id BIGINT NOT NULL REFERENCES dialogue (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    body TEXT NOT NULL,
    crc_articles TEXT NOT NULL,
    steps TEXT NOT NULL
);
CREATE INDEX finding_dialogue ON finding (dialogue_id, position);

-- Follow-up items agreed with the unit.
CREATE TABLE follow_up (
    id INTEGER PRIMARY KEY NOT NULL,
    dialogue_id BIGINT NOT NULL REFERENCES dialogue (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    body TEXT NOT NULL,
    owner TEXT NOT NULL,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX follow_up_dialogue ON follow_up (dialogue_id, position);
