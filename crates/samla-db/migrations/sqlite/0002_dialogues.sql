-- Dialogue cycles (an embete's round, usually a year) and the dialogues in them.
CREATE TABLE cycle (
    id INTEGER PRIMARY KEY NOT NULL,
    embete TEXT NOT NULL,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX cycle_embete ON cycle (embete, starts_on);

-- One dialogue per unit and cycle. The unit is named by its number and name valid at
-- the cycle's start; coverage follows renumbering through municipality_change.
CREATE TABLE dialogue (
    id INTEGER PRIMARY KEY NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycle (id) ON DELETE CASCADE,
    unit_kind TEXT NOT NULL,
    unit_number TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    stage TEXT NOT NULL,
    stage_date TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (cycle_id, unit_number)
);
CREATE INDEX dialogue_unit ON dialogue (unit_number);

-- Every step a dialogue has taken, dated by the user and stamped by the server.
CREATE TABLE dialogue_step (
    id INTEGER PRIMARY KEY NOT NULL,
    dialogue_id BIGINT NOT NULL REFERENCES dialogue (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    step_date TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX dialogue_step_dialogue ON dialogue_step (dialogue_id);
