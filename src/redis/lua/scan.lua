-- scan on one node, no KEYS: ARGV[3] cursor, [4] MATCH pattern, [5] COUNT.
-- { nextCursor, headerKey ... } with only the records live by the caller's clock.
local reply = redis.call('SCAN', ARGV[3], 'MATCH', ARGV[4], 'COUNT', ARGV[5], 'TYPE', 'hash')
local out = { reply[1] }
local keys = reply[2]
for i = 1, #keys do
  local e = redis.call('HGET', keys[i], 'e')
  if e and tonumber(e) > now then out[#out + 1] = keys[i] end
end
return out
