-- touchMeta(id): ARGV[3] expiresAt, ARGV[4] the header fact that caps it ('' for none), ARGV[5] the
-- touch step, then name, json pairs: move only when each named fact is absent or holds that json,
-- and not when later by less than the step (then nothing is written and the reply is 'ok').
-- { 'ok', meta... } after the move, { 'held', meta... } unmoved when a condition failed, {} when
-- missing or expired.
local all = redis.call('HGETALL', header)
-- The header's fields by name, read once (each lookup below would otherwise walk the reply).
local h = {}
for i = 1, #all, 2 do
  h[all[i]] = all[i + 1]
end
local e = tonumber(h.e)
if not e or e <= now then return {} end
for i = 6, #ARGV, 2 do
  local current = h['d:' .. ARGV[i]]
  if current and current ~= ARGV[i + 1] then
    local out = meta_reply(all)
    table.insert(out, 1, 'held')
    return out
  end
end
local target = ARGV[3]
if ARGV[4] ~= '' then
  local cap = h['d:' .. ARGV[4]]
  local n = tonumber(cap)
  if n and n < tonumber(target) then target = cap end
end
if within_step(e, tonumber(target), ARGV[5]) then
  local out = meta_reply(all)
  table.insert(out, 1, 'ok')
  return out
end
local refused, _, parts = plan_expiry(target, all)
if refused then return refused end
redis.call('HSET', header, 'e', target)
count_move(class_of(header), e, tonumber(target))
if parts then push_horizon(tonumber(target), parts) end
local out = meta_reply(all)
out[2] = target
table.insert(out, 1, 'ok')
return out
