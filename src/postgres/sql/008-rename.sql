-- rename: moves record `p_from` with every part to `p_to` and ends `p_from`, in one call. Both rows
-- are locked in id order (the one lock order every rename takes, so two renames never deadlock);
-- `p_to` usually has no row, and then the insert of its row is what a racing create of the same id
-- queues on. The header is patched as patchMeta does (`p_if`, `p_set`, `p_remove`).
-- ["ok", createdAt, expiresAt, data], ["failed"] (an `ifData` condition), ["missing"] (no live
-- `p_from`) or ["conflict"] (a live record or a live tombstone holds `p_to`).
CREATE FUNCTION {{schema}}.{{table}}_rename(
  p_from text, p_to text, p_now double precision, p_expires_at double precision,
  p_if jsonb, p_set jsonb, p_remove text[], p_tombstone_until double precision
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_from {{schema}}.{{table}};
  v_to {{schema}}.{{table}};
  v_data jsonb;
BEGIN
  PERFORM 1 FROM {{schema}}.{{table}} WHERE id IN (p_from, p_to) ORDER BY id FOR UPDATE;
  SELECT * INTO v_from FROM {{schema}}.{{table}} WHERE id = p_from;
  IF NOT FOUND OR v_from.expires_at <= p_now THEN
    RETURN '["missing"]';
  END IF;
  SELECT * INTO v_to FROM {{schema}}.{{table}} WHERE id = p_to;
  IF v_to.expires_at > p_now OR v_to.tombstone_until > p_now
     OR {{schema}}.{{table}}_tombstoned(p_to, p_now) THEN
    RETURN '["conflict"]';
  END IF;
  IF EXISTS (
    SELECT 1 FROM jsonb_each(p_if) c
    WHERE (v_from.data -> c.key) IS DISTINCT FROM NULLIF(c.value, 'null'::jsonb)
  ) THEN
    RETURN '["failed"]';
  END IF;
  IF v_to.id IS NOT NULL THEN
    -- An expired record left under `p_to` (its row is locked): cleared first.
    DELETE FROM {{schema}}.{{table}} WHERE id = p_to;
    PERFORM {{schema}}.{{table}}_drop_parts(ARRAY[p_to]);
  END IF;
  v_data := (v_from.data - p_remove) || p_set;
  INSERT INTO {{schema}}.{{table}} (id, created_at, expires_at, data, tombstone_until)
    VALUES (p_to, v_from.created_at, coalesce(p_expires_at, v_from.expires_at), v_data, p_tombstone_until)
    ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    -- A create of `p_to` won the race; nothing has changed yet.
    RETURN '["conflict"]';
  END IF;
  DELETE FROM {{schema}}.{{table}} WHERE id = p_from;
  UPDATE {{schema}}.{{table}}_parts SET record_id = p_to WHERE record_id = p_from;
  UPDATE {{schema}}.{{table}}_entries SET record_id = p_to WHERE record_id = p_from;
  UPDATE {{schema}}.{{table}}_fields SET record_id = p_to WHERE record_id = p_from;
  UPDATE {{schema}}.{{table}}_keys SET record_id = p_to WHERE record_id = p_from;
  PERFORM {{schema}}.{{table}}_bury(p_from, greatest(p_tombstone_until, v_from.tombstone_until));
  RETURN json_build_array('ok', v_from.created_at, coalesce(p_expires_at, v_from.expires_at), v_data)::text;
END
$$;
