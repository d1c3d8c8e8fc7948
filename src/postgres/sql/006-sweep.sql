-- The sweeper: deletes records whose expiry passed before `p_before`, and empties parts whose own
-- expiry did, at most `p_limit` of each per call. Rows another call holds are skipped, not
-- waited for, so sweepers in several processes never block each other or a write.
CREATE FUNCTION {{schema}}.{{table}}_sweep(
  p_before double precision, p_limit integer, OUT records integer, OUT parts integer
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
    DELETE FROM {{schema}}.{{table}} r USING doomed d WHERE r.id = d.id RETURNING r.id
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
END
$$;
