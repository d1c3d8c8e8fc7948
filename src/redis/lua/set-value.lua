-- setValue(id, part): KEYS[2] part key; ARGV[3] part, [4] json, [5] ifVersion or '', [6] expiresAt
-- or '', [7] partExpiresAt or ''.
-- { 'ok', version }, { 'conflict', version }, { 'missing' }, { 'kind', kind }.
local record_expires_at = live_until()
if not record_expires_at then return { 'missing' } end
local part = ARGV[3]
local kind, present, x = part_state(part)
if kind and not present then
  clear_part(part)
  kind, x = false, nil
end
if kind and kind ~= 'v' then return { 'kind', kind } end
local version = 0
if kind then version = tonumber(redis.call('HGET', header, 'v:' .. part)) end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= version then return { 'conflict', version } end
redis.call('SET', KEYS[2], ARGV[4])
version = version + 1
redis.call('HSET', header, 'v:' .. part, version)
finish_write(part, 'v', kind, x, ARGV[7], ARGV[6], record_expires_at)
return { 'ok', version }
