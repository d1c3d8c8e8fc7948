-- create(id): ARGV[3] expiresAt, then name, json pairs of header facts.
-- 1 when made; 0 when a live record holds the id. An expired one is cleared first.
if live_until() then return 0 end
if redis.call('EXISTS', header) == 1 then purge() end
redis.call('HSET', header, 'c', ARGV[1], 'e', ARGV[3])
for i = 4, #ARGV, 2 do
  redis.call('HSET', header, 'd:' .. ARGV[i], ARGV[i + 1])
end
set_horizon(physical_ttl(tonumber(ARGV[3])))
return 1
