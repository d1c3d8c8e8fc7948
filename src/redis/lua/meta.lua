-- meta(id): { createdAt, expiresAt, name, json ... }, or {} when missing or expired.
local all = redis.call('HGETALL', header)
local e = tonumber(field_of(all, 'e'))
if not e or e <= now then return {} end
return meta_reply(all)
