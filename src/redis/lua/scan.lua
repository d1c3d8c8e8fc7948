-- scan on one node: ARGV[3] cursor, [4] MATCH pattern, [5] COUNT. Touches no key: { nextCursor,
-- headerKey ... }; the caller asks each record (one keyed call) whether it is live by its clock.
local reply = redis.call('SCAN', ARGV[3], 'MATCH', ARGV[4], 'COUNT', ARGV[5], 'TYPE', 'hash')
local out = { reply[1] }
for i = 1, #reply[2] do out[#out + 1] = reply[2][i] end
return out
