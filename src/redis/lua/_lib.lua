-- Shared prelude, prepended to every script by scripts/gen-lua.mjs.
-- Layout: KEYS[1] is the record's header hash `{prefix:id}`; each part lives at `{prefix:id}:<part>`,
-- a list's idempotency keys at `<part key>#k` (key -> "first:last") and `<part key>#o` (their order).
-- Header fields: `c` createdAt, `e` expiresAt, `d:<name>` header facts (JSON), and per part
-- `k:<part>` kind (v, l, m), `x:<part>` own expiry, `v:<part>` version, `s:<part>` last list seq.
-- ARGV[1] is the caller's clock (`now`, epoch ms) and ARGV[2] how long keys outlive their logical
-- expiry in Redis (grace ms), so a store on a manual or skewed clock never loses a live record.
local header = KEYS[1]
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])

-- The record's expiresAt when it is live by the caller's clock, else nil.
local function live_until()
  local e = redis.call('HGET', header, 'e')
  if not e then return nil end
  e = tonumber(e)
  if e <= now then return nil end
  return e
end

local function part_key(part)
  return header .. ':' .. part
end

-- Milliseconds a key should live in Redis when it expires logically at `at`.
local function physical_ttl(at)
  local t = at - now
  if t < 0 then t = 0 end
  return math.floor(t + grace)
end

-- The part's kind, whether it holds data now (its own expiry, if any, still ahead), that expiry,
-- and its version (a value's or a map's; 0 for a list or a missing part).
local function part_state(part)
  local fields = redis.call('HMGET', header, 'k:' .. part, 'x:' .. part, 'v:' .. part)
  local kind = fields[1]
  if not kind then return false, false, nil, 0 end
  local x = fields[2] and tonumber(fields[2])
  local version = tonumber(fields[3]) or 0
  if x and x <= now then return kind, false, x, version end
  return kind, true, x, version
end

-- Removes what is left of a part whose own expiry passed, so a write starts from empty.
local function clear_part(part)
  local key = part_key(part)
  redis.call('DEL', key, key .. '#k', key .. '#o')
  redis.call('HDEL', header, 'k:' .. part, 'x:' .. part, 'v:' .. part)
end

-- Opens a write of kind `want` (v, l, m) to `part`; a part whose own expiry passed is cleared first.
-- Returns the reply to give back at once ({ 'missing' } or { 'kind', kind }), or nil, the record's
-- expiresAt, whether the part exists (false when new), its own expiry and its version (0 when new).
local function open_write(part, want)
  local record_expires_at = live_until()
  if not record_expires_at then return { 'missing' } end
  local kind, present, x, version = part_state(part)
  if not present then
    if kind then clear_part(part) end
    return nil, record_expires_at, false, nil, 0
  end
  if kind ~= want then return { 'kind', kind } end
  return nil, record_expires_at, true, x, version
end

