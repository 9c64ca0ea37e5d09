-- The document kernel. Every save of a document (today: a dialogue's report, keyed
-- 'report:<dialogue id>') is a version with its content and a SHA-256 of it, so any two
-- versions can be compared and an approval names exactly what it approved. A draft
-- version's content is removed (NULL) once a later save no longer holds an identity
-- number it held; the hash stays.
CREATE TABLE document_version (
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    content TEXT,
    sha256 TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by TEXT NOT NULL,
    PRIMARY KEY (document, version)
);

-- Each publication of a document's version: the first, then every correction, with
-- the reason it was reopened and the sections that changed (both public).
CREATE TABLE document_publication (
    id INTEGER PRIMARY KEY NOT NULL,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    published_on TEXT NOT NULL,
    reason TEXT,
    changes TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX document_publication_document ON document_publication (document, id);

-- The report version the public sees. It stays while a published report is reopened
-- for correction, and is cleared when the report is withdrawn.
ALTER TABLE dialogue ADD COLUMN public_version BIGINT;
UPDATE dialogue SET public_version = (SELECT r.version FROM report r WHERE r.dialogue_id = dialogue.id)
WHERE stage = 'published';

-- An approval or publication names the report version and hash it was taken on.
ALTER TABLE dialogue_step ADD COLUMN report_version BIGINT;
ALTER TABLE dialogue_step ADD COLUMN report_hash TEXT;
