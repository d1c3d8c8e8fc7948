-- Map parts: updateMap works out the whole result first (deletes, then sets, then set-if-absent,
-- then increments, then the limits) and writes only when every check passed: a failure changes nothing.
-- Field names arrive as JSON text, values as JSON text, both as they are stored. Reads are plain
-- statements (see statements.ts).

-- ["ok", version, [field, number ...], [field, json ...]] (the value of every increment, and what
-- each set-if-absent field holds after the update), ["conflict", version], ["limit", what, field],
-- ["notint", field], ["missing"] or ["kind", kind].
CREATE FUNCTION {{schema}}.{{table}}_update_map(
  p_id text, p_part text, p_now double precision, p_if_version bigint, p_max_fields bigint,
  p_max_number numeric, p_expires_at double precision, p_part_expires_at double precision,
  p_delete text[], p_set_fields text[], p_set_values text[], p_absent_fields text[],
  p_absent_values text[], p_incr_fields text[], p_incr_by bigint[]
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  o {{schema}}.{{table}}_parts;
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
  o := {{schema}}.{{table}}_open(p_id, p_part, p_now);
  IF o.record_id IS NULL THEN
    RETURN '["missing"]';
  END IF;
  IF o.kind <> 'm' THEN
    RETURN json_build_array('kind', o.kind)::text;
  END IF;
  -- ifVersion 0 means "only when the map is empty or missing", whatever its version.
  IF p_if_version = 0 AND o.size > 0 OR p_if_version > 0 AND p_if_version <> o.version THEN
    RETURN json_build_array('conflict', o.version)::text;
  END IF;

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
      RETURN json_build_array('notint', p_incr_fields[i]::json)::text;
    END IF;
    v_number := v_current::numeric + p_incr_by[i];
    IF v_number > p_max_number THEN
      RETURN json_build_array('limit', 'maxNumber', p_incr_fields[i]::json)::text;
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

  SELECT o.size
         + count(*) FILTER (WHERE n.value <> 'null' AND NOT v_before ? n.key)
         - count(*) FILTER (WHERE n.value = 'null' AND v_before ? n.key)
    INTO v_size
    FROM jsonb_each(v_next) n;
  IF v_size > p_max_fields THEN
    RETURN '["limit","maxFields",""]';
  END IF;

  DELETE FROM {{schema}}.{{table}}_fields
    WHERE record_id = p_id AND part = p_part
      AND field IN (SELECT key FROM jsonb_each(v_next) WHERE value = 'null');
  INSERT INTO {{schema}}.{{table}}_fields (record_id, part, field, value)
    SELECT p_id, p_part, key, value FROM jsonb_each_text(v_next) WHERE value IS NOT NULL
    ON CONFLICT (record_id, part, field) DO UPDATE SET value = excluded.value;
  INSERT INTO {{schema}}.{{table}}_parts AS p (record_id, name, kind, version, size, expires_at)
    VALUES (p_id, p_part, 'm', o.version + 1, v_size, p_part_expires_at)
    ON CONFLICT (record_id, name) DO UPDATE
    SET kind = 'm', version = excluded.version, size = excluded.size,
        expires_at = coalesce(p_part_expires_at, p.expires_at);
  IF p_expires_at IS NOT NULL THEN
    UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id;
  END IF;
  RETURN '["ok",' || (o.version + 1) || ',[' || substr(v_numbers, 2) || '],[' || substr(v_kept, 2) || ']]';
END
$$;
