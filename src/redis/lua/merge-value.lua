-- mergeValue(id, part): KEYS[2] part key; ARGV[3] part, [4] patch (a JSON object), [5] max bytes of
-- the result, [6] expiresAt or '', [7] partExpiresAt or ''.
-- { 'ok', version, json }, { 'limit', bytes }, { 'missing' }, { 'kind', kind }, { 'keys', ... }.
--
-- A JSON merge patch (objects merge key by key, `null` removes a key, anything else replaces) done
-- on the text, without decoding: cjson would reorder keys, turn [] into {} and round numbers. Every
-- JSON text here was written by JSON.stringify (no spaces, one spelling per key), so two keys are
-- equal exactly when their quoted texts are.

-- Index just past the string whose opening quote is at `i`.
local function skip_string(s, i)
  local j = i + 1
  while true do
    local k = string.find(s, '["\\]', j)
    if string.sub(s, k, k) == '"' then return k + 1 end
    j = k + 2
  end
end

-- Index just past the JSON value that starts at `i`.
local function skip_value(s, i)
  local c = string.sub(s, i, i)
  if c == '"' then return skip_string(s, i) end
  if c ~= '{' and c ~= '[' then return string.find(s, '[,}%]]', i) or #s + 1 end
  local depth = 0
  while true do
    local j = string.find(s, '[%[%]{}"]', i)
    local d = string.sub(s, j, j)
    if d == '"' then
      i = skip_string(s, j)
    else
      if d == '{' or d == '[' then
        depth = depth + 1
      else
        depth = depth - 1
      end
      i = j + 1
      if depth == 0 then return i end
    end
  end
end

-- The members of an object's text, in order: quoted keys and value texts; empty when not an object.
local function members(s)
  local keys, values = {}, {}
  if not s or string.sub(s, 1, 1) ~= '{' or s == '{}' then return keys, values end
  local i = 2
  while true do
    local colon = skip_string(s, i)
    local stop = skip_value(s, colon + 1)
    keys[#keys + 1] = string.sub(s, i, colon - 1)
    values[#values + 1] = string.sub(s, colon + 1, stop - 1)
    if string.sub(s, stop, stop) == '}' then return keys, values end
    i = stop + 1
  end
end

local function merge(base, patch)
  local keys, values = members(base)
  local at = {}
  for n = 1, #keys do at[keys[n]] = n end
  local patch_keys, patch_values = members(patch)
  for n = 1, #patch_keys do
    local key, value = patch_keys[n], patch_values[n]
    local found = at[key]
    if value == 'null' then
      if found then values[found] = false end
    else
      if string.sub(value, 1, 1) == '{' then value = merge(found and values[found], value) end
      if found then
        values[found] = value
      else
        keys[#keys + 1] = key
        values[#values + 1] = value
      end
    end
  end
  local out = {}
  for n = 1, #keys do
    if values[n] then out[#out + 1] = keys[n] .. ':' .. values[n] end
  end
  return '{' .. table.concat(out, ',') .. '}'
end

local part = ARGV[3]
local refused, w = open_write(part, 'v', ARGV[6])
if refused then return refused end
local current = nil
if w.known then current = redis.call('GET', part_key(part)) end
local merged = merge(current or nil, ARGV[4])
if #merged > tonumber(ARGV[5]) then return { 'limit', #merged } end
if w.known then
  redis.call('SET', part_key(part), merged, 'KEEPTTL')
else
  redis.call('SET', part_key(part), merged)
end
local version = w.version + 1
finish_write(part, 'v', w, { 'v:' .. part, version }, ARGV[7], ARGV[6], false)
return { 'ok', version, merged }
