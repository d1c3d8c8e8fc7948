-- create(id): KEYS[2] the id's tombstone; ARGV[3] expiresAt, ARGV[4] tombstoneUntil or '', then
-- name, json pairs of header facts.
-- 1 when made; 0 when a live record or a live tombstone holds the id. What an expired record left
-- is cleared first.
local all = redis.call('HGETALL', header)
local e = tonumber(field_of(all, 'e'))
if e and e > now then return 0 end
if tombstone_live(KEYS[2]) then return 0 end
if #all > 0 then
  local keys = keys_of_parts(parts_of(all))
  local ask = ask_for(keys)
  if ask then return ask end
  keys[#keys + 1] = header
  redis.call('DEL', unpack(keys))
end
local fields = { 'c', ARGV[1], 'e', ARGV[3] }
for i = 5, #ARGV, 2 do
  fields[#fields + 1] = 'd:' .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
redis.call('HSET', header, unpack(fields))
count_move(class_of(header), e, tonumber(ARGV[3]))
local need = physical_ttl(tonumber(ARGV[3]))
redis.call('PEXPIRE', header, need + math.floor(need / 8))
if ARGV[4] ~= '' then extend_tombstone(KEYS[2], ARGV[4]) end
return 1
