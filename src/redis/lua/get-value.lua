-- getValue(id, part): KEYS[2] part key, ARGV[3] part.
-- { 'ok', json, version }, {} when missing or expired, { 'kind', kind } for another kind of part.
local refused, f = open_read(ARGV[3], 'v', {}, 'v:')
if refused then return refused end
local value = redis.call('GET', KEYS[2])
if not value then return {} end
return { 'ok', value, tonumber(f[4]) or 0 }
