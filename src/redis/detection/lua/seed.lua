-- The secret every replica mixes into chain keys. KEYS[1] holds it (no expiry); ARGV[4] is a
-- candidate, stored when there is none yet. Replies the seed in force.
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[4])
return ARGV[4]
