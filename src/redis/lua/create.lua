-- create(id): KEYS[2] the id's tombstone; ARGV[3] expiresAt, ARGV[4] tombstoneUntil or '', then
-- name, json pairs of header facts.
-- 1 when made; 0 when a live record or a live tombstone holds the id. An expired record is cleared first.
if live_until() then return 0 end
if tombstone_live(KEYS[2]) then return 0 end
if redis.call('EXISTS', header) == 1 then purge() end
redis.call('HSET', header, 'c', ARGV[1], 'e', ARGV[3])
for i = 5, #ARGV, 2 do
  redis.call('HSET', header, 'd:' .. ARGV[i], ARGV[i + 1])
end
set_horizon(physical_ttl(tonumber(ARGV[3])))
if ARGV[4] ~= '' then extend_tombstone(KEYS[2], ARGV[4]) end
return 1
