-- Shared prelude: scripts/gen-lua.mjs ships it once, and the store puts it before every script.
--
-- Key layout of a record; every key carries the hash tag {prefix:id}, so a record is in one slot:
--   {prefix:id}           hash    header: `c` createdAt, `e` expiresAt, `d:<name>` header facts (JSON),
--                                 per part `k:<part>` kind (v, l, m), `x:<part>` own expiry,
--                                 `v:<part>` version, `s:<part>` last list seq
--   {prefix:id}:<part>    string (a value's JSON), list (one JSON entry per element) or hash (a map)
--   {prefix:id}:<part>#k  hash    a list's idempotency keys -> "first:last"
--   {prefix:id}:<part>#o  list    those keys, oldest first
--
-- KEYS[1] is the header; then every other key the call may touch. The caller passes the keys of
-- the part it names (a list's three, any other part's one). When a call finds it must touch keys
-- it was not given (moving the expiry pushes every part's TTL, a delete removes every part, a write
-- clears an expired part that was of another kind), it writes nothing and replies
-- { 'keys', key ... }; the caller sends it again with those keys added. So every key a script
-- touches is in KEYS, and Redis routes or refuses each call whole while a Cluster slot migrates.
-- ARGV[1] is the caller's clock (`now`, epoch ms) and ARGV[2] how long keys outlive their logical
-- expiry in Redis (grace ms), so a store on a manual or skewed clock never loses a live record.
local header = KEYS[1]
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local given = {}
for i = 1, #KEYS do
  given[KEYS[i]] = true
end

local function part_key(part)
  return header .. ':' .. part
end

-- Appends the keys of `part`, a part of `kind`, to `out`.
local function add_keys(out, part, kind)
  local key = part_key(part)
  out[#out + 1] = key
  if kind == 'l' then
    out[#out + 1] = key .. '#k'
    out[#out + 1] = key .. '#o'
  end
  return out
end

-- nil when every key of `keys` was given; else the reply that asks for the others.
local function ask_for(keys)
  local reply = { 'keys' }
  for i = 1, #keys do
    if not given[keys[i]] then reply[#reply + 1] = keys[i] end
  end
  if #reply == 1 then return nil end
  return reply
end

-- Milliseconds a key should live in Redis when it expires logically at `at`.
local function physical_ttl(at)
  local t = at - now
  if t < 0 then t = 0 end
  return math.floor(t + grace)
end

-- True when moving an expiry from `e` to `target` (numbers) may be skipped under the touch step
-- `step` (text, ms): later by less than the step. An earlier expiry is always written.
local function within_step(e, target, step)
  return target >= e and target - e < tonumber(step)
end

-- Every part of the record, from the header's fields (an HGETALL reply): part -> { kind, own expiry }.
local function parts_of(all)
  local parts = {}
  for i = 1, #all, 2 do
    local tag = string.sub(all[i], 1, 2)
    if tag == 'k:' then
      local part = string.sub(all[i], 3)
      parts[part] = parts[part] or {}
      parts[part][1] = all[i + 1]
    elseif tag == 'x:' then
      local part = string.sub(all[i], 3)
      parts[part] = parts[part] or {}
      parts[part][2] = tonumber(all[i + 1])
    end
  end
  return parts
end

-- Every key of the parts in `parts` (see parts_of).
local function keys_of_parts(parts)
  local keys = {}
  for part, p in pairs(parts) do
    if p[1] then add_keys(keys, part, p[1]) end
  end
  return keys
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
-- that move the expiry set one field and leave every TTL alone; keys outlive their logical expiry
-- by at most the grace plus that step, and reads never see them after it.
-- Moves the horizon for a record expiring at `e`, and every part key of `parts` with it.
local function push_horizon(e, parts)
  local need = physical_ttl(e)
  local horizon = need + math.floor(need / 8)
  redis.call('PEXPIRE', header, horizon)
  for part, p in pairs(parts) do
    if p[1] then
      if p[2] and p[2] < e then
        expire_keys(part, p[1], physical_ttl(p[2]))
      else
        expire_keys(part, p[1], horizon)
      end
    end
  end
end

-- Plans moving the record's expiry to `expires_at` ('' to keep). Returns the reply asking for keys
-- when the horizon must be pushed and the caller did not give every part key; else nil, the header's
-- TTL now (nil when keeping: a write that needs it then asks, most never do) and, when the horizon
-- must be pushed, every part (see parts_of). `all` is the header as an HGETALL reply when the caller
-- has read it already.
local function plan_expiry(expires_at, all)
  if expires_at == '' then return nil, nil, nil end
  local ttl = redis.call('PTTL', header)
  if ttl >= physical_ttl(tonumber(expires_at)) then return nil, ttl, nil end
  local parts = parts_of(all or redis.call('HGETALL', header))
  local ask = ask_for(keys_of_parts(parts))
  if ask then return ask end
  return nil, ttl, parts
end

-- The live-record counter (docs/redis.md, "Counting without a scan"): a hash of `<class><bucket>`
-- -> records, where the class is the id up to its first ':' ('' for a session, 'user:' for a
-- user's record) and the bucket is floor(expiresAt / 60000). A record that expires by itself leaves
-- its bucket behind in the past, where no count looks. The caller passes the counter's key in KEYS
-- (`{<prefix>:~...}:n`, in the record's slot on a Cluster; no record key holds `:~`): a script given
-- none keeps no count.
local counter = nil
for i = 1, #KEYS do
  local k = KEYS[i]
  if string.sub(k, -3) == '}:n' and string.find(k, ':~', 1, true) then counter = k end
end

-- The class of the record whose header key is `key`.
local function class_of(key)
  return string.match(key, '^{[^:]*:([^:}]*:)') or ''
end

-- Drops the counter's past buckets once it has grown to twice its size after the last drop (kept in
-- field `_p`), so it stays in proportion to the buckets still ahead.
local function prune_counter()
  local size = redis.call('HLEN', counter)
  local kept = tonumber(redis.call('HGET', counter, '_p')) or 0
  if size <= 2 * kept + 64 then return end
  local all = redis.call('HGETALL', counter)
  local current = math.floor(now / 60000)
  local past = {}
  for i = 1, #all, 2 do
    local bucket = tonumber(string.match(all[i], '(%d+)$'))
    if all[i] ~= '_p' and bucket and bucket < current then past[#past + 1] = all[i] end
  end
  for i = 1, #past, 1000 do
    redis.call('HDEL', counter, unpack(past, i, math.min(i + 999, #past)))
  end
  redis.call('HSET', counter, '_p', size - #past)
end

-- Moves one record of `class` from the bucket of expiry `old` to that of `new` (nil: none).
local function count_move(class, old, new)
  if not counter then return end
  local a = old and math.floor(old / 60000)
  local b = new and math.floor(new / 60000)
  if a == b then return end
  if a and redis.call('HINCRBY', counter, class .. a, -1) <= 0 then redis.call('HDEL', counter, class .. a) end
  if b and redis.call('HINCRBY', counter, class .. b, 1) == 1 then prune_counter() end
end

-- Removes what is left of a part of `kind` (its keys must be given).
local function clear_part(part, kind)
  local keys = add_keys({}, part, kind)
  redis.call('DEL', unpack(keys))
  redis.call('HDEL', header, 'k:' .. part, 'x:' .. part, 'v:' .. part)
end

-- Opens a write of kind `want` to `part` that moves the record's expiry to `expires_at` ('' to
-- keep; with a touch step `step`, kept too when later by less than the step). Returns a reply to
-- give back at once ({ 'missing' }, { 'kind', kind } or { 'keys', ... }), or nil and the write's
-- state: `e` the record's expiresAt, `expires_at` the expiry to write ('' for none), `known`
-- whether the part holds data, `x` its own expiry, `version` (0 when new), `ttl` the header's TTL
-- (nil when the expiry is kept) and `parts` every part when the horizon must be pushed. A part whose own expiry passed is
-- cleared first, whatever its kind.
local function open_write(part, want, expires_at, step)
  local f = redis.call('HMGET', header, 'e', 'k:' .. part, 'x:' .. part, 'v:' .. part)
  local e = tonumber(f[1])
  if not e or e <= now then return { 'missing' } end
  if step and expires_at ~= '' and within_step(e, tonumber(expires_at), step) then expires_at = '' end
  local kind = f[2]
  local x = tonumber(f[3])
  local stale = kind and x and x <= now
  if kind and not stale and kind ~= want then return { 'kind', kind } end
  local keys = add_keys({}, part, want)
  if stale and kind ~= want then add_keys(keys, part, kind) end
  local ask = ask_for(keys)
  if ask then return ask end
  local refused, ttl, parts = plan_expiry(expires_at)
  if refused then return refused end
  if stale then
    clear_part(part, kind)
    kind, x = false, nil
  end
  local w = { e = e, expires_at = expires_at, known = kind and true or false, x = x, version = 0, ttl = ttl, parts = parts }
  if kind then w.version = tonumber(f[4]) or 0 end
  return nil, w
end

-- Ends a write opened by open_write: sets the header fields `fields` (a flat name, value list, such
-- as the new version), the part's kind when new, its own expiry `part_expires_at` and the record's
-- `expires_at` (each '' to keep) in one HSET, then gives the part's keys their Redis expiry when
-- they may lack it (`fresh`: a key this write created) or it changed.
local function finish_write(part, kind, w, fields, part_expires_at, expires_at, fresh)
  if not w.known then
    fields[#fields + 1] = 'k:' .. part
    fields[#fields + 1] = kind
  end
  local x = w.x
  if part_expires_at ~= '' then
    fields[#fields + 1] = 'x:' .. part
    fields[#fields + 1] = part_expires_at
    x = tonumber(part_expires_at)
  end
  local e = w.e
  if expires_at ~= '' then
    fields[#fields + 1] = 'e'
    fields[#fields + 1] = expires_at
    e = tonumber(expires_at)
    count_move(class_of(header), w.e, e)
  end
  if #fields > 0 then redis.call('HSET', header, unpack(fields)) end
  if w.parts then
    w.parts[part] = { kind, x }
    push_horizon(e, w.parts)
    return
  end
  if w.known and not fresh and part_expires_at == '' then return end
  if x and x < e then
    expire_keys(part, kind, physical_ttl(x))
  else
    expire_keys(part, kind, w.ttl or redis.call('PTTL', header))
  end
end

-- Opens a read of `part`, which should be of kind `want`. Returns a reply for a missing record or
-- part (`empty`) or { 'kind', kind }, or nil and the header fields read (e, kind, own expiry,
-- version or last seq: `fourth` names that field).
local function open_read(part, want, empty, fourth)
  local f = redis.call('HMGET', header, 'e', 'k:' .. part, 'x:' .. part, fourth .. part)
  local e = tonumber(f[1])
  if not e or e <= now then return empty end
  local x = tonumber(f[3])
  if not f[2] or (x and x <= now) then return empty, f end
  if f[2] ~= want then return { 'kind', f[2] } end
  return nil, f
end

-- Header facts as a flat list from an HGETALL reply: createdAt, expiresAt, name, json ... The times
-- stay strings: a Lua number would come back as an integer reply, cutting a fractional clock.
local function meta_reply(all)
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

-- The value of field `name` in an HGETALL reply, or nil.
local function field_of(all, name)
  for i = 1, #all, 2 do
    if all[i] == name then return all[i + 1] end
  end
  return nil
end

-- Every part name in the header's fields (an HGETALL reply), also of lists that were deleted but
-- keep their seq counter, sorted (the order in which a caller passes their keys).
local function part_names(all)
  local names, seen = {}, {}
  for i = 1, #all, 2 do
    local tag = string.sub(all[i], 1, 2)
    if tag == 'k:' or tag == 's:' then
      local part = string.sub(all[i], 3)
      if not seen[part] then
        seen[part] = true
        names[#names + 1] = part
      end
    end
  end
  table.sort(names)
  return names
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
