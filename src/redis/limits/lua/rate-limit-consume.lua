-- consume: one key per charge, and after ARGV[2] five arguments per charge: algorithm ('s' sliding
-- window, 'b' token bucket), limit, windowMs, burst, cost. Checks every charge, then takes all or
-- none (taken when every charge fits). Replies four whole numbers per charge, in one string
-- separated by spaces (a client decodes one bulk string for less than an array), each as short as
-- it comes: `seq` when it fits (0 for a bucket or a cost of 0), else `-retryAfterMs` (never 0: a
-- refused charge waits at least 1 ms); `at - now`; `remaining`; `resetAt - at`.
local RETRY_SCAN = 1024

-- How long until `needed` more cost has left the window; past RETRY_SCAN entries, until the whole
-- log has (an upper bound). Entries start at index 1, or 0 once the state was trimmed off.
local function retry_after(st, needed, at)
  local first = st.popped and 0 or 1
  local freed = 0
  local seen = 0
  while seen < RETRY_SCAN do
    local batch = redis.call('LRANGE', st.key, first + seen, first + seen + 63)
    for i = 1, #batch do
      local _, t, c = unpack(ENTRY, batch[i])
      freed = freed + c
      if freed >= needed then return t + st.window - at end
    end
    seen = seen + #batch
    if #batch < 64 then break end
  end
  return st.newest + st.window - at
end

local n = #KEYS
local charges = {}
local all = true
for i = 1, n do
  local b = 2 + (i - 1) * 5
  local st = read(KEYS[i], ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), ARGV[b + 4])
  local cost = tonumber(ARGV[b + 5])
  st.cost = cost
  if st.sliding then
    st.at, st.dirty = prepare_sliding(st)
    st.fits = st.sum + cost <= st.limit
  else
    st.at = prepare_bucket(st)
    st.fits = st.tokens >= cost - EPSILON
  end
  if not st.fits then all = false end
  charges[i] = st
end

local out = {}
for i = 1, n do
  local st = charges[i]
  local cost, at, window = st.cost, st.at, st.window
  local seq, remaining, reset_at, retry = 0, 0, 0, 0
  if st.sliding then
    local entry, tail
    if all and cost > 0 then
      -- Requests of one millisecond share an entry: the newest, when it was taken at `at`.
      local last = st.sum > 0 and st.newest == at and redis.call('LINDEX', st.key, -1)
      local last_seq, last_at, last_cost
      if last then last_seq, last_at, last_cost = unpack(ENTRY, last) end
      if last_at == at then
        seq = last_seq
        tail = pack(ENTRY, seq, at, last_cost + cost)
      else
        st.pushed = st.pushed + 1
        seq = st.pushed
        entry = pack(ENTRY, seq, at, cost)
        if st.sum == 0 then st.oldest = at end
      end
      st.sum = st.sum + cost
      st.newest = at
      st.clock = at
      st.dirty = true
    end
    remaining = math.max(0, st.limit - st.sum)
    reset_at = st.sum > 0 and st.newest + window or at
    if not st.fits then retry = retry_after(st, st.sum + cost - st.limit, at) end
    if st.dirty then save(st, reset_at, entry, tail) end
  else
    if all then st.tokens = st.tokens - cost end
    remaining = math.max(0, math.floor(st.tokens + EPSILON))
    local missing = st.burst - st.tokens
    reset_at = missing <= EPSILON and at or at + math.ceil((missing * window) / st.limit)
    if not st.fits then retry = math.ceil(((cost - st.tokens) * window) / st.limit) end
    save(st, reset_at)
  end
  -- Every figure is a whole number: %d writes it whole (as an integer reply would), never as 1e+15.
  out[i] = string.format('%d %d %d %d', st.fits and seq or -retry, at - now, remaining, reset_at - at)
end
return table.concat(out, ' ')
