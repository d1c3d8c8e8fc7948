-- patchMeta(id): ARGV[3] expiresAt or '', ARGV[4] number of conditions, then name, json pairs
-- ('' = must be absent), then name, json pairs to write ('' = remove).
-- { 'ok', meta... }, { 'failed' } when a condition does not hold, { 'missing' }.
if not live_until() then return { 'missing' } end
local conditions = tonumber(ARGV[4])
local i = 5
for _ = 1, conditions do
  local current = redis.call('HGET', header, 'd:' .. ARGV[i])
  local wanted = ARGV[i + 1]
  if wanted == '' then
    if current then return { 'failed' } end
  elseif current ~= wanted then
    return { 'failed' }
  end
  i = i + 2
end
while i <= #ARGV do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', header, 'd:' .. ARGV[i])
  else
    redis.call('HSET', header, 'd:' .. ARGV[i], ARGV[i + 1])
  end
  i = i + 2
end
if ARGV[3] ~= '' then move_expiry(ARGV[3]) end
local out = meta_reply()
table.insert(out, 1, 'ok')
return out
