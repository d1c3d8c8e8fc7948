-- mergeValue: a JSON merge patch into a value part, in the server, without a read first. Values are
-- stored as the text JSON.stringify wrote, and the merge keeps it: the `json` type keeps each
-- member's text as it is (jsonb would reorder keys and respell numbers), so members the patch does
-- not touch come back byte for byte, and the result is the text JSON.stringify gives the merged
-- value (same members, same order), so its size is what the other stores measure.

-- The object text `p_patch` merged into the object text `p_base`: members of the base in their
-- order (replaced where the patch has a value, merged where both hold objects, gone where the
-- patch holds null), then the patch's new members in its order, nulls dropped at every level.
-- PL/pgSQL, so the query's plan is made once per connection, not on every call.
CREATE FUNCTION {{schema}}.{{table}}_merge(p_base json, p_patch json) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_out text;
BEGIN
  SELECT string_agg(
      to_json(coalesce(b.key, p.key))::text || ':' || CASE
        WHEN p.key IS NULL THEN b.value::text
        WHEN p.type = 'object' THEN {{schema}}.{{table}}_merge(
          CASE WHEN json_typeof(b.value) = 'object' THEN b.value ELSE '{}'::json END, p.value)
        ELSE p.value::text
      END,
      ',' ORDER BY b.ord IS NULL, coalesce(b.ord, p.ord))
    INTO v_out
    FROM json_each(p_base) WITH ORDINALITY b(key, value, ord)
    FULL JOIN (
      SELECT e.key, e.value, e.ord, json_typeof(e.value) AS type
        FROM json_each(p_patch) WITH ORDINALITY e(key, value, ord)
    ) p ON p.key = b.key
    WHERE p.key IS NULL OR p.type <> 'null';
  RETURN '{' || coalesce(v_out, '') || '}';
END
$$;

-- mergeValue: merges the object text `p_patch` into the part (missing, or not an object: `{}`),
-- writes it with the next version and moves the expiries, as setValue does. It opens the part
-- inline (see {{table}}_open), the record's expiry moved by the statement that locks it.
-- ["ok", version, merged json] (the merged text itself, not quoted), ["limit", bytes], ["text"]
-- (the texts hold an escape that PostgreSQL text cannot take, NUL or a lone surrogate: the
-- caller merges), ["missing"] or ["kind", kind]. A failure after the expiry moved is raised
-- instead, undoing the move.
CREATE FUNCTION {{schema}}.{{table}}_merge_value(
  p_id text, p_part text, p_now double precision, p_patch text, p_max_bytes bigint,
  p_expires_at double precision, p_part_expires_at double precision
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_exists boolean;
  v_last_seq bigint;
  v_kind "char";
  v_version bigint;
  v_part_expires_at double precision;
  v_value text;
  v_merged text;
  v_bytes integer;
BEGIN
  IF p_expires_at IS NULL THEN
    PERFORM 1 FROM {{schema}}.{{table}} WHERE id = p_id AND expires_at > p_now FOR NO KEY UPDATE;
  ELSE
    UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id AND expires_at > p_now;
  END IF;
  IF NOT FOUND THEN
    RETURN '["missing"]';
  END IF;
  -- The common case in one statement: a live value part holding an object. Reading the value in
  -- the UPDATE itself is safe without a read first: the record's row is locked, so no other write
  -- changes the part until this statement ends.
  IF strpos(p_patch, '\u') = 0 THEN
    UPDATE {{schema}}.{{table}}_parts
      SET version = version + 1, value = {{schema}}.{{table}}_merge(value::json, p_patch::json),
          expires_at = coalesce(p_part_expires_at, expires_at)
      WHERE record_id = p_id AND name = p_part AND kind = 'v' AND left(value, 1) = '{'
        AND (expires_at IS NULL OR expires_at > p_now)
        AND (strpos(value, '\u') = 0 OR value !~ '\\u(0000|d[89a-f])')
      RETURNING version, value INTO v_version, v_merged;
    IF FOUND THEN
      v_bytes := octet_length(v_merged);
      IF v_bytes > p_max_bytes THEN
        -- Written already: raised, so the statement is undone.
        RAISE EXCEPTION USING ERRCODE = 'SK001', MESSAGE = json_build_array('limit', v_bytes)::text;
      END IF;
      RETURN '["ok",' || v_version || ',' || v_merged || ']';
    END IF;
  END IF;
  SELECT kind, version, expires_at, value, last_seq
    INTO v_kind, v_version, v_part_expires_at, v_value, v_last_seq
    FROM {{schema}}.{{table}}_parts WHERE record_id = p_id AND name = p_part;
  v_exists := FOUND;
  IF v_part_expires_at <= p_now THEN
    PERFORM {{schema}}.{{table}}_clear_part(p_id, p_part);
    -- clear_part keeps the row of a part that once held a list (its sequence counter).
    v_exists := v_last_seq <> 0;
    v_kind := NULL;
  END IF;
  IF v_kind IS NULL THEN
    v_version := 0;
    v_value := NULL;
  END IF;
  IF v_kind <> 'v' THEN
    RETURN {{schema}}.{{table}}_fail(p_expires_at, json_build_array('kind', v_kind)::text);
  END IF;
  IF p_patch ~ '\\u(0000|d[89a-f])' OR v_value ~ '\\u(0000|d[89a-f])' THEN
    RETURN {{schema}}.{{table}}_fail(p_expires_at, '["text"]');
  END IF;
  v_merged := {{schema}}.{{table}}_merge(
    CASE WHEN left(v_value, 1) = '{' THEN v_value::json ELSE '{}'::json END, p_patch::json);
  v_bytes := octet_length(v_merged);
  IF v_bytes > p_max_bytes THEN
    RETURN {{schema}}.{{table}}_fail(p_expires_at, json_build_array('limit', v_bytes)::text);
  END IF;
  IF v_exists THEN
    UPDATE {{schema}}.{{table}}_parts
      SET kind = 'v', version = v_version + 1, value = v_merged,
          expires_at = coalesce(p_part_expires_at, expires_at)
      WHERE record_id = p_id AND name = p_part;
  ELSE
    -- No other write adds a part while the record's row is locked.
    INSERT INTO {{schema}}.{{table}}_parts (record_id, name, kind, version, expires_at, value)
      VALUES (p_id, p_part, 'v', 1, p_part_expires_at, v_merged);
  END IF;
  RETURN '["ok",' || (v_version + 1) || ',' || v_merged || ']';
END
$$;
