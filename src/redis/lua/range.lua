-- range(id, part): KEYS[2] list key; ARGV[3] part, [4] start, [5] stop (LRANGE indices).
-- { length, lastSeq, firstIndex, json ... }; the entry at index i has seq lastSeq - length + 1 + i.
-- { 'kind', kind } for another kind of part.
local refused, f = open_read(ARGV[3], 'l', { 0, 0, 0 }, 's:')
if refused then
  if f then return { 0, tonumber(f[4]) or 0, 0 } end
  return refused
end
local length = redis.call('LLEN', KEYS[2])
local start = tonumber(ARGV[4])
if start < 0 then start = math.max(length + start, 0) end
local out = { length, tonumber(f[4]) or 0, start }
local values = redis.call('LRANGE', KEYS[2], ARGV[4], ARGV[5])
for i = 1, #values do out[#out + 1] = values[i] end
return out
