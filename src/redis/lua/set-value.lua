-- setValue(id, part): KEYS[2] part key; ARGV[3] part, [4] json, [5] ifVersion or '', [6] expiresAt
-- or '', [7] partExpiresAt or ''.
-- { 'ok', version }, { 'conflict', version }, { 'missing' }, { 'kind', kind }.
local part = ARGV[3]
local refused, record_expires_at, known, x, version = open_write(part, 'v')
if refused then return refused end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= version then return { 'conflict', version } end
redis.call('SET', KEYS[2], ARGV[4])
version = version + 1
redis.call('HSET', header, 'v:' .. part, version)
finish_write(part, 'v', known, x, ARGV[7], ARGV[6], record_expires_at)
return { 'ok', version }
