-- getMap(id, part): KEYS[2] hash key; ARGV[3] part, [4] 'all' or 'some', [5...] the fields for 'some'.
-- { version, field, json ... }; { 'kind', kind } for another kind of part.
local refused, f = open_read(ARGV[3], 'm', { 0 }, 'v:')
if refused then return refused end
local out = { tonumber(f[4]) or 0 }
if ARGV[4] == 'all' then
  local all = redis.call('HGETALL', KEYS[2])
  for i = 1, #all do out[#out + 1] = all[i] end
  return out
end
for from = 5, #ARGV, 1000 do
  local values = redis.call('HMGET', KEYS[2], unpack(ARGV, from, math.min(from + 999, #ARGV)))
  for i = 1, #values do
    if values[i] then
      out[#out + 1] = ARGV[from + i - 1]
      out[#out + 1] = values[i]
    end
  end
end
return out
