-- Places one request (see src/detect/placement.ts, which this follows rule for rule) and updates
-- the index, atomically: two replicas that see one conversation's first request at once agree.
-- KEYS[1] the record of a new session (used only if one is opened; the id is its last part); then
-- the request's chain keys, newest position first; then the index keys of the fingerprints of its
-- assistant messages, newest first: every one at or above the lowest probed position, and more
-- down to the fuzzy window. ARGV[4] the rules "<retry window> <split resets: 0/1> <fuzzy
-- threshold> <window> <band> <candidates>" (the last four absent when fuzzy matching is off),
-- ARGV[5] the request "<messages> <lowest probed position> <first assistant position> <reset:
-- 0/1> <system fingerprint as sent> <blanked>", ARGV[6] one role per position (`a` assistant,
-- `o` other), ARGV[7...] the chain keys' positions, one per chain key. Replies one string of
-- fields separated by spaces (a client decodes it for less than an array of ten): kind, session id,
-- branch, new messages, similarity, system changed (0/1), previous session id (empty when none),
-- messages added, the longest session's length, created (0/1).
-- The common request (a hit at or after its branch's tip) runs only the functions defined first,
-- and never parses the rules; forks, fuzzy matching and split resets define theirs when they happen.
local n, lowest, first_assistant, reset, raw_sys, sys =
  string.match(ARGV[5], '^(%d+) (%d+) (%d+) ([01]) (%d+) (%d+)$')
n, lowest, first_assistant, reset = tonumber(n), tonumber(lowest), tonumber(first_assistant), reset == '1'
raw_sys, sys = tonumber(raw_sys), tonumber(sys)
local roles = ARGV[6]
local new_id = string.sub(KEYS[1], #base + 4)

local retry_window, split_resets, threshold, window, band, max_candidates, fuzzy_on
-- Reads the rules (ARGV[4]) when a path first needs them; `window` is the number of reply
-- fingerprints kept per session (one when fuzzy matching is off).
local function rules()
  if retry_window then return end
  retry_window, split_resets, threshold, window, band, max_candidates =
    string.match(ARGV[4], '^(%d+) ([01]) ?(%S*) ?(%d*) ?(%d*) ?(%d*)$')
  retry_window, split_resets, window = tonumber(retry_window), split_resets == '1', tonumber(window) or 1
  fuzzy_on = threshold ~= ''
end

-- Chain keys by position, in probe order.
local key_at, probe, nk = {}, {}, #ARGV - 6
for i = 1, nk do
  local p = tonumber(ARGV[6 + i])
  key_at[p] = KEYS[1 + i]
  probe[i] = p
end
-- The index key of the fingerprint of the assistant message at `q` (nil when the caller sent none:
-- older than the lowest probed position and the fuzzy window), matched with KEYS on first use:
-- the common request needs none.
local fp_key_at
local function fp_key(q)
  if not fp_key_at then
    rules()
    fp_key_at = {}
    local next_fp, replies = 2 + nk, 0
    for r = n, math.max(1, first_assistant), -1 do
      if string.byte(roles, r) == 97 then
        replies = replies + 1
        if r < lowest and (not fuzzy_on or replies > window) then break end
        fp_key_at[r] = KEYS[next_fp]
        next_fp = next_fp + 1
      end
    end
  end
  return fp_key_at[q]
end
local fp_base = #base + 4

local added, longest, created = 0, 0, 0
local function grow(s, count)
  if count < 0 then count = 0 end
  local l = s.f.l + count
  set(s, 'l', l)
  added = added + count
  if l > longest then longest = l end
end

local function same_system(s)
  return (raw_sys ~= 0 and raw_sys == s.f.r) or sys == s.f.y
end

local system_changed = 0
-- Notes the request's system prompt in `s`, and that `s` was seen now.
local function note_system(s)
  if not same_system(s) then
    set(s, 'y', sys)
    system_changed = 1
  end
  set(s, 'r', raw_sys)
  set(s, 'e', now)
end

local function placed(s, kind, branch, new_messages, similarity, previous)
  flush()
  if similarity ~= 0 and similarity ~= 1 then similarity = string.format('%.17g', similarity) end
  return table.concat({ kind, s.id, branch, new_messages, similarity, system_changed, previous or '', added,
    longest, created }, ' ')
end

-- A new session (KEYS[1]) takes the request.
local function open(flags)
  local s = create(new_id, KEYS[1])
  created = 1
  set(s, 'y', sys)
  set(s, 'r', raw_sys)
  set_branch(s, 0, n)
  grow(s, n)
  add_key(s, key_at[n], n, flags)
  return placed(s, first_assistant == 0 and 'new' or 'fragmented', 0, n, 0)
end

-- A reset in split mode: a new session takes the request (not an opening: its prefix holds the
-- old session's replies).
local function split(from, similarity)
  local r = create(new_id, KEYS[1])
  created = 1
  set(r, 'y', from.f.y)
  set(r, 'r', from.f.r)
  set_branch(r, 0, n)
  grow(r, 1)
  add_key(r, key_at[n], n, 0)
  return placed(r, 'reset', 0, 1, similarity, from.id)
end

local function retry(s, branch)
  if branch ~= s.f.b then set_branch(s, branch, tip_of(s, branch)) end
  note_system(s)
  return placed(s, 'retry', branch, 0, 1)
end

local function advance(s, p, branch, fork)
  local b = branch
  if fork then
    b = s.f.B
    set(s, 'B', b + 1)
  end
  if reset then rules() end
  local is_split = reset and p < n and split_resets
  local up_to = is_split and n - 1 or n
  if p == n then add_key(s, key_at[n], n, b * 8) end
  -- The states a later request may probe (the ones the caller hashed), and every reply.
  for q = p + 1, up_to do
    if key_at[q] then add_key(s, key_at[q], q, b * 8) end
    local key = string.byte(roles, q) == 97 and fp_key(q)
    if key then add_reply(s, key, string.sub(key, fp_base), window) end
  end
  set_branch(s, b, up_to)
  set(s, 'a', 1)
  grow(s, up_to - p)
  note_system(s)
  if is_split then return split(s, 1) end
  local kind = 'continued'
  if reset and p < n then kind = 'reset' elseif fork then kind = 'fork' end
  return placed(s, kind, b, n - p, 1)
end

-- Fuzzy matching (see src/detect/fuzzy.ts); nil when it is off or finds nothing.
local function try_fuzzy()
  rules()
  if not fuzzy_on or first_assistant == 0 then return nil end
  threshold, band, max_candidates = tonumber(threshold), tonumber(band), tonumber(max_candidates)

  -- How well the request's replies `a` continue a session's `b`, oldest first.
  local function similarity(a, b)
    local ia, jb = #a, 0
    while ia >= 1 do
      for j = #b, 1, -1 do
        if b[j] == a[ia] then jb = j break end
      end
      if jb > 0 then break end
      ia = ia - 1
    end
    if ia < 1 then return 0, 0 end
    local m = jb
    local len = math.min(ia, m, window)
    local inf = 1e9
    local prev, cur = {}, {}
    for l = 0, m do prev[l] = 0 end
    for k = 1, len do
      local xk = a[ia - k + 1]
      local lo, hi = math.max(0, k - band - 1), math.min(m, k + band)
      for l = 0, m do cur[l] = inf end
      for l = lo, hi do
        local best = prev[l] + 1
        if l > 0 then
          if xk == b[jb - l + 1] then best = math.min(best, prev[l - 1]) end
          best = math.min(best, cur[l - 1])
        end
        cur[l] = best
      end
      prev, cur = cur, prev
    end
    local d = inf
    for l = 0, m do d = math.min(d, prev[l]) end
    return math.max(0, 1 - d / len), ia
  end

  -- The request's last `window` replies, oldest first, and the candidates their index keys name.
  local fps, positions, keys = {}, {}, {}
  for q = n, first_assistant, -1 do
    if #fps >= window then break end
    local key = string.byte(roles, q) == 97 and fp_key(q)
    if key then
      table.insert(fps, 1, string.sub(key, fp_base))
      table.insert(positions, 1, q)
      keys[#keys + 1] = key
    end
  end
  if #keys == 0 then return nil end
  local owners = redis.call('MGET', unpack(keys))
  local candidates = {}
  for i = 1, #owners do
    if #candidates >= max_candidates then break end
    local owner = owners[i]
    if owner and owner ~= '*' then
      local s = load(owner)
      local seen = false
      for _, c in ipairs(candidates) do if c == s then seen = true end end
      if s and not seen then candidates[#candidates + 1] = s end
    end
  end
  for _, s in ipairs(candidates) do
    local sim, anchor = similarity(fps, ordered_replies(s, window))
    if sim >= threshold then
      for k = anchor + 1, #fps do add_reply(s, fp_key(positions[k]), fps[k], window) end
      local is_split = reset and split_resets
      local up_to = is_split and n - 1 or n
      local branch = s.f.b
      if up_to >= 1 then add_key(s, key_at[up_to], up_to, branch * 8) end
      set_branch(s, branch, up_to)
      set(s, 'a', 1)
      grow(s, up_to - positions[anchor])
      note_system(s)
      if is_split then return split(s, sim) end
      return placed(s, reset and 'reset' or 'fuzzy', branch, n - positions[anchor], sim)
    end
  end
  return nil
end

local chain_keys = {}
for i = 1, nk do chain_keys[i] = KEYS[1 + i] end
local entries = redis.call('MGET', unpack(chain_keys))
-- What the probe read, so that indexing a key it found absent needs no second read.
for i = 1, nk do known[chain_keys[i]] = entries[i] end
for i = 1, nk do
  local p = probe[i]
  local v = entries[i]
  if v then
    local pos, tag = struct.unpack(CHAIN, v)
    local s = pos == p and load(string.sub(v, 7))
    if s then
      local branch = math.floor(tag / 8)
      if has(tag, OPENING) then
        -- An opening identifies nobody: identical openings of different users hash alike.
        if p == n then
          rules()
          if s.f.a == 1 or not same_system(s) or now - s.f.e > retry_window then return open(OPENING) end
          return retry(s, branch)
        end
        -- Its answer, echoed back, places the request only if one session sent that opening.
        if string.byte(roles, p + 1) ~= 97 then break end
      end
      if has(tag, SHARED) then break end
      local tip = tip_of(s, branch)
      if p == n and not has(tag, REPLY) and p == tip then return retry(s, branch) end
      if p >= tip then return advance(s, p, branch, false) end
      -- Behind the tip: replies after the hit are an edited history carried on (fuzzy decides).
      if string.find(roles, 'a', p + 1, true) then
        local found = try_fuzzy()
        if found then return found end
      end
      return advance(s, p, branch, true)
    end
  end
end
return try_fuzzy() or open(OPENING)
