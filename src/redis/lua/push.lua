-- push(id, part): KEYS[2] list key; ARGV[3] part, [4] max, [5] idempotency key or '', [6] expiresAt
-- or '', [7] partExpiresAt or '', [8] idempotency window, [9...] entries (json).
-- { 'ok', firstSeq, lastSeq, length, dropped }, { 'dup', firstSeq, lastSeq, length },
-- { 'missing' }, { 'kind', kind }.
local part = ARGV[3]
local list = KEYS[2]
local refused, record_expires_at, known, x = open_write(part, 'l')
if refused then return refused end
local idem = ARGV[5]
if idem ~= '' then
  local earlier = redis.call('HGET', list .. '#k', idem)
  if earlier then
    local sep = string.find(earlier, ':', 1, true)
    if ARGV[6] ~= '' then move_expiry(ARGV[6]) end
    return { 'dup', tonumber(string.sub(earlier, 1, sep - 1)), tonumber(string.sub(earlier, sep + 1)), redis.call('LLEN', list) }
  end
end
local count = #ARGV - 8
local last = redis.call('HINCRBY', header, 's:' .. part, count)
local first = last - count + 1
local length = 0
if count == 0 then length = redis.call('LLEN', list) end
for i = 9, #ARGV, 1000 do
  length = redis.call('RPUSH', list, unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local max = tonumber(ARGV[4])
local dropped = 0
if length > max then
  dropped = length - max
  redis.call('LTRIM', list, dropped, -1)
  length = max
end
if idem ~= '' then
  redis.call('HSET', list .. '#k', idem, first .. ':' .. last)
  if redis.call('RPUSH', list .. '#o', idem) > tonumber(ARGV[8]) then
    redis.call('HDEL', list .. '#k', redis.call('LPOP', list .. '#o'))
  end
end
finish_write(part, 'l', known, x, ARGV[7], ARGV[6], record_expires_at)
return { 'ok', first, last, length, dropped }
