-- One row per article: the sequence number of its last change (every write to the
-- article takes this row's lock, so an article's changes commit in sequence order and
-- a reader of the change feed never skips one), and how many live annotations it has.
CREATE TABLE documents (
    id        text PRIMARY KEY,
    seq       bigint NOT NULL DEFAULT 0,
    live      bigint NOT NULL DEFAULT 0,
    modified  bigint NOT NULL
);

-- Annotations and tombstones. `seq` is the change that wrote this version (its ETag);
-- `body` is the annotation's JSON as served, without its `id` (built from the request's
-- base URL), NULL for a tombstone.
CREATE TABLE annotations (
    doc_id       text NOT NULL REFERENCES documents (id),
    id           text NOT NULL,
    seq          bigint NOT NULL,
    deleted      boolean NOT NULL DEFAULT false,
    creator_sub  text NOT NULL,
    creator_name text NOT NULL,
    modified_by  text NOT NULL,
    created      bigint NOT NULL,
    modified     bigint NOT NULL,
    body         text,
    PRIMARY KEY (doc_id, id)
);

-- The change feed: an article's changes after a sequence number.
CREATE INDEX annotations_feed ON annotations (doc_id, seq);
-- Container pages: live annotations in creation order.
CREATE INDEX annotations_pages ON annotations (doc_id, created, id) WHERE NOT deleted;
