-- updateMap(id, part): KEYS[2] hash key; ARGV[3] part, [4] ifVersion, [5] maxFields, [6] maxNumber
-- (each '' when absent), [7] expiresAt or '', [8] partExpiresAt or '', then four groups, each a
-- count and its items: fields to delete; field, json to set; field, json to set if absent;
-- field, delta to increment. Deletes, then sets, then set-if-absent, then increments.
-- { 'ok', version, count, field, number ... (count pairs), field, json ... (the value of each
-- set-if-absent field after the update) }, { 'conflict', version }, { 'limit', what, field },
-- { 'notint', field }, { 'missing' }, { 'kind', kind }, { 'keys', ... }.
local part = ARGV[3]
local map = KEYS[2]
local refused, w = open_write(part, 'm', ARGV[7])
if refused then return refused end
local version = w.version
-- ifVersion 0 means "only when the map is empty or missing", whatever its version.
if ARGV[4] == '0' then
  if w.known and redis.call('HLEN', map) > 0 then return { 'conflict', version } end
elseif ARGV[4] ~= '' and tonumber(ARGV[4]) ~= version then
  return { 'conflict', version }
end

-- Work out the result first: a script that fails half way would leave its earlier writes.
local pending = {}
local order = {}
local function current(field)
  local p = pending[field]
  if p ~= nil then return p end
  return redis.call('HGET', map, field) or false
end
local function put(field, value)
  if pending[field] == nil then order[#order + 1] = field end
  pending[field] = value
end
local i = 9
for _ = 1, tonumber(ARGV[i]) do
  put(ARGV[i + 1], false)
  i = i + 1
end
i = i + 1
for _ = 1, tonumber(ARGV[i]) do
  put(ARGV[i + 1], ARGV[i + 2])
  i = i + 2
end
i = i + 1
local kept = {}
for _ = 1, tonumber(ARGV[i]) do
  if not current(ARGV[i + 1]) then put(ARGV[i + 1], ARGV[i + 2]) end
  kept[#kept + 1] = ARGV[i + 1]
  i = i + 2
end
i = i + 1
local numbers = {}
local max_number = ARGV[6] ~= '' and tonumber(ARGV[6]) or nil
for _ = 1, tonumber(ARGV[i]) do
  local field = ARGV[i + 1]
  local text = current(field) or '0'
  if not string.match(text, '^%-?%d+$') then return { 'notint', field } end
  local value = tonumber(text) + tonumber(ARGV[i + 2])
  if max_number and value > max_number then return { 'limit', 'maxNumber', field } end
  put(field, string.format('%.0f', value))
  numbers[#numbers + 1] = field
  numbers[#numbers + 1] = value
  i = i + 2
end
if ARGV[5] ~= '' then
  local fields = redis.call('HLEN', map)
  for _, field in ipairs(order) do
    local before = redis.call('HEXISTS', map, field) == 1
    local after = pending[field] ~= false
    if before and not after then fields = fields - 1 end
    if after and not before then fields = fields + 1 end
  end
  if fields > tonumber(ARGV[5]) then return { 'limit', 'maxFields', '' } end
end

for _, field in ipairs(order) do
  if pending[field] then
    redis.call('HSET', map, field, pending[field])
  else
    redis.call('HDEL', map, field)
  end
end
version = version + 1
-- The map's key may be new (or emptied and made again), so its TTL is always set.
finish_write(part, 'm', w, { 'v:' .. part, version }, ARGV[8], ARGV[7], true)
local out = { 'ok', version, #numbers / 2 }
for n = 1, #numbers do out[#out + 1] = numbers[n] end
for _, field in ipairs(kept) do
  out[#out + 1] = field
  out[#out + 1] = current(field)
end
return out
