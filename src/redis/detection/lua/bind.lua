-- Indexes a request extended by the upstream's reply (see bindReply in src/detect/detector.ts).
-- KEYS[1] the session's record, KEYS[2] the extended request's chain key, KEYS[3] (an assistant
-- reply) the reply fingerprint's index key. Replies { 0 } when the session is gone, else
-- { 1, messages added, messages seen }.
local id, pos, tag, window = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local s = load(id)
if not s then return { 0 } end
local added = 0
if add_key(s, KEYS[2], pos, tag) then
  added = 1
  set(s, 'l', s.f.l + 1)
end
if KEYS[3] then add_reply(s, KEYS[3], string.sub(KEYS[3], #base + 4), window) end
set(s, 'a', 1)
touch(s)
flush()
return { 1, added, s.f.l }
