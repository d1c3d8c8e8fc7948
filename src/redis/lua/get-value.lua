-- getValue(id, part): KEYS[2] part key, ARGV[3] part.
-- { 'ok', json, version }, {} when missing or expired, { 'kind', kind } for another kind of part.
if not live_until() then return {} end
local kind, present, _, version = part_state(ARGV[3])
if not present then return {} end
if kind ~= 'v' then return { 'kind', kind } end
local value = redis.call('GET', KEYS[2])
if not value then return {} end
return { 'ok', value, version }
