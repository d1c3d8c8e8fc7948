-- Value parts, and deletePart (any kind). Reads are plain statements (see statements.ts).

-- setValue: writes the part's JSON text, compare-and-set on `p_if_version` (0: must not exist).
-- ["ok", version], ["conflict", version], ["missing"] or ["kind", kind].
CREATE FUNCTION {{schema}}.{{table}}_set_value(
  p_id text, p_part text, p_now double precision, p_value text, p_if_version bigint,
  p_expires_at double precision, p_part_expires_at double precision
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  o {{schema}}.{{table}}_parts;
BEGIN
  o := {{schema}}.{{table}}_open(p_id, p_part, p_now);
  IF o.record_id IS NULL THEN
    RETURN '["missing"]';
  END IF;
  IF o.kind <> 'v' THEN
    RETURN json_build_array('kind', o.kind)::text;
  END IF;
  IF p_if_version IS NOT NULL AND p_if_version <> o.version THEN
    RETURN json_build_array('conflict', o.version)::text;
  END IF;
  INSERT INTO {{schema}}.{{table}}_parts AS p (record_id, name, kind, version, expires_at, value)
    VALUES (p_id, p_part, 'v', o.version + 1, p_part_expires_at, p_value)
    ON CONFLICT (record_id, name) DO UPDATE
    SET kind = 'v', version = excluded.version, value = excluded.value,
        expires_at = coalesce(p_part_expires_at, p.expires_at);
  IF p_expires_at IS NOT NULL THEN
    UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id;
  END IF;
  RETURN json_build_array('ok', o.version + 1)::text;
END
$$;

-- deletePart: empties the part (a list keeps its sequence counter); false when the record is missing.
CREATE FUNCTION {{schema}}.{{table}}_delete_part(
  p_id text, p_part text, p_now double precision, p_expires_at double precision
) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM {{schema}}.{{table}} WHERE id = p_id AND expires_at > p_now FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM {{schema}}.{{table}}_clear_part(p_id, p_part);
  IF p_expires_at IS NOT NULL THEN
    UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id;
  END IF;
  RETURN true;
END
$$;
