-- touch(id): ARGV[3] expiresAt, ARGV[4] the touch step. Moves the record's expiry (and, when the
-- horizon falls short, the TTL of every key) unless later by less than the step; 1, or 0 when
-- missing.
local e = tonumber(redis.call('HGET', header, 'e'))
if not e or e <= now then return 0 end
if within_step(e, tonumber(ARGV[3]), ARGV[4]) then return 1 end
local refused, _, parts = plan_expiry(ARGV[3])
if refused then return refused end
redis.call('HSET', header, 'e', ARGV[3])
count_move(class_of(header), e, tonumber(ARGV[3]))
if parts then push_horizon(tonumber(ARGV[3]), parts) end
return 1
