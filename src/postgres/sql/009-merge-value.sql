-- mergeValue: a JSON merge patch into a value part, in the server, without a read first. Values are
-- stored as the text JSON.stringify wrote, and the merge keeps it: the `json` type keeps each
-- member's text as it is (jsonb would reorder keys and respell numbers), so members the patch does
-- not touch come back byte for byte, and the result is the text JSON.stringify gives the merged
-- value (same members, same order), so its size is what the other stores measure.

-- The object text `p_patch` merged into the object text `p_base`: members of the base in their
-- order (replaced where the patch has a value, merged where both hold objects, gone where the
-- patch holds null), then the patch's new members in its order, nulls dropped at every level.
CREATE FUNCTION {{schema}}.{{table}}_merge(p_base json, p_patch json) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT '{' || coalesce(string_agg(
      to_json(coalesce(b.key, p.key))::text || ':' ||
      CASE
        WHEN p.key IS NULL THEN b.value::text
        WHEN json_typeof(p.value) = 'object' THEN {{schema}}.{{table}}_merge(
          CASE WHEN json_typeof(b.value) = 'object' THEN b.value ELSE '{}'::json END, p.value)
        ELSE p.value::text
      END,
      ',' ORDER BY b.ord IS NULL, coalesce(b.ord, p.ord)), '') || '}'
  FROM json_each(p_base) WITH ORDINALITY b(key, value, ord)
  FULL JOIN json_each(p_patch) WITH ORDINALITY p(key, value, ord) ON p.key = b.key
  WHERE p.key IS NULL OR json_typeof(p.value) <> 'null'
$$;

-- mergeValue: merges the object text `p_patch` into the part (missing, or not an object: `{}`),
-- writes it with the next version and moves the expiries, as setValue does.
-- ["ok", version, merged json text], ["limit", bytes], ["text"] (the texts hold an escape that
-- PostgreSQL text cannot take, NUL or a lone surrogate: nothing changed, the caller merges),
-- ["missing"] or ["kind", kind].
CREATE FUNCTION {{schema}}.{{table}}_merge_value(
  p_id text, p_part text, p_now double precision, p_patch text, p_max_bytes bigint,
  p_expires_at double precision, p_part_expires_at double precision
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  o {{schema}}.{{table}}_parts;
  v_merged text;
  v_bytes integer;
BEGIN
  o := {{schema}}.{{table}}_open(p_id, p_part, p_now);
  IF o.record_id IS NULL THEN
    RETURN '["missing"]';
  END IF;
  IF o.kind <> 'v' THEN
    RETURN json_build_array('kind', o.kind)::text;
  END IF;
  IF p_patch ~ '\\u(0000|d[89a-f])' OR o.value ~ '\\u(0000|d[89a-f])' THEN
    RETURN '["text"]';
  END IF;
  v_merged := {{schema}}.{{table}}_merge(
    CASE WHEN left(o.value, 1) = '{' THEN o.value::json ELSE '{}'::json END, p_patch::json);
  v_bytes := octet_length(v_merged);
  IF v_bytes > p_max_bytes THEN
    RETURN json_build_array('limit', v_bytes)::text;
  END IF;
  INSERT INTO {{schema}}.{{table}}_parts AS p (record_id, name, kind, version, expires_at, value)
    VALUES (p_id, p_part, 'v', o.version + 1, p_part_expires_at, v_merged)
    ON CONFLICT (record_id, name) DO UPDATE
    SET kind = 'v', version = excluded.version, value = excluded.value,
        expires_at = coalesce(p_part_expires_at, p.expires_at);
  IF p_expires_at IS NOT NULL THEN
    UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id;
  END IF;
  RETURN json_build_array('ok', o.version + 1, v_merged)::text;
END
$$;
