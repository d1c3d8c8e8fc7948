-- Detection prelude: the scripts of the detection index start with it (scripts/gen-detection-lua.mjs).
-- Each `--@ <name>` section below defines one function; a script gets the lines before the first
-- section and only the sections it calls (directly or through another section): every function
-- is created again on every call, so one a script never calls is pure cost.
-- Every key of one tenant shares the hash tag `{<prefix>:d:<tenant tag>}` (`base`, read from
-- KEYS[1]), so a call touches one Cluster slot. Under it:
--   <base>:s:<session id>   hash: the session's record (fields below)
--   <base>:k:<chain key>    string "<session id> <position> <tag>": a prefix hash of a request
--   <base>:r:<fingerprint>  string: the session that produced this reply, or "*" when several did
-- Record fields: e last seen (ms), a answered (0/1), b current branch, B branches made, t tip of
-- the current branch, T<branch> tip of each branch, l messages seen, y system prompt fingerprint
-- (volatile parts blanked), r the same as sent, f<i> ring of reply fingerprints, fh its head,
-- fn its length. Every key lives idleMs (+ grace) after its last write; a record last seen idleMs
-- ago by the caller's clock is dead even before Redis drops it.
-- ARGV[1] now (ms), ARGV[2] idleMs, ARGV[3] idleMs + grace.
local now = tonumber(ARGV[1])
local idle = tonumber(ARGV[2])
local px = ARGV[3]
local base = string.match(KEYS[1], '^{[^}]*}')

-- Tag bits of a chain entry; the branch is tag / 8.
local OPENING, SHARED, REPLY = 1, 2, 4

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
  local v = redis.call('HMGET', key, 'e', 'a', 'b', 'B', 't', 'l', 'y', 'r', 'fh', 'fn')
  if not v[1] or now - tonumber(v[1]) >= idle then
    sessions[id] = false
    return nil
  end
  s = { id = id, key = key, dirty = {}, f = {
    e = tonumber(v[1]), a = tonumber(v[2]), b = tonumber(v[3]), B = tonumber(v[4]), t = tonumber(v[5]),
    l = tonumber(v[6]), y = v[7], r = v[8], fh = tonumber(v[9]), fn = tonumber(v[10]) } }
  sessions[id] = s
  return s
end

--@ set
local function set(s, field, value)
  s.f[field] = value
  s.dirty[field] = value
end

--@ create
-- A fresh record for `id` (its key declared by the caller), branch 0 of 1, nothing seen.
local function create(id, key)
  redis.call('DEL', key)
  local f = { e = now, a = 0, b = 0, B = 1, t = 0, l = 0, y = '0', r = '0', fh = 0, fn = 0 }
  local dirty = {}
  for field, value in pairs(f) do dirty[field] = value end
  local s = { id = id, key = key, dirty = dirty, f = f }
  sessions[id] = s
  return s
end

--@ flush
-- Writes every changed field of every record touched, and renews their expiry.
local function flush()
  for _, s in pairs(sessions) do
    if s then
      local args, i = {}, 0
      for field, value in pairs(s.dirty) do
        args[i + 1] = field
        args[i + 2] = value
        i = i + 2
      end
      if i > 0 then redis.call('HSET', s.key, unpack(args)) end
      redis.call('PEXPIRE', s.key, px)
    end
  end
end

--@ tip_of
-- Tip (last request's position) of `branch` of `s`.
local function tip_of(s, branch)
  if branch == s.f.b then return s.f.t end
  return tonumber(redis.call('HGET', s.key, 'T' .. branch)) or 0
end

--@ set_branch
local function set_branch(s, branch, tip)
  set(s, 'b', branch)
  set(s, 't', tip)
  set(s, 'T' .. branch, tip)
end

--@ add_key
-- Points chain key `key` at `s` (a key another live session holds becomes SHARED: it identifies
-- neither). Returns false when `s` already had it (its position and tag are updated).
local function add_key(s, key, pos, tag)
  local v = known[key]
  if v == nil then v = redis.call('GET', key) end
  local mine = true
  if v then
    local owner = string.match(v, '^(%S+)')
    if owner == s.id then
      mine = false
    elseif load(owner) and not has(tag, SHARED) then
      tag = tag + SHARED
    end
  end
  v = s.id .. ' ' .. pos .. ' ' .. tag
  known[key] = v
  redis.call('SET', key, v, 'PX', px)
  return mine
end

--@ ring
-- `s`'s ring of reply fingerprints as stored (read once per call).
local function ring(s)
  if s.ring then return s.ring end
  local r = {}
  if s.f.fn > 0 then
    local names = {}
    for i = 0, s.f.fn - 1 do names[i + 1] = 'f' .. i end
    local v = redis.call('HMGET', s.key, unpack(names))
    for i = 1, #v do r[i - 1] = v[i] end
  end
  s.ring = r
  return r
end

--@ add_reply
-- Records reply `fp` (its index key `key` declared) as produced by `s`; a fingerprint two
-- sessions produced identifies neither. `window` fingerprints are kept per session; one that falls
-- out of the ring expires with its key.
local function add_reply(s, key, fp, window)
  local r = ring(s)
  local n = s.f.fn
  local head = s.f.fh
  if n > 0 and r[(head + n - 1) % n] == fp then return end
  local owner = redis.call('GET', key)
  if owner and owner ~= s.id then owner = '*' else owner = s.id end
  redis.call('SET', key, owner, 'PX', px)
  if n < window then
    r[n] = fp
    set(s, 'f' .. n, fp)
    set(s, 'fn', n + 1)
    return
  end
  r[head] = fp
  set(s, 'f' .. head, fp)
  set(s, 'fh', (head + 1) % window)
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
