-- Map parts: updateMap works out the whole result first (deletes, then sets, then set-if-absent,
-- then increments, then the limits) and writes only when every check passed: a failure changes nothing.
-- Field names arrive as JSON text, values as JSON text, both as they are stored. Reads are plain
-- statements (see statements.ts).

-- ["ok", version, [field, number ...], [field, json ...]] (the value of every increment, and what
-- each set-if-absent field holds after the update), ["conflict", version], ["limit", what, field],
-- ["notint", field], ["missing"] or ["kind", kind]. A failure after the record's expiry moved is
-- raised instead (SQLSTATE SK001, the reply as message), so the move is undone with the rest.
-- The hottest write: it opens the part inline (see {{table}}_open) rather than by a call.
CREATE FUNCTION {{schema}}.{{table}}_update_map(
  p_id text, p_part text, p_now double precision, p_if_version bigint, p_max_fields bigint,
  p_max_number numeric, p_expires_at double precision, p_part_expires_at double precision,
  p_delete text[], p_set_fields text[], p_set_values text[], p_absent_fields text[],
  p_absent_values text[], p_incr_fields text[], p_incr_by bigint[]
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_exists boolean;
  v_kind "char";
  v_version bigint;
  v_was bigint;
  v_part_expires_at double precision;
  -- field -> value (a JSON string of the stored text) of every field this update names that exists
  v_before jsonb;
  -- field -> the value after the update (a JSON string), or JSON null for a deleted field
  v_next jsonb;
  v_current text;
  v_number numeric;
  v_size bigint;
  v_numbers text := '';
  v_kept text := '';
  i integer;
BEGIN
  IF p_expires_at IS NULL THEN
    PERFORM 1 FROM {{schema}}.{{table}} WHERE id = p_id AND expires_at > p_now FOR NO KEY UPDATE;
  ELSE
    -- Locks the row and moves the expiry in one step.
    UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id AND expires_at > p_now;
  END IF;
  IF NOT FOUND THEN
    RETURN '["missing"]';
  END IF;
  SELECT kind, version, size, expires_at INTO v_kind, v_version, v_was, v_part_expires_at
    FROM {{schema}}.{{table}}_parts WHERE record_id = p_id AND name = p_part;
  v_exists := FOUND;
  IF v_part_expires_at <= p_now THEN
    PERFORM {{schema}}.{{table}}_clear_part(p_id, p_part);
    v_exists := false;
    v_kind := NULL;
  END IF;
  IF v_kind IS NULL THEN
    v_version := 0;
    v_was := 0;
    v_part_expires_at := NULL;
  END IF;
  IF v_kind <> 'm' THEN
    RETURN {{schema}}.{{table}}_fail(p_expires_at, json_build_array('kind', v_kind)::text);
  END IF;
  -- ifVersion 0 means "only when the map is empty or missing", whatever its version.
  IF p_if_version = 0 AND v_was > 0 OR p_if_version > 0 AND p_if_version <> v_version THEN
    RETURN {{schema}}.{{table}}_fail(p_expires_at, json_build_array('conflict', v_version)::text);
  END IF;

  IF coalesce(cardinality(p_absent_fields), 0) = 0 AND coalesce(cardinality(p_incr_fields), 0) = 0
     AND p_max_fields IS NULL THEN
    -- Deletes and sets only, nothing to check first: write, and count what changed as it goes.
    v_size := v_was;
    IF cardinality(p_delete) > 0 THEN
      DELETE FROM {{schema}}.{{table}}_fields
        WHERE record_id = p_id AND part = p_part
          AND field = ANY (p_delete) AND NOT field = ANY (p_set_fields);
      GET DIAGNOSTICS i = ROW_COUNT;
      v_size := v_size - i;
    END IF;
    IF cardinality(p_set_fields) > 0 THEN
      -- xmax = 0 marks a row the insert made, not one it updated.
      WITH written AS (
        INSERT INTO {{schema}}.{{table}}_fields (record_id, part, field, value)
          SELECT p_id, p_part, f, v FROM unnest(p_set_fields, p_set_values) u(f, v)
          ON CONFLICT (record_id, part, field) DO UPDATE SET value = excluded.value
          RETURNING xmax = 0 AS added
      )
      SELECT v_size + count(*) FILTER (WHERE added) INTO v_size FROM written;
    END IF;
  ELSE
    SELECT coalesce(jsonb_object_agg(field, value), '{}') INTO v_before
      FROM {{schema}}.{{table}}_fields
      WHERE record_id = p_id AND part = p_part
        AND field = ANY (p_delete || p_set_fields || p_absent_fields || p_incr_fields);
    SELECT coalesce(jsonb_object_agg(f, NULL::text), '{}') INTO v_next FROM unnest(p_delete) f;
    v_next := v_next || coalesce(
      (SELECT jsonb_object_agg(f, v) FROM unnest(p_set_fields, p_set_values) u(f, v)), '{}');
    FOR i IN 1 .. coalesce(cardinality(p_absent_fields), 0) LOOP
      v_current := CASE WHEN v_next ? p_absent_fields[i] THEN v_next ->> p_absent_fields[i]
                        ELSE v_before ->> p_absent_fields[i] END;
      IF v_current IS NULL THEN
        v_next := v_next || jsonb_build_object(p_absent_fields[i], p_absent_values[i]);
      END IF;
    END LOOP;
    FOR i IN 1 .. coalesce(cardinality(p_incr_fields), 0) LOOP
      v_current := coalesce(CASE WHEN v_next ? p_incr_fields[i] THEN v_next ->> p_incr_fields[i]
                                 ELSE v_before ->> p_incr_fields[i] END, '0');
      -- Integers JavaScript holds exactly, as the other stores take them.
      IF v_current !~ '^-?[0-9]{1,16}$' OR abs(v_current::numeric) > 9007199254740991 THEN
        RETURN {{schema}}.{{table}}_fail(p_expires_at, json_build_array('notint', p_incr_fields[i]::json)::text);
      END IF;
      v_number := v_current::numeric + p_incr_by[i];
      IF v_number > p_max_number THEN
        RETURN {{schema}}.{{table}}_fail(
          p_expires_at, json_build_array('limit', 'maxNumber', p_incr_fields[i]::json)::text);
      END IF;
      v_next := v_next || jsonb_build_object(p_incr_fields[i], v_number::text);
      v_numbers := v_numbers || ',' || p_incr_fields[i] || ',' || v_number;
    END LOOP;

    -- What each set-if-absent field holds after the update, increments included.
    FOR i IN 1 .. coalesce(cardinality(p_absent_fields), 0) LOOP
      v_kept := v_kept || ',' || p_absent_fields[i] || ',' ||
        CASE WHEN v_next ? p_absent_fields[i] THEN v_next ->> p_absent_fields[i]
             ELSE v_before ->> p_absent_fields[i] END;
    END LOOP;

    SELECT v_was
           + count(*) FILTER (WHERE n.value <> 'null' AND NOT v_before ? n.key)
           - count(*) FILTER (WHERE n.value = 'null' AND v_before ? n.key)
      INTO v_size
      FROM jsonb_each(v_next) n;
    IF v_size > p_max_fields THEN
      RETURN {{schema}}.{{table}}_fail(p_expires_at, '["limit","maxFields",""]');
    END IF;

    DELETE FROM {{schema}}.{{table}}_fields
      WHERE record_id = p_id AND part = p_part
        AND field IN (SELECT key FROM jsonb_each(v_next) WHERE value = 'null');
    INSERT INTO {{schema}}.{{table}}_fields (record_id, part, field, value)
      SELECT p_id, p_part, key, value FROM jsonb_each_text(v_next) WHERE value IS NOT NULL
      ON CONFLICT (record_id, part, field) DO UPDATE SET value = excluded.value;
  END IF;
  IF v_exists THEN
    UPDATE {{schema}}.{{table}}_parts
      SET kind = 'm', version = v_version + 1, size = v_size,
          expires_at = coalesce(p_part_expires_at, expires_at)
      WHERE record_id = p_id AND name = p_part;
  ELSE
    INSERT INTO {{schema}}.{{table}}_parts AS p (record_id, name, kind, version, size, expires_at)
      VALUES (p_id, p_part, 'm', v_version + 1, v_size, p_part_expires_at)
      ON CONFLICT (record_id, name) DO UPDATE
      SET kind = 'm', version = excluded.version, size = excluded.size,
          expires_at = coalesce(p_part_expires_at, p.expires_at);
  END IF;
  RETURN '["ok",' || (v_version + 1) || ',[' || substr(v_numbers, 2) || '],[' || substr(v_kept, 2) || ']]';
END
$$;
