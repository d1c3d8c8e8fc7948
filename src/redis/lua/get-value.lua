-- getValue(id, part): KEYS[2] part key, ARGV[3] part.
-- { 'ok', json, version }, {} when missing or expired, { 'kind', kind } for another kind of part.
if not live_until() then return {} end
local kind, present = part_state(ARGV[3])
if not kind then return {} end
if not present then return {} end
if kind ~= 'v' then return { 'kind', kind } end
local value = redis.call('GET', KEYS[2])
if not value then return {} end
return { 'ok', value, tonumber(redis.call('HGET', header, 'v:' .. ARGV[3])) }
