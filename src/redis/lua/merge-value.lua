-- mergeValue(id, part): KEYS[2] part key; ARGV[3] part, [4] patch (a JSON object), [5] max bytes of
-- the result, [6] expiresAt or '' (not written when later by less than the touch step [10]), [7]
-- partExpiresAt or '', [8] the text the caller merged the patch into itself ('' when it did not)
-- and [9] its result: stored as it is when [8] is the stored text, so the merge below runs only
-- when the caller's copy was stale or missing.
-- { 'ok', version } when the caller's result was stored, { 'ok', version, json } when merged here,
-- { 'limit', bytes }, { 'missing' }, { 'kind', kind }, { 'keys', ... }.
--
-- A JSON merge patch (objects merge key by key, `null` removes a key, anything else replaces) done
-- on the text, without decoding: cjson would reorder keys, turn [] into {} and round numbers. Every
-- JSON text here was written by JSON.stringify (no spaces, one spelling per key), so two keys are
-- equal exactly when their quoted texts are.

-- Index just past the string whose opening quote is at `i`. Plain finds of the quote (memchr speed,
-- where a pattern walks every character), then a quote is closing when an even number of
-- backslashes stands before it.
local function skip_string(s, i)
  local j = i + 1
  while true do
    local k = string.find(s, '"', j, true)
    local b = k - 1
    while string.byte(s, b) == 92 do
      b = b - 1
    end
    if (k - 1 - b) % 2 == 0 then return k + 1 end
    j = k + 1
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

-- The members of an object's text, in order, each { quoted key, start, start of its value, end of
-- its value (exclusive) }; nil when the text is not an object.
local function members(s)
  if not s or string.byte(s, 1) ~= 123 then return nil end
  local spans = {}
  if s == '{}' then return spans end
  local i = 2
  while true do
    local colon = skip_string(s, i)
    local stop = skip_value(s, colon + 1)
    spans[#spans + 1] = { string.sub(s, i, colon - 1), i, colon + 1, stop }
    if string.byte(s, stop) == 125 then return spans end
    i = stop + 1
  end
end

-- Merges the object text `patch` into the JSON text `base` (nil or not an object: `{}`). The
-- result is made of runs of `base` left as they were, changed members and added ones: no member
-- is copied on its own unless it changes.
local function merge(base, patch)
  local spans = members(base)
  if not spans then
    base, spans = '{}', {}
  end
  local at = {}
  for n = 1, #spans do
    at[spans[n][1]] = spans[n]
  end
  local changed, added = {}, {}
  for _, p in ipairs(members(patch)) do
    local key = p[1]
    local value = string.sub(patch, p[3], p[4] - 1)
    local old = at[key]
    if value == 'null' then
      if old then changed[key] = false end
    else
      if string.byte(value, 1) == 123 then value = merge(old and string.sub(base, old[3], old[4] - 1), value) end
      if old then
        changed[key] = value
      else
        added[#added + 1] = key .. ':' .. value
      end
    end
  end
  local out, from = {}, 2
  for n = 1, #spans do
    local span = spans[n]
    local change = changed[span[1]]
    if change ~= nil then
      if from < span[2] then out[#out + 1] = string.sub(base, from, span[2] - 2) end
      if change then out[#out + 1] = span[1] .. ':' .. change end
      from = span[4] + 1
    end
  end
  if from < #base then out[#out + 1] = string.sub(base, from, #base - 1) end
  for n = 1, #added do
    out[#out + 1] = added[n]
  end
  return '{' .. table.concat(out, ',') .. '}'
end

local part = ARGV[3]
local refused, w = open_write(part, 'v', ARGV[6], ARGV[10])
if refused then return refused end
local current = nil
if w.known then current = redis.call('GET', part_key(part)) end
local theirs = ARGV[8] ~= '' and current == ARGV[8]
local merged
if theirs then
  merged = ARGV[9]
else
  merged = merge(current or nil, ARGV[4])
end
if #merged > tonumber(ARGV[5]) then return { 'limit', #merged } end
if w.known then
  redis.call('SET', part_key(part), merged, 'KEEPTTL')
else
  redis.call('SET', part_key(part), merged)
end
local version = w.version + 1
finish_write(part, 'v', w, { 'v:' .. part, version }, ARGV[7], w.expires_at, false)
if theirs then return { 'ok', version } end
return { 'ok', version, merged }
