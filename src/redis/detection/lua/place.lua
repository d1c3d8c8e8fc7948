-- Places one request (see src/detect/placement.ts, which this follows rule for rule) and updates
-- the index, atomically: two replicas that see one conversation's first request at once agree.
-- KEYS[1] the record of a new session (ARGV[18], used only if one is opened); then the request's
-- chain keys, newest position first; then the index keys of its reply fingerprints.
-- Replies { 'more' } when it needs chain keys or fingerprints the caller left out (it wrote nothing).
local retry_window = tonumber(ARGV[5])
local split_resets = ARGV[6] == '1'
local threshold, window, band = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local max_candidates, fuzzy_on = tonumber(ARGV[10]), ARGV[11] == '1'
local n, lowest, first_assistant = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14])
local reset = ARGV[15] == '1'
local raw_sys, sys = ARGV[16], ARGV[17]
local new_id, roles = ARGV[18], ARGV[19]
local keys_complete, fps_complete = ARGV[20] == '1', ARGV[21] == '1'
local nk = tonumber(ARGV[22])
local key_at, fp_key_at, fp_at = {}, {}, {}
local probe = {}
for i = 1, nk do
  local p = tonumber(ARGV[22 + i])
  key_at[p] = KEYS[1 + i]
  probe[i] = p
end
local nf = tonumber(ARGV[23 + nk])
local fp_base = #base + 4
for i = 1, nf do
  local p = tonumber(ARGV[23 + nk + i])
  local key = KEYS[1 + nk + i]
  fp_key_at[p] = key
  fp_at[p] = string.sub(key, fp_base)
end

local added, longest, created = 0, 0, 0
local function grow(s, count)
  if count < 0 then count = 0 end
  set(s, 'l', s.f.l + count)
  added = added + count
  if s.f.l > longest then longest = s.f.l end
end

local function is_assistant(p)
  return string.sub(roles, p, p) == 'a'
end

local function same_system(s)
  return (raw_sys ~= '0' and raw_sys == s.f.r) or sys == s.f.y
end

local system_changed = 0
local function note_system(s)
  if same_system(s) then
    set(s, 'r', raw_sys)
    return
  end
  set(s, 'y', sys)
  set(s, 'r', raw_sys)
  system_changed = 1
end

local function placed(s, kind, branch, new_messages, similarity, previous)
  flush()
  return { 'ok', kind, s.id, branch, new_messages, string.format('%.17g', similarity), system_changed, previous or '',
    added, longest, created }
end

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
  touch(s)
  return placed(s, 'retry', branch, 0, 1)
end

local function advance(s, p, branch, fork)
  local b = branch
  if fork then
    b = s.f.B
    set(s, 'B', b + 1)
  end
  local is_split = reset and p < n and split_resets
  local up_to = is_split and n - 1 or n
  if p == n then add_key(s, key_at[n], n, b * 8) end
  for q = p + 1, up_to do
    add_key(s, key_at[q], q, b * 8)
    if is_assistant(q) then add_reply(s, fp_key_at[q], fp_at[q], window) end
  end
  set_branch(s, b, up_to)
  set(s, 'a', 1)
  grow(s, up_to - p)
  note_system(s)
  touch(s)
  if is_split then return split(s, 1) end
  local kind = 'continued'
  if reset and p < n then kind = 'reset' elseif fork then kind = 'fork' end
  return placed(s, kind, b, n - p, 1)
end

-- How well the request's replies `a` continue a session's `b`, oldest first (see fuzzy.ts).
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

-- The session the request's replies place it in, by the inverted index of reply fingerprints.
local function fuzzy_find()
  local fps, positions = {}, {}
  for q = n, first_assistant, -1 do
    if #fps >= window then break end
    if is_assistant(q) then
      table.insert(fps, 1, fp_at[q])
      table.insert(positions, 1, q)
    end
  end
  local keys = {}
  for i = #positions, 1, -1 do keys[#keys + 1] = fp_key_at[positions[i]] end
  local owners = redis.call('MGET', unpack(keys))
  local candidates = {}
  for i = 1, #owners do
    if #candidates >= max_candidates then break end
    local owner = owners[i]
    if owner and owner ~= '*' then
      local s = load(owner)
      local known = false
      for _, c in ipairs(candidates) do if c == s then known = true end end
      if s and not known then candidates[#candidates + 1] = s end
    end
  end
  for _, s in ipairs(candidates) do
    local sim, anchor = similarity(fps, ordered_replies(s, window))
    if sim >= threshold then return s, sim, anchor, fps, positions end
  end
  return nil
end

local function fuzzy_place(s, sim, anchor, fps, positions)
  for k = anchor + 1, #fps do add_reply(s, fp_key_at[positions[k]], fps[k], window) end
  local is_split = reset and split_resets
  local up_to = is_split and n - 1 or n
  local branch = s.f.b
  if up_to >= 1 then add_key(s, key_at[up_to], up_to, branch * 8) end
  set_branch(s, branch, up_to)
  set(s, 'a', 1)
  grow(s, up_to - positions[anchor])
  note_system(s)
  touch(s)
  if is_split then return split(s, sim) end
  return placed(s, reset and 'reset' or 'fuzzy', branch, n - positions[anchor], sim)
end

-- Fuzzy matching, when the caller sent every fingerprint it needs; nil when it is off or found nothing.
local function try_fuzzy()
  if not fuzzy_on or first_assistant == 0 then return nil end
  if not fps_complete then return { 'more' } end
  local s, sim, anchor, fps, positions = fuzzy_find()
  if s then return fuzzy_place(s, sim, anchor, fps, positions) end
  return nil
end

local function has_reply_after(p)
  for q = p + 1, n do if is_assistant(q) then return true end end
  return false
end

local chain_keys = {}
for i = 1, nk do chain_keys[i] = KEYS[1 + i] end
local entries = redis.call('MGET', unpack(chain_keys))
-- What the probe read, so that indexing a key it found absent needs no second read.
for i = 1, nk do known[chain_keys[i]] = entries[i] end
local broke = false
for i = 1, nk do
  local p = probe[i]
  local v = entries[i]
  if v then
    local id, pos, tag = string.match(v, '^(%S+) (%d+) (%d+)$')
    pos, tag = tonumber(pos), tonumber(tag)
    local s = pos == p and load(id)
    if s then
      local branch = math.floor(tag / 8)
      if has(tag, OPENING) then
        -- An opening identifies nobody: identical openings of different users hash alike.
        if p == n then
          if s.f.a == 1 or not same_system(s) or now - s.f.e > retry_window then return open(OPENING) end
          return retry(s, branch)
        end
        -- Its answer, echoed back, places the request only if one session sent that opening.
        if not is_assistant(p + 1) then broke = true break end
      end
      if has(tag, SHARED) then broke = true break end
      local tip = tip_of(s, branch)
      if p == n and not has(tag, REPLY) and p == tip then return retry(s, branch) end
      if p >= tip then return advance(s, p, branch, false) end
      -- Behind the tip: replies after the hit are an edited history carried on (fuzzy decides).
      if has_reply_after(p) then
        local found = try_fuzzy()
        if found then return found end
      end
      return advance(s, p, branch, true)
    end
  end
end
if not broke and not keys_complete then return { 'more' } end
local found = try_fuzzy()
if found then return found end
return open(OPENING)
