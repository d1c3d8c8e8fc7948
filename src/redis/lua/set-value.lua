-- setValue(id, part): KEYS[2] part key; ARGV[3] part, [4] json, [5] ifVersion or '', [6] expiresAt
-- or '', [7] partExpiresAt or ''.
-- { 'ok', version }, { 'conflict', version }, { 'missing' }, { 'kind', kind }, { 'keys', ... }.
local part = ARGV[3]
local refused, w = open_write(part, 'v', ARGV[6])
if refused then return refused end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= w.version then return { 'conflict', w.version } end
-- An existing value keeps its TTL (KEEPTTL): one PEXPIRE fewer on most writes.
if w.known then
  redis.call('SET', part_key(part), ARGV[4], 'KEEPTTL')
else
  redis.call('SET', part_key(part), ARGV[4])
end
local version = w.version + 1
finish_write(part, 'v', w, { 'v:' .. part, version }, ARGV[7], ARGV[6], false)
return { 'ok', version }
