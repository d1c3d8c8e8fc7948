-- readRecord(id): KEYS[2...] the part keys, in the order of the names: ARGV[3] the number of parts,
-- then their names, sorted. Every key is passed, none is derived here.
-- { 'ok', { meta... }, { name, kind, own expiry or '', version, last seq, content... } ... },
-- {} when the record is missing or expired, { 'parts', name ... } when the names given are not the
-- record's parts (call again with these). Content: a value's json; a list's entries; a map's
-- field, json pairs. A part with no kind (a deleted list's counter) or past its own expiry is left out.
local all = redis.call('HGETALL', header)
local e = tonumber(field_of(all, 'e'))
if not e or e <= now then return {} end
local count = tonumber(ARGV[3])
local names = part_names(all)
local stale = #names ~= count
for j = 1, count do
  if names[j] ~= ARGV[3 + j] then stale = true end
end
if stale then
  table.insert(names, 1, 'parts')
  return names
end
local out = { 'ok', meta_reply(all) }
for j = 1, count do
  local part = names[j]
  local fields = redis.call('HMGET', header, 'k:' .. part, 'x:' .. part, 'v:' .. part, 's:' .. part)
  local kind, x = fields[1], fields[2]
  if kind and not (x and tonumber(x) <= now) then
    local entry = { part, kind, x or '', fields[3] or '0', fields[4] or '0' }
    local content
    if kind == 'v' then
      content = { redis.call('GET', KEYS[1 + j]) }
    elseif kind == 'l' then
      content = redis.call('LRANGE', KEYS[1 + j], 0, -1)
    else
      content = redis.call('HGETALL', KEYS[1 + j])
    end
    for k = 1, #content do entry[#entry + 1] = content[k] end
    out[#out + 1] = entry
  end
end
return out
