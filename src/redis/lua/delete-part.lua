-- deletePart(id, part): KEYS[2..4] the part's key, `#k` and `#o`; ARGV[3] part, [4] expiresAt or ''.
-- { 'ok' } or { 'missing' }. A list keeps its seq counter (`s:<part>` stays in the header).
local part = ARGV[3]
local f = redis.call('HMGET', header, 'e', 'k:' .. part)
local e = tonumber(f[1])
if not e or e <= now then return { 'missing' } end
local refused, _, parts = plan_expiry(ARGV[4])
if refused then return refused end
if f[2] then clear_part(part, f[2]) end
if ARGV[4] ~= '' then
  redis.call('HSET', header, 'e', ARGV[4])
  count_move(class_of(header), e, tonumber(ARGV[4]))
end
if parts then
  parts[part] = nil
  push_horizon(tonumber(ARGV[4]), parts)
end
return { 'ok' }
