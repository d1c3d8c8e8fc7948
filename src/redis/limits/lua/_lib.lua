-- Prelude of the rate-limit scripts, prepended to each by scripts/gen-lua.mjs: only what both use.
-- KEYS: one per charge, the rule's key for its subject, `{<prefix>|<kind>:<id>}:<rule>` (every key
-- of a subject in one Cluster slot). A sliding window's key is a list: its state first, then its
-- log's entries, oldest first; a token bucket's is a string, its state. Every value is packed
-- doubles (struct, little-endian): turning numbers into text and back cost more server time than
-- every command of a consume together. An entry is `seq at cost`; a sliding window's state
-- `sum newest oldest pushed x clock`, a bucket's `tokens updated x`; `x` is the time up to which the
-- key is kept, `clock` the latest time the log changed at (no call decides at an earlier time).
-- Doubles hold every whole number below 2^53 exactly.
-- ARGV[1] is the caller's clock (epoch ms) and ARGV[2] how long keys outlive that time in Redis
-- (grace ms, read when a key's expiry moves), so a clock that runs behind Redis's never loses live
-- state.
-- The arithmetic matches src/limits/ (sliding-log.ts, token-bucket.ts) operation for operation, so
-- both backends give the same answers.
local now = tonumber(ARGV[1])
local EPSILON = 1e-9
local pack, unpack = struct.pack, struct.unpack
local ENTRY, SLIDING, BUCKET = '<ddd', '<dddddd', '<ddd'

-- The charge's state (nil when `existing` is set and the key holds none), with the rule's figures,
-- in one table built at once. `empty`: the key does not exist (a write must set its expiry). Only a
-- bucket reads its burst (a sliding window's is its limit).
local function read(key, algorithm, limit, window, burst_text, existing)
  if algorithm == 's' then
    local text = redis.call('LINDEX', key, 0)
    if not text then
      if existing then return nil end
      return {
        key = key, sliding = true, limit = limit, window = window, sum = 0,
        newest = -math.huge, oldest = 0, pushed = 0, x = 0, clock = -math.huge, empty = true, popped = false,
      }
    end
    local sum, newest, oldest, pushed, x, clock = unpack(SLIDING, text)
    return {
      key = key, sliding = true, limit = limit, window = window, sum = sum, newest = newest,
      oldest = oldest, pushed = pushed, x = x, clock = clock, empty = false, popped = false,
    }
  end
  local text = redis.call('GET', key)
  if not text and existing then return nil end
  local burst = tonumber(burst_text)
  local tokens, updated, x = burst, now, 0
  if text then tokens, updated, x = unpack(BUCKET, text) end
  return { key = key, sliding = false, limit = limit, window = window, burst = burst, tokens = tokens, updated = updated, x = x }
end

-- The time to decide at (never before the log's clock), after dropping the entries that left the
-- window (at - window, at]. True as a second value when it dropped any (the state must be saved).
-- Dropping trims the state off with the entries (`popped`); saving puts it back in front.
local function prepare_sliding(st)
  local at = math.max(now, st.clock)
  local cutoff = at - st.window
  if st.sum == 0 or st.oldest > cutoff then return at, false end
  local key = st.key
  local dropped = 0
  local left = false
  repeat
    local batch = redis.call('LRANGE', key, 1 + dropped, dropped + 32)
    for i = 1, #batch do
      local _, t, c = unpack(ENTRY, batch[i])
      if t > cutoff then
        st.oldest = t
        left = true
        break
      end
      st.sum = st.sum - c
      dropped = dropped + 1
    end
  until left or #batch < 32
  if left then
    redis.call('LTRIM', key, dropped + 1, -1)
    st.popped = true
  else
    redis.call('DEL', key)
    st.sum = 0
    st.empty = true
  end
  st.clock = at
  return at, true
end

-- Refills a bucket up to the decision time (never backwards); returns that time.
local function prepare_bucket(st)
  local at = math.max(now, st.updated)
  st.tokens = math.min(st.burst, st.tokens + ((at - st.updated) * st.limit) / st.window)
  st.updated = at
  return at
end

-- Writes the state, with `entry` (packed) appended to the log or `tail` replacing its newest entry
-- when given, and keeps the key until at least `until_` (plus an eighth of the window, so a busy
-- key is re-expired once per eighth of a window, not on every call).
local function save(st, until_, entry, tail)
  local key = st.key
  local moved = until_ > st.x
  if moved then st.x = until_ + math.floor(st.window / 8) end
  local ttl = st.x - now + tonumber(ARGV[2])
  if not st.sliding then
    redis.call('SET', key, pack(BUCKET, st.tokens, st.updated, st.x), 'PX', ttl)
    return
  end
  local head = pack(SLIDING, st.sum, st.newest, st.oldest, st.pushed, st.x, st.clock)
  if st.empty then
    if entry then redis.call('RPUSH', key, head, entry) else redis.call('RPUSH', key, head) end
    moved = true
  else
    if st.popped then redis.call('LPUSH', key, head) end
    if entry then redis.call('RPUSH', key, entry) end
    if tail then redis.call('LSET', key, -1, tail) end
    if not st.popped then redis.call('LSET', key, 0, head) end
  end
  if moved then redis.call('PEXPIRE', key, ttl) end
end
