-- Tables of one store. `{{schema}}` and `{{table}}` are replaced by the quoted names given to
-- migrate(); `{{table}}_parts` becomes "<table>_parts". Text keys use the "C" collation: ids and
-- names compare byte by byte, and a prefix scan is an index range.

-- One row per record (a session, a user scope). `data` holds the header facts: each key is the
-- fact's name as JSON text, each value a JSON string holding the fact's canonical JSON (sorted
-- keys), so any name and value fits jsonb (which refuses \u0000) and `ifData` compares text.
-- The sweeper finds expired rows by the minute they expire in: most calls move `expires_at`
-- within the same minute, so the row is updated in place (a HOT update, no index entry written),
-- which the free space left in each page (fillfactor) makes room for.
CREATE TABLE {{schema}}.{{table}} (
  id text COLLATE "C" PRIMARY KEY,
  created_at double precision NOT NULL,
  expires_at double precision NOT NULL,
  expiry_minute bigint GENERATED ALWAYS AS (floor(expires_at / 60000)) STORED,
  data jsonb NOT NULL DEFAULT '{}'
) WITH (fillfactor = 80);
CREATE INDEX {{table}}_expiry_minute ON {{schema}}.{{table}} (expiry_minute);

-- One row per part. `kind` is NULL when the part holds nothing: a deleted list keeps its row for
-- its sequence counter (`last_seq`), so a number is never given twice. `size` counts a list's
-- entries or a map's fields; `keys_used` numbers a list's idempotency keys (slot = keys_used % window).
CREATE TABLE {{schema}}.{{table}}_parts (
  record_id text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  kind "char",
  version bigint NOT NULL DEFAULT 0,
  expires_at double precision,
  size bigint NOT NULL DEFAULT 0,
  last_seq bigint NOT NULL DEFAULT 0,
  keys_used bigint NOT NULL DEFAULT 0,
  value text,
  PRIMARY KEY (record_id, name)
) WITH (fillfactor = 80);
CREATE INDEX {{table}}_parts_expires_at ON {{schema}}.{{table}}_parts (expires_at)
  WHERE expires_at IS NOT NULL;

-- List entries: always the newest `size` of 1..last_seq, one row each, value as JSON text.
CREATE TABLE {{schema}}.{{table}}_entries (
  record_id text COLLATE "C" NOT NULL,
  part text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (record_id, part, seq)
);

-- Map fields: the field name as JSON text (any string fits text that way), the value as JSON text.
CREATE TABLE {{schema}}.{{table}}_fields (
  record_id text COLLATE "C" NOT NULL,
  part text COLLATE "C" NOT NULL,
  field text COLLATE "C" NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (record_id, part, field)
) WITH (fillfactor = 80);

-- A list's recent idempotency keys (as JSON text) in a ring of `window` slots: a new key takes
-- the slot of the oldest, so the window needs no delete.
CREATE TABLE {{schema}}.{{table}}_keys (
  record_id text COLLATE "C" NOT NULL,
  part text COLLATE "C" NOT NULL,
  slot integer NOT NULL,
  key text COLLATE "C" NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (record_id, part, slot)
);
CREATE INDEX {{table}}_keys_key ON {{schema}}.{{table}}_keys (record_id, part, key);
