-- List parts: push, and the two reads that compute their slice from the list's size and last seq.

-- push: appends `p_values` (JSON texts), trims the oldest to keep `p_max`, numbers the entries and
-- remembers `p_key` among the list's last `p_window` keys.
-- ["ok", firstSeq, lastSeq, length, dropped], ["dup", firstSeq, lastSeq, length], ["missing"], ["kind", kind].
CREATE FUNCTION {{schema}}.{{table}}_push(
  p_id text, p_part text, p_now double precision, p_max bigint, p_key text, p_window integer,
  p_expires_at double precision, p_part_expires_at double precision, p_values text[]
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  o {{schema}}.{{table}}_parts;
  v_count bigint := cardinality(p_values);
  v_last bigint;
  v_size bigint;
  v_dropped bigint;
  v_first_seq bigint;
  v_last_seq bigint;
BEGIN
  o := {{schema}}.{{table}}_open(p_id, p_part, p_now);
  IF o.record_id IS NULL THEN
    RETURN '["missing"]';
  END IF;
  IF o.kind <> 'l' THEN
    RETURN json_build_array('kind', o.kind)::text;
  END IF;
  IF p_key IS NOT NULL AND o.kind IS NOT NULL THEN
    SELECT first_seq, last_seq INTO v_first_seq, v_last_seq
      FROM {{schema}}.{{table}}_keys
      WHERE record_id = p_id AND part = p_part AND key = p_key;
    IF FOUND THEN
      IF p_expires_at IS NOT NULL THEN
        UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id;
      END IF;
      RETURN json_build_array('dup', v_first_seq, v_last_seq, o.size)::text;
    END IF;
  END IF;
  v_last := o.last_seq + v_count;
  v_size := least(o.size + v_count, p_max);
  v_dropped := o.size + v_count - v_size;
  -- New values that would fall off in the same push are never stored.
  INSERT INTO {{schema}}.{{table}}_entries (record_id, part, seq, value)
    SELECT p_id, p_part, o.last_seq + u.n, u.v
    FROM unnest(p_values) WITH ORDINALITY AS u(v, n)
    WHERE u.n > v_count - v_size;
  IF v_dropped > 0 AND o.size > 0 THEN
    DELETE FROM {{schema}}.{{table}}_entries
      WHERE record_id = p_id AND part = p_part AND seq <= v_last - v_size;
  END IF;
  INSERT INTO {{schema}}.{{table}}_parts AS p (record_id, name, kind, size, last_seq, keys_used, expires_at)
    VALUES (p_id, p_part, 'l', v_size, v_last, o.keys_used + (p_key IS NOT NULL)::integer, p_part_expires_at)
    ON CONFLICT (record_id, name) DO UPDATE
    SET kind = 'l', size = excluded.size, last_seq = excluded.last_seq, keys_used = excluded.keys_used,
        expires_at = coalesce(p_part_expires_at, p.expires_at);
  IF p_key IS NOT NULL THEN
    INSERT INTO {{schema}}.{{table}}_keys (record_id, part, slot, key, first_seq, last_seq)
      VALUES (p_id, p_part, o.keys_used % p_window, p_key, o.last_seq + 1, v_last)
      ON CONFLICT (record_id, part, slot) DO UPDATE
      SET key = excluded.key, first_seq = excluded.first_seq, last_seq = excluded.last_seq;
  END IF;
  IF p_expires_at IS NOT NULL THEN
    UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id;
  END IF;
  RETURN json_build_array('ok', o.last_seq + 1, v_last, v_size, v_dropped)::text;
END
$$;

-- The list's state for a read: NULL when the record is missing or expired (or the part holds
-- nothing: then only its counter), else the part's row. STABLE: one snapshot for the whole read.
CREATE FUNCTION {{schema}}.{{table}}_list_state(p_id text, p_part text, p_now double precision)
RETURNS {{schema}}.{{table}}_parts
LANGUAGE sql STABLE AS $$
  SELECT p.*
    FROM {{schema}}.{{table}} r
    JOIN {{schema}}.{{table}}_parts p ON p.record_id = r.id AND p.name = p_part
    WHERE r.id = p_id AND r.expires_at > p_now
$$;

-- The entries with lo <= seq <= hi as reply text: [length, lastSeq, lo, json ...], or
-- ["kind", kind] for another kind of part.
CREATE FUNCTION {{schema}}.{{table}}_slice(
  o {{schema}}.{{table}}_parts, p_now double precision, p_lo bigint, p_hi bigint
) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_values text;
BEGIN
  IF o.record_id IS NULL THEN
    RETURN '[0,0,0]';
  END IF;
  IF o.kind IS NULL OR o.expires_at <= p_now THEN
    RETURN json_build_array(0, o.last_seq, 0)::text;
  END IF;
  IF o.kind <> 'l' THEN
    RETURN json_build_array('kind', o.kind)::text;
  END IF;
  IF p_lo <= p_hi THEN
    SELECT string_agg(value, ',' ORDER BY seq) INTO v_values
      FROM {{schema}}.{{table}}_entries
      WHERE record_id = o.record_id AND part = o.name AND seq BETWEEN p_lo AND p_hi;
  END IF;
  RETURN '[' || o.size || ',' || o.last_seq || ',' || p_lo || coalesce(',' || v_values, '') || ']';
END
$$;

-- range: entries by LRANGE indices (both ends inclusive, negative from the end).
CREATE FUNCTION {{schema}}.{{table}}_range(
  p_id text, p_part text, p_now double precision, p_start bigint, p_stop bigint
) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  o {{schema}}.{{table}}_parts := {{schema}}.{{table}}_list_state(p_id, p_part, p_now);
  v_first bigint := o.last_seq - o.size + 1;
BEGIN
  IF p_start < 0 THEN
    p_start := greatest(o.size + p_start, 0);
  END IF;
  IF p_stop < 0 THEN
    p_stop := o.size + p_stop;
  END IF;
  p_stop := least(p_stop, o.size - 1);
  RETURN {{schema}}.{{table}}_slice(o, p_now, v_first + p_start, v_first + p_stop);
END
$$;

-- rangeBySeq: entries with after < seq < before, the newest `p_limit` of them (p_newest) or the oldest.
CREATE FUNCTION {{schema}}.{{table}}_range_by_seq(
  p_id text, p_part text, p_now double precision, p_after bigint, p_before bigint,
  p_limit bigint, p_newest boolean
) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  o {{schema}}.{{table}}_parts := {{schema}}.{{table}}_list_state(p_id, p_part, p_now);
  v_lo bigint := greatest(o.last_seq - o.size + 1, coalesce(p_after, 0) + 1);
  v_hi bigint := least(o.last_seq, coalesce(p_before - 1, o.last_seq));
BEGIN
  IF v_hi - v_lo + 1 > p_limit THEN
    IF p_newest THEN
      v_lo := v_hi - p_limit + 1;
    ELSE
      v_hi := v_lo + p_limit - 1;
    END IF;
  END IF;
  RETURN {{schema}}.{{table}}_slice(o, p_now, v_lo, v_hi);
END
$$;
