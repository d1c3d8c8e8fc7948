-- Tombstones: ids that may not be created again before a given instant. While its record lives, a
-- record's tombstone is a column of its row (`tombstone_until`), so a create writes one row. When
-- the row goes (delete, rename, the sweeper) the tombstone moves to `{{table}}_tombstones`, keyed
-- by a digest of the id: it names no id and holds nothing but its end. The sweeper deletes it once
-- it has ended.

ALTER TABLE {{schema}}.{{table}} ADD COLUMN tombstone_until double precision;

CREATE TABLE {{schema}}.{{table}}_tombstones (
  digest bytea PRIMARY KEY,
  until double precision NOT NULL
);
CREATE INDEX {{table}}_tombstones_until ON {{schema}}.{{table}}_tombstones (until);

-- The key of an id's tombstone: the first 16 bytes of the SHA-256 of its UTF-8 text.
CREATE FUNCTION {{schema}}.{{table}}_digest(p_id text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT substr(sha256(convert_to(p_id, 'UTF8')), 1, 16)
$$;

-- Whether a tombstone on `p_id` is live at `p_now`.
CREATE FUNCTION {{schema}}.{{table}}_tombstoned(p_id text, p_now double precision) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM {{schema}}.{{table}}_tombstones
      WHERE digest = {{schema}}.{{table}}_digest(p_id) AND until > p_now
  )
$$;

-- Leaves the tombstone of a record whose row is going: until `p_until`, or a later one kept.
CREATE FUNCTION {{schema}}.{{table}}_bury(p_id text, p_until double precision) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO {{schema}}.{{table}}_tombstones AS t (digest, until)
    VALUES ({{schema}}.{{table}}_digest(p_id), p_until)
    ON CONFLICT (digest) DO UPDATE SET until = greatest(t.until, excluded.until);
$$;

-- create: true when made; false when a live record or a live tombstone holds the id. What an
-- expired record left is removed; `p_tombstone_until` (or NULL) is the new record's tombstone.
DROP FUNCTION {{schema}}.{{table}}_create(text, double precision, double precision, jsonb);
CREATE FUNCTION {{schema}}.{{table}}_create(
  p_id text, p_now double precision, p_expires_at double precision, p_data jsonb,
  p_tombstone_until double precision
) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_expires_at double precision;
  v_tombstone_until double precision;
BEGIN
  SELECT expires_at, tombstone_until INTO v_expires_at, v_tombstone_until
    FROM {{schema}}.{{table}} WHERE id = p_id FOR UPDATE;
  IF FOUND AND (v_expires_at > p_now OR v_tombstone_until > p_now) THEN
    RETURN false;
  END IF;
  -- Read after the row's lock: a delete or rename that held it has left its tombstone by now.
  IF {{schema}}.{{table}}_tombstoned(p_id, p_now) THEN
    RETURN false;
  END IF;
  IF NOT FOUND THEN
    -- Two creates of one new id: the second waits for the first and inserts nothing.
    INSERT INTO {{schema}}.{{table}} (id, created_at, expires_at, data, tombstone_until)
      VALUES (p_id, p_now, p_expires_at, p_data, p_tombstone_until)
      ON CONFLICT (id) DO NOTHING;
    RETURN FOUND;
  END IF;
  PERFORM {{schema}}.{{table}}_drop_parts(ARRAY[p_id]);
  UPDATE {{schema}}.{{table}}
    SET created_at = p_now, expires_at = p_expires_at, data = p_data, tombstone_until = p_tombstone_until
    WHERE id = p_id;
  RETURN true;
END
$$;

-- delete: removes the record and its parts, leaving its tombstone; true when it was live.
CREATE OR REPLACE FUNCTION {{schema}}.{{table}}_delete(p_id text, p_now double precision) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_expires_at double precision;
  v_tombstone_until double precision;
BEGIN
  DELETE FROM {{schema}}.{{table}} WHERE id = p_id
    RETURNING expires_at, tombstone_until INTO v_expires_at, v_tombstone_until;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM {{schema}}.{{table}}_drop_parts(ARRAY[p_id]);
  IF v_tombstone_until > p_now THEN
    PERFORM {{schema}}.{{table}}_bury(p_id, v_tombstone_until);
  END IF;
  RETURN v_expires_at > p_now;
END
$$;

-- The sweeper, as in 006, and tombstones: an expired record's row leaves its tombstone when it has
-- not ended, and ended tombstones are deleted, at most `p_limit` per call.
DROP FUNCTION {{schema}}.{{table}}_sweep(double precision, integer);
CREATE FUNCTION {{schema}}.{{table}}_sweep(
  p_before double precision, p_limit integer,
  OUT records integer, OUT parts integer, OUT tombstones integer
)
LANGUAGE plpgsql AS $$
DECLARE
  v_ids text[];
  v_part record;
BEGIN
  WITH doomed AS (
    SELECT id FROM {{schema}}.{{table}}
      WHERE expiry_minute <= floor(p_before / 60000) AND expires_at <= p_before
      ORDER BY expiry_minute
      LIMIT p_limit
      FOR UPDATE SKIP LOCKED
  ), gone AS (
    DELETE FROM {{schema}}.{{table}} r USING doomed d WHERE r.id = d.id
      RETURNING r.id, r.tombstone_until
  ), buried AS (
    INSERT INTO {{schema}}.{{table}}_tombstones AS t (digest, until)
      SELECT {{schema}}.{{table}}_digest(id), tombstone_until FROM gone WHERE tombstone_until > p_before
      ON CONFLICT (digest) DO UPDATE SET until = greatest(t.until, excluded.until)
  )
  SELECT coalesce(array_agg(id), '{}') INTO v_ids FROM gone;
  records := cardinality(v_ids);
  IF records > 0 THEN
    PERFORM {{schema}}.{{table}}_drop_parts(v_ids);
  END IF;
  parts := 0;
  FOR v_part IN
    SELECT p.record_id, p.name
      FROM {{schema}}.{{table}}_parts p
      JOIN {{schema}}.{{table}} r ON r.id = p.record_id
      WHERE p.expires_at <= p_before
      ORDER BY p.expires_at
      LIMIT p_limit
      FOR UPDATE OF r SKIP LOCKED
  LOOP
    PERFORM {{schema}}.{{table}}_clear_part(v_part.record_id, v_part.name);
    parts := parts + 1;
  END LOOP;
  WITH ended AS (
    SELECT digest FROM {{schema}}.{{table}}_tombstones
      WHERE until <= p_before
      ORDER BY until
      LIMIT p_limit
      FOR UPDATE SKIP LOCKED
  )
  DELETE FROM {{schema}}.{{table}}_tombstones t USING ended e WHERE t.digest = e.digest;
  GET DIAGNOSTICS tombstones = ROW_COUNT;
END
$$;
