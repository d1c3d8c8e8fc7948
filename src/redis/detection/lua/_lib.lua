-- Detection prelude: the scripts of the detection index start with it (scripts/gen-detection-lua.mjs).
-- Each `--@ <name>` section below defines one function; a script gets the lines before the first
-- section and only the sections it calls (directly or through another section): every function
-- is created again on every call, so one a script never calls is pure cost.
-- Every key of one tenant shares the hash tag `{<prefix>:d:<tenant tag>}` (`base`, read from
-- KEYS[1]), so a call touches one Cluster slot. Under it:
--   <base>:s:<session id>   string: the session's record (below)
--   <base>:k:<chain key>    string: a prefix hash of a request, struct CHAIN (position and tag,
--                           three bytes each: 28 bytes with the id, which Redis keeps in a 48-byte
--                           allocation where 30 took 64; a session past 2^21 branches wraps)
--                           then the session id
--   <base>:r:<fingerprint>  string: the session that produced this reply, or "*" when several did
-- A record is one binary string, read with one GET and written with one SET (a hash took an HMGET,
-- an HSET and a PEXPIRE, and formatting numbers as text cost more than the commands): struct
-- RECORD (e last seen in ms, a answered 0/1, b current branch, B branches made, t tip of the
-- current branch, l messages seen, y system prompt fingerprint with volatile parts blanked, r the
-- same as sent, fh and fn head and length of the ring of reply fingerprints), then the ring (fn
-- fingerprints of FP characters, by slot), then the tips of other branches (struct "<II": branch,
-- tip; the last MAX_TIPS left). Every key lives idleMs (+ grace) after its last write; a record
-- last seen idleMs ago by the caller's clock is dead even before Redis drops it.
-- ARGV[1] now (ms), ARGV[2] idleMs, ARGV[3] idleMs + grace.
local now = tonumber(ARGV[1])
local idle = tonumber(ARGV[2])
local px = ARGV[3]
local base = string.match(KEYS[1], '^{[^}]*}')

-- Tag bits of a chain entry; the branch is tag / 8.
local OPENING, SHARED, REPLY = 1, 2, 4
local RECORD, CHAIN, FP = '<dBIIIIIIHH', '<I3I3', 22

-- Records read or made by this call, by session id (false: dead or absent).
local sessions = {}
-- Chain keys whose value this call has read (false: absent).
local known = {}

--@ has
local function has(tag, bit)
  return math.floor(tag / bit) % 2 == 1
end

--@ load
-- The live record of session `id` (cached for the call), or nil.
local function load(id)
  local s = sessions[id]
  if s ~= nil then return s or nil end
  local key = base .. ':s:' .. id
  local v = redis.call('GET', key)
  if not v then
    sessions[id] = false
    return nil
  end
  -- `at`: where the ring starts.
  local e, a, b, B, t, l, y, r, fh, fn, at = struct.unpack(RECORD, v)
  if now - e >= idle then
    sessions[id] = false
    return nil
  end
  local tips_at = at + fn * FP
  s = { id = id, key = key, replies = string.sub(v, at, tips_at - 1),
    tips = string.sub(v, tips_at),
    f = { e = e, a = a, b = b, B = B, t = t, l = l, y = y, r = r, fh = fh, fn = fn } }
  sessions[id] = s
  return s
end

--@ set
local function set(s, field, value)
  s.f[field] = value
  s.dirty = true
end

--@ create
-- A fresh record for `id` (its key declared by the caller), branch 0 of 1, nothing seen.
local function create(id, key)
  local s = { id = id, key = key, dirty = true, replies = '', tips = '', f = {
    e = now, a = 0, b = 0, B = 1, t = 0, l = 0, y = 0, r = 0, fh = 0, fn = 0 } }
  sessions[id] = s
  return s
end

--@ flush
-- Writes every record this call changed, with its expiry, in one SET each.
local function flush()
  for _, s in pairs(sessions) do
    if s and s.dirty then
      local f = s.f
      local replies = s.ring and table.concat(s.ring, '', 0, f.fn - 1) or s.replies
      local v = struct.pack(RECORD, f.e, f.a, f.b, f.B, f.t, f.l, f.y, f.r, f.fh, f.fn)
      redis.call('SET', s.key, v .. replies .. s.tips, 'PX', px)
    end
  end
end

--@ tip_of
-- Tip (last request's position) of `branch` of `s`: 0 for a branch past the last MAX_TIPS.
local function tip_of(s, branch)
  if branch == s.f.b then return s.f.t end
  for i = 1, #s.tips, 8 do
    local b, tip = struct.unpack('<II', s.tips, i)
    if b == branch then return tip end
  end
  return 0
end

--@ set_branch
-- Makes `branch` current at `tip`, keeping the tip of the branch it leaves.
local MAX_TIPS = 32
local function set_branch(s, branch, tip)
  local f = s.f
  if branch ~= f.b then
    local kept = {}
    for i = 1, #s.tips, 8 do
      if struct.unpack('<I', s.tips, i) ~= branch then kept[#kept + 1] = string.sub(s.tips, i, i + 7) end
    end
    kept[#kept + 1] = struct.pack('<II', f.b, f.t)
    s.tips = table.concat(kept, '', math.max(1, #kept - MAX_TIPS + 1))
    f.b = branch
  end
  f.t = tip
  s.dirty = true
end

--@ add_key
-- Points chain key `key` at `s` (a key another live session holds becomes SHARED: it identifies
-- neither). Returns false when `s` already had it (its position and tag are updated).
local function add_key(s, key, pos, tag)
  local v = known[key]
  if v == nil then v = redis.call('GET', key) end
  local mine = true
  if v then
    local owner = string.sub(v, 7)
    if owner == s.id then
      mine = false
    elseif load(owner) and not has(tag, SHARED) then
      tag = tag + SHARED
    end
  end
  v = struct.pack(CHAIN, pos, tag) .. s.id
  known[key] = v
  redis.call('SET', key, v, 'PX', px)
  return mine
end

--@ ring
-- `s`'s ring of reply fingerprints, by slot from 0 (parsed once per call).
local function ring(s)
  if s.ring then return s.ring end
  local r = {}
  for i = 0, s.f.fn - 1 do r[i] = string.sub(s.replies, i * FP + 1, i * FP + FP) end
  s.ring = r
  return r
end

--@ add_reply
-- Records reply `fp` (its index key `key` declared) as produced by `s`; a fingerprint two
-- sessions produced identifies neither. `window` fingerprints are kept per session; one that falls
-- out of the ring expires with its key.
local function add_reply(s, key, fp, window)
  local r = ring(s)
  local f = s.f
  local n = f.fn
  local head = f.fh
  if n > 0 and r[(head + n - 1) % n] == fp then return end
  local owner = redis.call('GET', key)
  if owner and owner ~= s.id then owner = '*' else owner = s.id end
  redis.call('SET', key, owner, 'PX', px)
  s.dirty = true
  if n < window then
    r[n] = fp
    f.fn = n + 1
    return
  end
  r[head] = fp
  f.fh = (head + 1) % window
end

--@ ordered_replies
-- `s`'s reply fingerprints, oldest first.
local function ordered_replies(s, window)
  local r = ring(s)
  local n = s.f.fn
  local head = s.f.fh
  local out = {}
  if n < window or head == 0 then
    for i = 0, n - 1 do out[#out + 1] = r[i] end
  else
    for i = head, window - 1 do out[#out + 1] = r[i] end
    for i = 0, head - 1 do out[#out + 1] = r[i] end
  end
  return out
end
