-- push(id, part): KEYS[2..4] the list key, `#k` and `#o`; ARGV[3] part, [4] max, [5] idempotency key
-- or '', [6] expiresAt or '', [7] partExpiresAt or '', [8] idempotency window, [9...] entries (json).
-- { 'ok', firstSeq, lastSeq, length, dropped }, { 'dup', firstSeq, lastSeq, length },
-- { 'missing' }, { 'kind', kind }, { 'keys', ... }.
local part = ARGV[3]
local list = KEYS[2]
local refused, w = open_write(part, 'l', ARGV[6])
if refused then return refused end
local idem = ARGV[5]
if idem ~= '' and w.known then
  local earlier = redis.call('HGET', list .. '#k', idem)
  if earlier then
    local sep = string.find(earlier, ':', 1, true)
    local length = redis.call('LLEN', list)
    -- A retry still counts as activity: the record's expiry moves as the first push moved it.
    finish_write(part, 'l', w, {}, '', ARGV[6], false)
    return { 'dup', tonumber(string.sub(earlier, 1, sep - 1)), tonumber(string.sub(earlier, sep + 1)), length }
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
local fresh = length == count
local max = tonumber(ARGV[4])
local dropped = 0
if length > max then
  dropped = length - max
  redis.call('LTRIM', list, dropped, -1)
  length = max
end
if idem ~= '' then
  redis.call('HSET', list .. '#k', idem, first .. ':' .. last)
  local keyed = redis.call('RPUSH', list .. '#o', idem)
  if keyed == 1 then fresh = true end
  if keyed > tonumber(ARGV[8]) then
    redis.call('HDEL', list .. '#k', redis.call('LPOP', list .. '#o'))
  end
end
finish_write(part, 'l', w, {}, ARGV[7], ARGV[6], fresh)
return { 'ok', first, last, length, dropped }
