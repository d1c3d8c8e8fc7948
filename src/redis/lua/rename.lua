-- rename(from, to): KEYS[1] from's header, [2] to's header, [3] from's tombstone, [4] to's
-- tombstone, then six keys per part, in the order of the part names below: from's part key, its
-- #k, its #o, then to's three. Every key is passed, none is derived here.
-- ARGV[3] expiresAt or '', [4] tombstoneUntil, [5] number of conditions, then name, json pairs
-- ('' = must be absent), then the number of patches and name, json pairs ('' = remove), then the
-- number of parts and their names, sorted.
-- { 'ok', meta... } of the moved record; { 'missing' }; { 'taken' } when `to` holds a record (even
-- an expired one not yet cleared) or a live tombstone; { 'failed' } when a condition does not
-- hold; { 'parts', name ... } when the names given are not the record's parts (call again with these).
local all = redis.call('HGETALL', header)
local e = tonumber(field_of(all, 'e'))
if not e or e <= now then return { 'missing' } end
local target = KEYS[2]
if redis.call('EXISTS', target) == 1 or tombstone_live(KEYS[4]) then return { 'taken' } end
local i = 6
for _ = 1, tonumber(ARGV[5]) do
  local current = field_of(all, 'd:' .. ARGV[i])
  local wanted = ARGV[i + 1]
  if (wanted == '' and current) or (wanted ~= '' and current ~= wanted) then return { 'failed' } end
  i = i + 2
end
local patch_from = i + 1
local patch_to = i + 2 * tonumber(ARGV[i])
local count = tonumber(ARGV[patch_to + 1])
local names = part_names(all)
local stale = #names ~= count
for j = 1, count do
  if names[j] ~= ARGV[patch_to + 1 + j] then stale = true end
end
if stale then
  table.insert(names, 1, 'parts')
  return names
end

for j = 5, 4 + 6 * count, 6 do
  for k = 0, 2 do
    if redis.call('EXISTS', KEYS[j + k]) == 1 then redis.call('RENAME', KEYS[j + k], KEYS[j + k + 3]) end
  end
end
redis.call('RENAME', header, target)
count_move(class_of(header), e, nil)
count_move(class_of(target), nil, ARGV[3] ~= '' and tonumber(ARGV[3]) or e)
for j = patch_from, patch_to, 2 do
  if ARGV[j + 1] == '' then
    redis.call('HDEL', target, 'd:' .. ARGV[j])
  else
    redis.call('HSET', target, 'd:' .. ARGV[j], ARGV[j + 1])
  end
end

-- A new expiry: as move_expiry does for the header, with the part keys taken from KEYS.
if ARGV[3] ~= '' then
  redis.call('HSET', target, 'e', ARGV[3])
  local e = tonumber(ARGV[3])
  local need = physical_ttl(e)
  if redis.call('PTTL', target) < need then
    redis.call('PEXPIRE', target, need + math.floor(need / 8))
    local horizon = redis.call('PTTL', target)
    for j = 1, count do
      local fields = redis.call('HMGET', target, 'k:' .. names[j], 'x:' .. names[j])
      if fields[1] then
        local x = fields[2] and tonumber(fields[2])
        local ttl = horizon
        if x and x < e then ttl = physical_ttl(x) end
        for k = 5 + 6 * (j - 1) + 3, 5 + 6 * (j - 1) + 5 do redis.call('PEXPIRE', KEYS[k], ttl) end
      end
    end
  end
end
extend_tombstone(KEYS[3], ARGV[4])
extend_tombstone(KEYS[4], ARGV[4])
local out = meta_reply(redis.call('HGETALL', target))
table.insert(out, 1, 'ok')
return out