-- Opens a read of list `part` at KEYS[2]. Returns the reply to give back at once (nothing stored:
-- { 0, lastSeq, 0 }, the list's seq counter outliving its entries; { 'kind', kind }), or nil, the
-- list's length and its last seq.
local function open_list(part)
  if not live_until() then return { 0, 0, 0 } end
  local kind, present = part_state(part)
  local last = tonumber(redis.call('HGET', header, 's:' .. part) or '0')
  if not present then return { 0, last, 0 } end
  if kind ~= 'l' then return { 'kind', kind } end
  return nil, redis.call('LLEN', KEYS[2]), last
end

-- Every part name the header knows (also lists that were deleted but keep their seq counter).
local function part_names()
  local names, seen = {}, {}
  local fields = redis.call('HKEYS', header)
  for i = 1, #fields do
    local f = fields[i]
    local tag = string.sub(f, 1, 2)
    if tag == 'k:' or tag == 's:' then
      local part = string.sub(f, 3)
      if not seen[part] then
        seen[part] = true
        names[#names + 1] = part
      end
    end
  end
  return names
end

-- Deletes the header and every key of the record.
local function purge()
  local names = part_names()
  for i = 1, #names do
    local key = part_key(names[i])
    redis.call('DEL', key, key .. '#k', key .. '#o')
  end
  redis.call('DEL', header)
end

-- Sets the Redis expiry of one part's keys (a list's idempotency keys too).
local function expire_keys(part, kind, ttl)
  local key = part_key(part)
  redis.call('PEXPIRE', key, ttl)
  if kind == 'l' then
    redis.call('PEXPIRE', key .. '#k', ttl)
    redis.call('PEXPIRE', key .. '#o', ttl)
  end
end

-- Redis-side lifetime. The header's TTL is the record's horizon, shared by every part key without
-- an earlier own expiry. It is pushed out in steps (what is needed plus an eighth), so most calls
-- that move the expiry change one field and leave every TTL alone; keys outlive their logical
-- expiry by at most the grace plus that step, and reads never see them after it.
local function set_horizon(ttl)
  redis.call('PEXPIRE', header, ttl + math.floor(ttl / 8))
end

-- Moves the record's expiry; when the horizon falls short, pushes it and every part key out.
local function move_expiry(expires_at)
  redis.call('HSET', header, 'e', expires_at)
  local e = tonumber(expires_at)
  local need = physical_ttl(e)
  if redis.call('PTTL', header) >= need then return end
  set_horizon(need)
  local horizon = redis.call('PTTL', header)
  local all = redis.call('HGETALL', header)
  local kinds, own = {}, {}
  for i = 1, #all, 2 do
    local tag = string.sub(all[i], 1, 2)
    if tag == 'k:' then
      kinds[string.sub(all[i], 3)] = all[i + 1]
    elseif tag == 'x:' then
      own[string.sub(all[i], 3)] = tonumber(all[i + 1])
    end
  end
  for part, kind in pairs(kinds) do
    local x = own[part]
    if x and x < e then
      expire_keys(part, kind, physical_ttl(x))
    else
      expire_keys(part, kind, horizon)
    end
  end
end

-- Header facts of `key` (default: the header) as a flat list: createdAt, expiresAt, name, json,
-- name, json ... The times stay strings: a Lua number would come back as an integer reply,
-- cutting a fractional clock.
local function meta_reply(key)
  local all = redis.call('HGETALL', key or header)
  local out = { '0', '0' }
  for i = 1, #all, 2 do
    local f = all[i]
    if f == 'c' then
      out[1] = all[i + 1]
    elseif f == 'e' then
      out[2] = all[i + 1]
    elseif string.sub(f, 1, 2) == 'd:' then
      out[#out + 1] = string.sub(f, 3)
      out[#out + 1] = all[i + 1]
    end
  end
  return out
end

-- After a write to `part` (`known`: it existed before; `x`: its own expiry, nil for none): records
-- its kind and a new own expiry (`part_expires_at`, '' to keep), moves the record's expiry
-- (`expires_at`, '' to keep) as activity, and gives the part's keys their Redis expiry.
local function finish_write(part, kind, known, x, part_expires_at, expires_at, record_expires_at)
  if not known then redis.call('HSET', header, 'k:' .. part, kind) end
  if part_expires_at ~= '' then
    redis.call('HSET', header, 'x:' .. part, part_expires_at)
    x = tonumber(part_expires_at)
  end
  local e = record_expires_at
  if expires_at ~= '' then
    move_expiry(expires_at)
    e = tonumber(expires_at)
  end
  if x and x < e then
    expire_keys(part, kind, physical_ttl(x))
  else
    expire_keys(part, kind, redis.call('PTTL', header))
  end
end

-- A tombstone is a string key (named by a digest of the id it guards, passed in KEYS) holding the
-- epoch ms until which that id may not be created again.
local function tombstone_live(key)
  local until_ms = redis.call('GET', key)
  return until_ms ~= false and tonumber(until_ms) > now
end

-- Leaves a tombstone at `key` until `until_ms` (a later one already there is kept); Redis expires
-- it by itself, with the grace.
local function extend_tombstone(key, until_ms)
  local u = tonumber(until_ms)
  if u <= now then return end
  local current = redis.call('GET', key)
  if current and tonumber(current) >= u then return end
  redis.call('SET', key, until_ms, 'PX', math.max(physical_ttl(u), 1))
end
