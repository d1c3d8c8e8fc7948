-- A request with an explicit id. KEYS[1] the record of the id as sent, KEYS[2] of the id derived
-- from it for this tenant (see explicit() in src/detect/detector.ts): an id this index gave the
-- tenant is used as is, any other is derived. ARGV[4] the request's position. Replies
-- "<session id> <created: 0/1> <messages added> <messages seen>".
local position = tonumber(ARGV[4])
local key = KEYS[1]
local id = string.sub(key, #base + 4)
local s = load(id)
local created = 0
if not s then
  key = KEYS[2]
  id = string.sub(key, #base + 4)
  s = load(id)
  if not s then
    s = create(id, key)
    created = 1
  end
end
set(s, 'e', now)
local added = math.max(0, position - s.f.l)
set(s, 'l', s.f.l + added)
flush()
return table.concat({ id, created, added, s.f.l }, ' ')
