-- Indexes a request extended by the upstream's reply (see bindReply in src/detect/detector.ts).
-- KEYS[1] the session's record, KEYS[2] the extended request's chain key, KEYS[3] (an assistant
-- reply) the reply fingerprint's index key. ARGV[4] "<position> <tag> <fuzzy window>". Replies
-- 0 when the session is gone, else 1.
local pos, tag, window = string.match(ARGV[4], '^(%d+) (%d+) (%d+)$')
local s = load(string.sub(KEYS[1], #base + 4))
if not s then return 0 end
if add_key(s, KEYS[2], tonumber(pos), tonumber(tag)) then set(s, 'l', s.f.l + 1) end
if KEYS[3] then add_reply(s, KEYS[3], string.sub(KEYS[3], #base + 4), tonumber(window)) end
set(s, 'a', 1)
set(s, 'e', now)
flush()
return 1
