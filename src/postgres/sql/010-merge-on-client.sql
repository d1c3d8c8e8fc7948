-- mergeValue with the merge done on the client: a process that holds the part's last text merges
-- the patch into it itself (the same merge, byte for byte: src/store/merge-text.ts) and sends the
-- text it started from with the result. This function stores the result when that text is still
-- the stored one: a comparison of two texts, where the merge in SQL parses both objects (about ten
-- times the server time for a 1 KB value). Otherwise it calls {{table}}_merge_value (009), in the
-- same statement, so the call is still one round trip and one transaction.

-- `p_base` is the text the caller merged into and `p_merged` its result (within `p_max_bytes`).
-- ["ok", version] when the result was stored; otherwise what {{table}}_merge_value answers.
CREATE FUNCTION {{schema}}.{{table}}_merge_on_client(
  p_id text, p_part text, p_now double precision, p_patch text, p_max_bytes bigint,
  p_expires_at double precision, p_part_expires_at double precision, p_base text, p_merged text
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_version bigint;
BEGIN
  -- An expiry moved into the past would leave the record expired for the call below: such a call
  -- goes to it directly.
  IF p_expires_at IS NULL THEN
    PERFORM 1 FROM {{schema}}.{{table}} WHERE id = p_id AND expires_at > p_now FOR NO KEY UPDATE;
  ELSIF p_expires_at > p_now THEN
    UPDATE {{schema}}.{{table}} SET expires_at = p_expires_at WHERE id = p_id AND expires_at > p_now;
  END IF;
  IF FOUND THEN
    -- The record's row is locked, so no other write changes the part until this statement ends.
    UPDATE {{schema}}.{{table}}_parts
      SET version = version + 1, value = p_merged, expires_at = coalesce(p_part_expires_at, expires_at)
      WHERE record_id = p_id AND name = p_part AND kind = 'v' AND value = p_base
        AND (expires_at IS NULL OR expires_at > p_now)
      RETURNING version INTO v_version;
    IF FOUND THEN
      RETURN '["ok",' || v_version || ']';
    END IF;
  END IF;
  -- Moved or not, the record is live for it exactly when it was for this call.
  RETURN {{schema}}.{{table}}_merge_value(
    p_id, p_part, p_now, p_patch, p_max_bytes, p_expires_at, p_part_expires_at);
END
$$;
