-- settle: ARGV[3] the number of settlements, then nine per settlement: rule, algorithm, limit,
-- windowMs, burst, seq, at, from, to. Sets the cost of a taken charge from `from` to `to` (a log
-- entry at 0 is removed; a bucket gets `from - to` tokens back). An entry no longer in its window,
-- or not as described (settled already), is left alone. { applied (0/1) per settlement }.
local n = tonumber(ARGV[3])
local hash_x = {}
local out = {}
for i = 1, n do
  local b = 3 + (i - 1) * 9
  local hash, list, rule, algorithm = KEYS[2 * i - 1], KEYS[2 * i], ARGV[b + 1], ARGV[b + 2]
  local limit, window, burst = tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5])
  local seq, at, from, to = tonumber(ARGV[b + 6]), tonumber(ARGV[b + 7]), tonumber(ARGV[b + 8]), tonumber(ARGV[b + 9])
  local raw = redis.call('HMGET', hash, rule, '_x')
  local applied = 0
  if raw[1] then
    hash_keep(hash_x, hash, raw[2])
    local st = load(raw[1], algorithm, burst, list)
    local decided, until_
    if algorithm == 's' then
      decided = prepare_sliding(st, list, window)
      local len = redis.call('LLEN', list)
      if len > 0 then
        -- Sequence numbers grow from the head; removals only move entries towards it.
        local head_seq = entry(redis.call('LINDEX', list, 0))
        local lo, hi = 0, math.min(len - 1, seq - head_seq)
        local found, text
        while lo <= hi do
          local mid = math.floor((lo + hi) / 2)
          text = redis.call('LINDEX', list, mid)
          local s = entry(text)
          if s == seq then
            found = mid
            break
          elseif s < seq then
            lo = mid + 1
          else
            hi = mid - 1
          end
        end
        if found then
          local _, t, c = entry(text)
          if t == at and c == from then
            st.sum = st.sum + to - from
            if to > 0 then
              redis.call('LSET', list, found, int(seq) .. ' ' .. int(at) .. ' ' .. int(to))
            else
              redis.call('LREM', list, 1, text)
              if len == 1 then
                st.sum = 0
              elseif found == 0 then
                local _, head_at = entry(redis.call('LINDEX', list, 0))
                st.oldest = head_at
              end
            end
            st.dirty = true
            applied = 1
          end
        end
      end
      until_ = st.sum > 0 and st.newest + window or decided
    else
      decided = prepare_bucket(st, limit, window, burst)
      st.tokens = math.min(burst, st.tokens + (from - to))
      applied = 1
      local missing = burst - st.tokens
      until_ = missing <= EPSILON and decided or decided + math.ceil((missing * window) / limit)
    end
    if st.dirty then save(hash, list, rule, st, algorithm, until_, window, hash_x) end
  end
  out[i] = applied
end
return out
