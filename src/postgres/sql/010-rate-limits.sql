-- Rate-limit state (the store's `rateLimits`, for createRateLimiter): one row per subject and rule.
-- The arithmetic matches src/limits/ (sliding-log.ts, token-bucket.ts) and the Redis scripts
-- (src/redis/limits/lua/) operation for operation, in doubles, so every backend gives the same
-- answers.
--
-- `kind` is the rule's algorithm: 's' (sliding window) or 'b' (token bucket). A sliding window
-- keeps its exact log in three arrays, oldest first, one entry per millisecond in which requests
-- were admitted and still in the window (`seqs`, `ats`, `costs`), with `sum` (their costs), `newest`
-- (the time of the newest entry ever taken), `clock` (the latest time the log changed at: no call
-- decides at an earlier time) and `pushed` (entries ever taken: the next sequence number is
-- `pushed + 1`). Every entry costs at least 1, so a log holds at most `limit` entries, and at
-- most one per millisecond of its window. A bucket keeps `tokens` as of `updated`.
-- `expires_at` is the time up to which the state matters (the caller's clock): moved, when a call
-- needs it later, to that time plus an eighth of the window, so a busy row changes its index entry
-- once per eighth of a window, not on every call. A row more than the store's `expiryGraceMs` past
-- it is read as absent (as Redis deletes its key then), and the sweeper deletes it.
CREATE TABLE {{schema}}.{{table}}_limits (
  subject text COLLATE "C" NOT NULL,
  rule text COLLATE "C" NOT NULL,
  kind "char" NOT NULL,
  expires_at double precision NOT NULL,
  sum double precision,
  newest double precision,
  clock double precision,
  pushed double precision,
  seqs double precision[],
  ats double precision[],
  costs double precision[],
  tokens double precision,
  updated double precision,
  PRIMARY KEY (subject, rule)
) WITH (fillfactor = 80);
CREATE INDEX {{table}}_limits_expires_at ON {{schema}}.{{table}}_limits (expires_at);

-- The state in `r` made fresh for a rule of `p_kind` at `p_now` (the row's key kept): an empty
-- log, or a full bucket. `p_burst` is the bucket's capacity.
CREATE FUNCTION {{schema}}.{{table}}_rate_fresh(
  r {{schema}}.{{table}}_limits, p_kind "char", p_now double precision, p_burst double precision
) RETURNS {{schema}}.{{table}}_limits
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  r.kind := p_kind;
  r.expires_at := '-Infinity';
  IF p_kind = 's' THEN
    r.sum := 0;
    r.newest := '-Infinity';
    r.clock := '-Infinity';
    r.pushed := 0;
    r.seqs := '{}';
    r.ats := '{}';
    r.costs := '{}';
    r.tokens := NULL;
    r.updated := NULL;
  ELSE
    r.sum := NULL;
    r.newest := NULL;
    r.clock := NULL;
    r.pushed := NULL;
    r.seqs := NULL;
    r.ats := NULL;
    r.costs := NULL;
    r.tokens := p_burst;
    r.updated := p_now;
  END IF;
  RETURN r;
END
$$;

-- consume: one charge per element of the arrays (subject, rule, kind, limit, windowMs, burst,
-- cost). Locks each charge's row in (subject, rule) order, whatever order the charges come in,
-- so two consumes of the same subjects never deadlock; a missing row is inserted first, with a
-- fresh state that later calls read as absent until this one saves it, so the insert is the lock.
-- Checks every charge, then takes all or none.
-- Replies four numbers per charge, in the charges' order, as text joined by commas: `seq` when
-- it fits (0 for a bucket or a cost of 0), else `-retryAfterMs` (never 0); `at - p_now`;
-- `remaining`; `resetAt - at`. `p_grace`: the store's expiryGraceMs.
CREATE FUNCTION {{schema}}.{{table}}_rate_consume(
  p_now double precision, p_grace double precision, p_subjects text[], p_rules text[],
  p_kinds "char"[], p_limits double precision[], p_windows double precision[],
  p_bursts double precision[], p_costs double precision[]
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  n integer := cardinality(p_subjects);
  v_order integer[];
  v_rows {{schema}}.{{table}}_limits[];
  v_at double precision[];
  v_fits boolean[];
  v_dirty boolean[];
  v_all boolean := true;
  v_inserted boolean;
  v_out text[];
  r {{schema}}.{{table}}_limits;
  i integer;
  k integer;
  v_cost double precision;
  v_window double precision;
  v_at_i double precision;
  v_cutoff double precision;
  v_seq double precision;
  v_remaining double precision;
  v_reset double precision;
  v_retry double precision;
  v_freed double precision;
  v_missing double precision;
BEGIN
  IF n = 1 THEN
    v_order := ARRAY[1];
  ELSE
    SELECT array_agg(j ORDER BY p_subjects[j] COLLATE "C", p_rules[j] COLLATE "C") INTO v_order
      FROM generate_subscripts(p_subjects, 1) j;
  END IF;
  FOREACH i IN ARRAY v_order LOOP
    v_inserted := false;
    LOOP
      SELECT * INTO r FROM {{schema}}.{{table}}_limits
        WHERE subject = p_subjects[i] AND rule = p_rules[i] FOR UPDATE;
      EXIT WHEN FOUND;
      -- Two consumes of one new row: the second waits for the first, inserts nothing and reads it.
      IF p_kinds[i] = 's' THEN
        INSERT INTO {{schema}}.{{table}}_limits (subject, rule, kind, expires_at, sum, newest, clock, pushed, seqs, ats, costs)
          VALUES (p_subjects[i], p_rules[i], 's', '-Infinity', 0, '-Infinity', '-Infinity', 0, '{}', '{}', '{}')
          ON CONFLICT DO NOTHING
          RETURNING * INTO r;
      ELSE
        INSERT INTO {{schema}}.{{table}}_limits (subject, rule, kind, expires_at, tokens, updated)
          VALUES (p_subjects[i], p_rules[i], 'b', '-Infinity', p_bursts[i], p_now)
          ON CONFLICT DO NOTHING
          RETURNING * INTO r;
      END IF;
      v_inserted := FOUND;
      EXIT WHEN v_inserted;
    END LOOP;
    -- A row past its expiry and the grace is read as absent (the one just inserted is fresh already).
    IF NOT v_inserted AND (r.expires_at <= p_now - p_grace OR r.kind <> p_kinds[i]) THEN
      r := {{schema}}.{{table}}_rate_fresh(r, p_kinds[i], p_now, p_bursts[i]);
    END IF;
    v_cost := p_costs[i];
    v_dirty[i] := false;
    IF r.kind = 's' THEN
      -- The decision time (never before the log's clock), after dropping the entries that left
      -- the window (at - windowMs, at].
      v_at_i := greatest(p_now, r.clock);
      v_cutoff := v_at_i - p_windows[i];
      IF r.sum > 0 AND r.ats[1] <= v_cutoff THEN
        k := 1;
        WHILE k <= cardinality(r.ats) AND r.ats[k] <= v_cutoff LOOP
          r.sum := r.sum - r.costs[k];
          k := k + 1;
        END LOOP;
        IF k > cardinality(r.ats) THEN
          r.sum := 0;
          r.seqs := '{}';
          r.ats := '{}';
          r.costs := '{}';
        ELSE
          r.seqs := r.seqs[k:];
          r.ats := r.ats[k:];
          r.costs := r.costs[k:];
        END IF;
        r.clock := v_at_i;
        v_dirty[i] := true;
      END IF;
      v_fits[i] := r.sum + v_cost <= p_limits[i];
    ELSE
      -- Refilled up to the decision time (never backwards).
      v_at_i := greatest(p_now, r.updated);
      r.tokens := least(p_bursts[i], r.tokens + ((v_at_i - r.updated) * p_limits[i]) / p_windows[i]);
      r.updated := v_at_i;
      v_fits[i] := r.tokens >= v_cost - 1e-9;
    END IF;
    v_all := v_all AND v_fits[i];
    v_at[i] := v_at_i;
    -- One charge (the common case) keeps its state in `r`: no copy in and out of the array.
    IF n > 1 THEN
      v_rows[i] := r;
    END IF;
  END LOOP;

  FOR i IN 1 .. n LOOP
    IF n > 1 THEN
      r := v_rows[i];
    END IF;
    v_cost := p_costs[i];
    v_window := p_windows[i];
    v_at_i := v_at[i];
    v_seq := 0;
    v_retry := 0;
    IF r.kind = 's' THEN
      IF v_all AND v_cost > 0 THEN
        k := cardinality(r.ats);
        -- Requests of one millisecond share an entry: the newest, when it was taken at `at`.
        IF r.sum > 0 AND r.newest = v_at_i AND r.ats[k] = v_at_i THEN
          v_seq := r.seqs[k];
          r.costs[k] := r.costs[k] + v_cost;
        ELSE
          r.pushed := r.pushed + 1;
          v_seq := r.pushed;
          r.seqs[k + 1] := v_seq;
          r.ats[k + 1] := v_at_i;
          r.costs[k + 1] := v_cost;
        END IF;
        r.sum := r.sum + v_cost;
        r.newest := v_at_i;
        r.clock := v_at_i;
        v_dirty[i] := true;
      END IF;
      v_remaining := greatest(0, p_limits[i] - r.sum);
      v_reset := CASE WHEN r.sum > 0 THEN r.newest + v_window ELSE v_at_i END;
      IF NOT v_fits[i] THEN
        -- How long until enough cost has left the window: the time the entry that frees enough
        -- leaves; past 1024 entries, when the whole log has (an upper bound).
        v_freed := 0;
        v_retry := r.newest + v_window - v_at_i;
        FOR k IN 1 .. least(cardinality(r.ats), 1024) LOOP
          v_freed := v_freed + r.costs[k];
          IF v_freed >= r.sum + v_cost - p_limits[i] THEN
            v_retry := r.ats[k] + v_window - v_at_i;
            EXIT;
          END IF;
        END LOOP;
      END IF;
    ELSE
      IF v_all THEN
        r.tokens := r.tokens - v_cost;
      END IF;
      v_remaining := greatest(0, floor(r.tokens + 1e-9));
      v_missing := p_bursts[i] - r.tokens;
      v_reset := CASE WHEN v_missing <= 1e-9 THEN v_at_i
        ELSE v_at_i + ceil((v_missing * v_window) / p_limits[i]) END;
      IF NOT v_fits[i] THEN
        v_retry := ceil(((v_cost - r.tokens) * v_window) / p_limits[i]);
      END IF;
      v_dirty[i] := true;
    END IF;
    IF v_dirty[i] THEN
      IF v_reset > r.expires_at THEN
        r.expires_at := v_reset + floor(v_window / 8);
      END IF;
      UPDATE {{schema}}.{{table}}_limits
        SET kind = r.kind, expires_at = r.expires_at, sum = r.sum, newest = r.newest, clock = r.clock,
            pushed = r.pushed, seqs = r.seqs, ats = r.ats, costs = r.costs, tokens = r.tokens,
            updated = r.updated
        WHERE subject = r.subject AND rule = r.rule;
    END IF;
    v_out[i] := concat_ws(',', CASE WHEN v_fits[i] THEN v_seq ELSE -v_retry END, v_at_i - p_now,
      v_remaining, v_reset - v_at_i);
  END LOOP;
  RETURN array_to_string(v_out, ',');
END
$$;

-- settle: one settlement per element of the arrays (subject, rule, kind, limit, windowMs, burst,
-- seq, at, from, to), rows locked in (subject, rule) order as consume locks them. Sets the cost of
-- a taken charge from `from` to `to`: its entry, shared by the requests of its millisecond, changes
-- by `to - from` and is removed at 0; a bucket gets `from - to` tokens back. A row that is absent
-- (or read as such), an entry no longer in its window, or one holding less than `from` (settled
-- already), is left alone.
CREATE FUNCTION {{schema}}.{{table}}_rate_settle(
  p_now double precision, p_grace double precision, p_subjects text[], p_rules text[],
  p_kinds "char"[], p_limits double precision[], p_windows double precision[],
  p_bursts double precision[], p_seqs double precision[], p_ats double precision[],
  p_froms double precision[], p_tos double precision[]
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r {{schema}}.{{table}}_limits;
  i integer;
  k integer;
  lo integer;
  hi integer;
  v_window double precision;
  v_at double precision;
  v_cutoff double precision;
  v_cost double precision;
  v_until double precision;
  v_missing double precision;
  v_dirty boolean;
BEGIN
  FOR i IN
    SELECT j FROM generate_subscripts(p_subjects, 1) j ORDER BY p_subjects[j] COLLATE "C", p_rules[j] COLLATE "C"
  LOOP
    SELECT * INTO r FROM {{schema}}.{{table}}_limits
      WHERE subject = p_subjects[i] AND rule = p_rules[i] FOR UPDATE;
    CONTINUE WHEN NOT FOUND OR r.expires_at <= p_now - p_grace OR r.kind <> p_kinds[i];
    v_window := p_windows[i];
    v_dirty := false;
    IF r.kind = 's' THEN
      v_at := greatest(p_now, r.clock);
      v_cutoff := v_at - v_window;
      IF r.sum > 0 AND r.ats[1] <= v_cutoff THEN
        k := 1;
        WHILE k <= cardinality(r.ats) AND r.ats[k] <= v_cutoff LOOP
          r.sum := r.sum - r.costs[k];
          k := k + 1;
        END LOOP;
        IF k > cardinality(r.ats) THEN
          r.sum := 0;
        END IF;
        r.seqs := coalesce(r.seqs[k:], '{}');
        r.ats := coalesce(r.ats[k:], '{}');
        r.costs := coalesce(r.costs[k:], '{}');
        r.clock := v_at;
        v_dirty := true;
      END IF;
      -- Entry `seq`, by binary search: sequence numbers grow from the oldest entry.
      lo := 1;
      hi := cardinality(r.seqs);
      k := 0;
      WHILE lo <= hi LOOP
        k := (lo + hi) / 2;
        EXIT WHEN r.seqs[k] = p_seqs[i];
        IF r.seqs[k] < p_seqs[i] THEN
          lo := k + 1;
        ELSE
          hi := k - 1;
        END IF;
        k := 0;
      END LOOP;
      IF k > 0 AND r.ats[k] = p_ats[i] AND r.costs[k] >= p_froms[i] THEN
        r.sum := r.sum + p_tos[i] - p_froms[i];
        v_cost := r.costs[k] - p_froms[i] + p_tos[i];
        IF v_cost > 0 THEN
          r.costs[k] := v_cost;
        ELSE
          r.seqs := r.seqs[:k - 1] || r.seqs[k + 1:];
          r.ats := r.ats[:k - 1] || r.ats[k + 1:];
          r.costs := r.costs[:k - 1] || r.costs[k + 1:];
          IF cardinality(r.ats) = 0 THEN
            r.sum := 0;
          END IF;
        END IF;
        v_dirty := true;
      END IF;
      v_until := CASE WHEN r.sum > 0 THEN r.newest + v_window ELSE v_at END;
    ELSE
      v_at := greatest(p_now, r.updated);
      r.tokens := least(p_bursts[i], r.tokens + ((v_at - r.updated) * p_limits[i]) / v_window);
      r.updated := v_at;
      r.tokens := least(p_bursts[i], r.tokens + (p_froms[i] - p_tos[i]));
      v_missing := p_bursts[i] - r.tokens;
      v_until := CASE WHEN v_missing <= 1e-9 THEN v_at
        ELSE v_at + ceil((v_missing * v_window) / p_limits[i]) END;
      v_dirty := true;
    END IF;
    CONTINUE WHEN NOT v_dirty;
    IF v_until > r.expires_at THEN
      r.expires_at := v_until + floor(v_window / 8);
    END IF;
    UPDATE {{schema}}.{{table}}_limits
      SET expires_at = r.expires_at, sum = r.sum, clock = r.clock, seqs = r.seqs, ats = r.ats,
          costs = r.costs, tokens = r.tokens, updated = r.updated
      WHERE subject = r.subject AND rule = r.rule;
  END LOOP;
END
$$;

-- The sweeper's part: deletes up to `p_limit` rows whose state stopped mattering before
-- `p_before` (the clock less the grace), skipping rows a consume holds; returns how many.
CREATE FUNCTION {{schema}}.{{table}}_sweep_limits(p_before double precision, p_limit integer)
RETURNS integer
LANGUAGE sql AS $$
  WITH doomed AS (
    SELECT subject, rule FROM {{schema}}.{{table}}_limits
      WHERE expires_at <= p_before
      ORDER BY expires_at
      LIMIT p_limit
      FOR UPDATE SKIP LOCKED
  ), gone AS (
    DELETE FROM {{schema}}.{{table}}_limits l USING doomed d
      WHERE l.subject = d.subject AND l.rule = d.rule
      RETURNING 1
  )
  SELECT count(*)::integer FROM gone
$$;
