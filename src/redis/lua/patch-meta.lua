-- patchMeta(id): ARGV[3] expiresAt or '', ARGV[4] number of conditions, then name, json pairs
-- ('' = must be absent), then name, json pairs to write ('' = remove).
-- { 'ok', meta... }, { 'failed' } when a condition does not hold, { 'missing' }, { 'keys', ... }.
local all = redis.call('HGETALL', header)
local e = tonumber(field_of(all, 'e'))
if not e or e <= now then return { 'missing' } end
local conditions = tonumber(ARGV[4])
local i = 5
for _ = 1, conditions do
  local current = field_of(all, 'd:' .. ARGV[i])
  local wanted = ARGV[i + 1]
  if wanted == '' then
    if current then return { 'failed' } end
  elseif current ~= wanted then
    return { 'failed' }
  end
  i = i + 2
end
local refused, _, parts = plan_expiry(ARGV[3], all)
if refused then return refused end
local set, removed = {}, {}
while i <= #ARGV do
  if ARGV[i + 1] == '' then
    removed[#removed + 1] = 'd:' .. ARGV[i]
  else
    set[#set + 1] = 'd:' .. ARGV[i]
    set[#set + 1] = ARGV[i + 1]
  end
  i = i + 2
end
if ARGV[3] ~= '' then
  set[#set + 1] = 'e'
  set[#set + 1] = ARGV[3]
end
if #removed > 0 then redis.call('HDEL', header, unpack(removed)) end
if #set > 0 then redis.call('HSET', header, unpack(set)) end
if ARGV[3] ~= '' then count_move(class_of(header), e, tonumber(ARGV[3])) end
if parts then push_horizon(tonumber(ARGV[3]), parts) end
local out = meta_reply(redis.call('HGETALL', header))
table.insert(out, 1, 'ok')
return out
