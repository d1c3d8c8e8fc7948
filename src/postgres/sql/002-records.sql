-- Records: the helpers every write shares, and create, delete and patchMeta. Every write locks its
-- record's row first (and only that row), so writes to one record run one after another while
-- other records go on; nothing is held open between calls.

-- Removes every part of the given records. Called with their rows locked or deleted, so no write
-- can add a part in between.
CREATE FUNCTION {{schema}}.{{table}}_drop_parts(p_ids text[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM {{schema}}.{{table}}_entries WHERE record_id = ANY (p_ids);
  DELETE FROM {{schema}}.{{table}}_fields WHERE record_id = ANY (p_ids);
  DELETE FROM {{schema}}.{{table}}_keys WHERE record_id = ANY (p_ids);
  DELETE FROM {{schema}}.{{table}}_parts WHERE record_id = ANY (p_ids);
$$;

-- Empties one part; a list keeps its row, and so its sequence counter.
CREATE FUNCTION {{schema}}.{{table}}_clear_part(p_id text, p_part text) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM {{schema}}.{{table}}_entries WHERE record_id = p_id AND part = p_part;
  DELETE FROM {{schema}}.{{table}}_fields WHERE record_id = p_id AND part = p_part;
  DELETE FROM {{schema}}.{{table}}_keys WHERE record_id = p_id AND part = p_part;
  DELETE FROM {{schema}}.{{table}}_parts WHERE record_id = p_id AND name = p_part AND last_seq = 0;
  UPDATE {{schema}}.{{table}}_parts
    SET kind = NULL, version = 0, expires_at = NULL, size = 0, value = NULL
    WHERE record_id = p_id AND name = p_part;
$$;

-- Opens a write to a part: locks the record's row when the record is live at `p_now` and returns
-- the part's row (kind NULL and zeros when it holds nothing; a part whose own expiry passed is
-- emptied first). Returns NULL when the record is missing or expired. The part is read after the
-- lock is held, by a statement of its own: one that waited for the lock sees what the writer
-- before it committed.
CREATE FUNCTION {{schema}}.{{table}}_open(p_id text, p_part text, p_now double precision)
RETURNS {{schema}}.{{table}}_parts
LANGUAGE plpgsql AS $$
DECLARE
  v_part {{schema}}.{{table}}_parts;
BEGIN
  PERFORM 1 FROM {{schema}}.{{table}} WHERE id = p_id AND expires_at > p_now FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT * INTO v_part FROM {{schema}}.{{table}}_parts WHERE record_id = p_id AND name = p_part;
  IF NOT FOUND THEN
    v_part := ROW(p_id, p_part, NULL, 0, NULL, 0, 0, 0, NULL);
  ELSIF v_part.expires_at <= p_now THEN
    PERFORM {{schema}}.{{table}}_clear_part(p_id, p_part);
    v_part.kind := NULL;
    v_part.version := 0;
    v_part.expires_at := NULL;
    v_part.size := 0;
    v_part.value := NULL;
  END IF;
  RETURN v_part;
END
$$;

-- A write's failure reply: returned as it is when the write has changed nothing yet (`p_moved`
-- NULL), else raised (SQLSTATE SK001, the reply as message) so the statement's changes are undone.
CREATE FUNCTION {{schema}}.{{table}}_fail(p_moved double precision, p_reply text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  IF p_moved IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'SK001', MESSAGE = p_reply;
  END IF;
  RETURN p_reply;
END
$$;

-- create: true when made; false when a live record holds the id. What an expired one left is removed.
CREATE FUNCTION {{schema}}.{{table}}_create(
  p_id text, p_now double precision, p_expires_at double precision, p_data jsonb
) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_expires_at double precision;
BEGIN
  SELECT expires_at INTO v_expires_at FROM {{schema}}.{{table}} WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    -- Two creates of one new id: the second waits for the first and inserts nothing.
    INSERT INTO {{schema}}.{{table}} (id, created_at, expires_at, data)
      VALUES (p_id, p_now, p_expires_at, p_data)
      ON CONFLICT (id) DO NOTHING;
    RETURN FOUND;
  END IF;
  IF v_expires_at > p_now THEN
    RETURN false;
  END IF;
  PERFORM {{schema}}.{{table}}_drop_parts(ARRAY[p_id]);
  UPDATE {{schema}}.{{table}}
    SET created_at = p_now, expires_at = p_expires_at, data = p_data
    WHERE id = p_id;
  RETURN true;
END
$$;

-- delete: removes the record and its parts; true when it was live.
CREATE FUNCTION {{schema}}.{{table}}_delete(p_id text, p_now double precision) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_expires_at double precision;
BEGIN
  DELETE FROM {{schema}}.{{table}} WHERE id = p_id RETURNING expires_at INTO v_expires_at;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM {{schema}}.{{table}}_drop_parts(ARRAY[p_id]);
  RETURN v_expires_at > p_now;
END
$$;

-- patchMeta: when every condition of `p_if` holds (name -> canonical JSON string, or JSON null
-- for "absent"), removes `p_remove` and writes `p_set`, and moves the expiry when given.
-- ["ok", createdAt, expiresAt, data], ["failed"] or ["missing"].
CREATE FUNCTION {{schema}}.{{table}}_patch_meta(
  p_id text, p_now double precision, p_expires_at double precision,
  p_if jsonb, p_set jsonb, p_remove text[]
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_created_at double precision;
  v_expires_at double precision;
  v_data jsonb;
BEGIN
  SELECT created_at, expires_at, data INTO v_created_at, v_expires_at, v_data
    FROM {{schema}}.{{table}}
    WHERE id = p_id AND expires_at > p_now
    FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN '["missing"]';
  END IF;
  IF EXISTS (
    SELECT 1 FROM jsonb_each(p_if) c
    WHERE (v_data -> c.key) IS DISTINCT FROM NULLIF(c.value, 'null'::jsonb)
  ) THEN
    RETURN '["failed"]';
  END IF;
  v_data := (v_data - p_remove) || p_set;
  v_expires_at := coalesce(p_expires_at, v_expires_at);
  UPDATE {{schema}}.{{table}} SET data = v_data, expires_at = v_expires_at WHERE id = p_id;
  RETURN json_build_array('ok', v_created_at, v_expires_at, v_data)::text;
END
$$;
