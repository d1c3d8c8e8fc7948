-- consume: ARGV[3] the number of charges, then six per charge: rule, algorithm ('s' sliding window,
-- 'b' token bucket), limit, windowMs, burst, cost. Checks every charge, then takes all or none.
-- { taken, then per charge: fits, at, remaining, resetAt, retryAfterMs, seq }.
local n = tonumber(ARGV[3])
local hash_x = {}
local charges = {}
local all = true
for i = 1, n do
  local b = 3 + (i - 1) * 6
  local c = {
    hash = KEYS[2 * i - 1], list = KEYS[2 * i], rule = ARGV[b + 1], algorithm = ARGV[b + 2],
    limit = tonumber(ARGV[b + 3]), window = tonumber(ARGV[b + 4]), burst = tonumber(ARGV[b + 5]),
    cost = tonumber(ARGV[b + 6]),
  }
  local raw = redis.call('HMGET', c.hash, c.rule, '_x')
  hash_keep(hash_x, c.hash, raw[2])
  c.st = load(raw[1], c.algorithm, c.burst, c.list)
  if c.algorithm == 's' then
    c.at = prepare_sliding(c.st, c.list, c.window)
    c.fits = c.st.sum + c.cost <= c.limit
  else
    c.at = prepare_bucket(c.st, c.limit, c.window, c.burst)
    c.fits = c.st.tokens >= c.cost - EPSILON
  end
  if not c.fits then all = false end
  charges[i] = c
end

local out = { all and 1 or 0 }
for i = 1, n do
  local c = charges[i]
  local st = c.st
  local seq, remaining, reset_at, retry = 0, 0, 0, 0
  if c.algorithm == 's' then
    if all and c.cost > 0 then
      st.pushed = st.pushed + 1
      seq = st.pushed
      redis.call('RPUSH', c.list, int(seq) .. ' ' .. int(c.at) .. ' ' .. int(c.cost))
      if st.sum == 0 then st.oldest = c.at end
      st.sum = st.sum + c.cost
      st.newest = c.at
      st.clock = c.at
      st.dirty = true
    end
    remaining = math.max(0, c.limit - st.sum)
    reset_at = st.sum > 0 and st.newest + c.window or c.at
    if not c.fits then retry = retry_after(st, c.list, st.sum + c.cost - c.limit, c.window, c.at) end
  else
    if all then st.tokens = st.tokens - c.cost end
    remaining = math.max(0, math.floor(st.tokens + EPSILON))
    local missing = c.burst - st.tokens
    reset_at = missing <= EPSILON and c.at or c.at + math.ceil((missing * c.window) / c.limit)
    if not c.fits then retry = math.ceil(((c.cost - st.tokens) * c.window) / c.limit) end
  end
  if st.dirty then save(c.hash, c.list, c.rule, st, c.algorithm, reset_at, c.window, hash_x) end
  -- Numbers, not text: every figure is a whole number, and Redis replies with it as an integer.
  local o = 2 + (i - 1) * 6
  out[o] = c.fits and 1 or 0
  out[o + 1] = c.at
  out[o + 2] = remaining
  out[o + 3] = reset_at
  out[o + 4] = retry
  out[o + 5] = seq
end
return out
