-- settle: one key per settlement, and after ARGV[2] eight arguments per settlement: algorithm,
-- limit, windowMs, burst, seq, at, from, to. Sets the cost of a taken charge from `from` to `to`:
-- its entry, shared by the requests of its millisecond, changes by `to - from` and is removed at 0;
-- a bucket gets `from - to` tokens back. An entry no longer in its window, or holding less than
-- `from` (settled already), is left alone. { applied (0/1) per settlement }.

-- The index of entry `seq` in the list and its packed text, or nil. Entries start at `first`;
-- sequence numbers grow from there, and removals only move entries towards it.
local function find(key, first, seq)
  local len = redis.call('LLEN', key)
  if len <= first then return nil end
  local head_seq = unpack(ENTRY, redis.call('LINDEX', key, first))
  local lo, hi = first, math.min(len - 1, first + seq - head_seq)
  while lo <= hi do
    local mid = math.floor((lo + hi) / 2)
    local text = redis.call('LINDEX', key, mid)
    local s = unpack(ENTRY, text)
    if s == seq then return mid, text, len end
    if s < seq then lo = mid + 1 else hi = mid - 1 end
  end
  return nil
end

local n = #KEYS
local out = {}
for i = 1, n do
  local b = 2 + (i - 1) * 8
  local seq, at, from, to = tonumber(ARGV[b + 5]), tonumber(ARGV[b + 6]), tonumber(ARGV[b + 7]), tonumber(ARGV[b + 8])
  local st = read(KEYS[i], ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), ARGV[b + 4], true)
  local applied = 0
  if st and st.sliding then
    local decided, dirty = prepare_sliding(st)
    local first = st.popped and 0 or 1
    local found, text, len = nil, nil, 0
    if not st.empty then found, text, len = find(st.key, first, seq) end
    if found then
      local _, t, c = unpack(ENTRY, text)
      if t == at and c >= from then
        st.sum = st.sum + to - from
        if c - from + to > 0 then
          redis.call('LSET', st.key, found, pack(ENTRY, seq, at, c - from + to))
        elseif len == first + 1 then
          -- The log's only entry: the list keeps just its state (trimmed off or first).
          if st.popped then
            redis.call('DEL', st.key)
            st.empty = true
          else
            redis.call('LTRIM', st.key, 0, 0)
          end
          st.sum = 0
        else
          redis.call('LREM', st.key, 1, text)
          if found == first then st.oldest = select(2, unpack(ENTRY, redis.call('LINDEX', st.key, first))) end
        end
        dirty = true
        applied = 1
      end
    end
    if dirty then save(st, st.sum > 0 and st.newest + st.window or decided) end
  elseif st then
    local decided = prepare_bucket(st)
    st.tokens = math.min(st.burst, st.tokens + (from - to))
    applied = 1
    local missing = st.burst - st.tokens
    save(st, missing <= EPSILON and decided or decided + math.ceil((missing * st.window) / st.limit))
  end
  out[i] = applied
end
return out
