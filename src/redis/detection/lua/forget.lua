-- Removes a session (KEYS[1], its record). Its chain keys and reply fingerprints point at a
-- record that is gone, so they match nothing, and expire by themselves. Replies 1 when it was live.
local live = load(string.sub(KEYS[1], #base + 4)) ~= nil
redis.call('DEL', KEYS[1])
return live and 1 or 0
