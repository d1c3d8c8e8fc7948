-- Prelude of the rate-limit scripts, prepended to each by scripts/gen-lua.mjs.
-- KEYS come in pairs, one pair per charge: the subject's state hash `{<prefix>|<kind>:<id>}` and the
-- rule's log `{<prefix>|<kind>:<id>}:<rule>` (a list of "seq at cost" entries, oldest first; a
-- token bucket has none). Hash fields: `<rule>` the rule's state, `_x` the time (caller's clock) up
-- to which the hash is kept. A sliding window's state is "sum newest oldest pushed x clock", a
-- bucket's "tokens updated x"; `x` is the time up to which its keys are kept, `clock` the latest
-- time the log changed at (no call decides at an earlier time).
-- ARGV[1] is the caller's clock (epoch ms) and ARGV[2] how long keys outlive that time in Redis
-- (grace ms), so a clock that runs behind Redis's never loses live state.
-- The arithmetic matches src/limits/ (sliding-log.ts, token-bucket.ts) operation for operation, so
-- both backends give the same answers.
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local EPSILON = 1e-9
local RETRY_SCAN = 1024

-- An integer as text. Lua's own conversion (%.14g) is exact below 10^14 and cheaper than
-- string.format, which is kept for larger values.
local function int(n)
  if n < 1e14 and n > -1e14 then return n .. '' end
  return string.format('%.0f', n)
end

-- seq, at, cost of a log entry.
local function entry(text)
  local seq, at, cost = string.match(text, '^(%S+) (%S+) (%S+)$')
  return tonumber(seq), tonumber(at), tonumber(cost)
end

-- The rule's state from its hash field, or a fresh one (nil text). A fresh sliding window drops any
-- log its state outlived.
local function load(text, algorithm, burst, list)
  if algorithm == 's' then
    if not text then
      redis.call('DEL', list)
      return { sum = 0, newest = -math.huge, oldest = 0, pushed = 0, x = 0, clock = -math.huge }
    end
    local sum, newest, oldest, pushed, x, clock = string.match(text, '^(%S+) (%S+) (%S+) (%S+) (%S+) (%S+)$')
    return {
      sum = tonumber(sum), newest = tonumber(newest), oldest = tonumber(oldest),
      pushed = tonumber(pushed), x = tonumber(x), clock = tonumber(clock),
    }
  end
  if not text then return { tokens = burst, updated = now, x = 0 } end
  local tokens, updated, x = string.match(text, '^(%S+) (%S+) (%S+)$')
  return { tokens = tonumber(tokens), updated = tonumber(updated), x = tonumber(x) }
end

local function dump(st, algorithm)
  if algorithm == 's' then
    return int(st.sum) .. ' ' .. int(st.newest) .. ' ' .. int(st.oldest) .. ' ' .. int(st.pushed) .. ' '
      .. int(st.x) .. ' ' .. int(st.clock)
  end
  return string.format('%.17g', st.tokens) .. ' ' .. int(st.updated) .. ' ' .. int(st.x)
end

-- The time to decide at (never before the log's clock), after dropping the entries that left the
-- window (at - window, at]. Marks the state dirty, and moves its clock, when it dropped any.
local function prepare_sliding(st, list, window)
  local at = math.max(now, st.clock)
  local cutoff = at - window
  if st.sum == 0 or st.oldest > cutoff then return at end
  local dropped = 0
  local left = false
  repeat
    local batch = redis.call('LRANGE', list, dropped, dropped + 31)
    for i = 1, #batch do
      local _, t, c = entry(batch[i])
      if t > cutoff then
        st.oldest = t
        left = true
        break
      end
      st.sum = st.sum - c
      dropped = dropped + 1
    end
  until left or #batch < 32
  redis.call('LTRIM', list, dropped, -1)
  if not left then st.sum = 0 end
  if dropped > 0 then st.clock = at end
  st.dirty = true
  return at
end

-- Refills a bucket up to the decision time (never backwards); returns that time.
local function prepare_bucket(st, limit, window, burst)
  local at = math.max(now, st.updated)
  st.tokens = math.min(burst, st.tokens + ((at - st.updated) * limit) / window)
  st.updated = at
  st.dirty = true
  return at
end

-- How long until `needed` more cost has left the window; past RETRY_SCAN entries, until the whole
-- log has (an upper bound).
local function retry_after(st, list, needed, window, at)
  local freed = 0
  local read = 0
  while read < RETRY_SCAN do
    local batch = redis.call('LRANGE', list, read, read + 63)
    for i = 1, #batch do
      local _, t, c = entry(batch[i])
      freed = freed + c
      if freed >= needed then return t + window - at end
    end
    read = read + #batch
    if #batch < 64 then break end
  end
  return st.newest + window - at
end

-- Keeps the rule's keys, and the subject's hash, until at least `until_` (plus an eighth of the
-- window, so a busy key is re-expired once per eighth of a window, not on every call); writes the
-- state. `hash_x` caches each hash's `_x` across the charges of one script.
local function save(hash, list, rule, st, algorithm, until_, window, hash_x)
  if until_ <= st.x then
    redis.call('HSET', hash, rule, dump(st, algorithm))
    return
  end
  st.x = until_ + math.floor(window / 8)
  local ttl = st.x - now + grace
  if algorithm == 's' then redis.call('PEXPIRE', list, ttl) end
  if st.x <= hash_x[hash] then
    redis.call('HSET', hash, rule, dump(st, algorithm))
    return
  end
  hash_x[hash] = st.x
  -- Written before its expiry is set: PEXPIRE on a hash not made yet would do nothing.
  redis.call('HSET', hash, rule, dump(st, algorithm), '_x', int(st.x))
  redis.call('PEXPIRE', hash, ttl)
end

-- The hash's `_x`, read once per hash per script.
local function hash_keep(hash_x, hash, text)
  if hash_x[hash] == nil then hash_x[hash] = tonumber(text) or 0 end
end
