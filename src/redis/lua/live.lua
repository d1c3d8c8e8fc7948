-- live(id): the record's expiresAt when it is live by the caller's clock, else 0.
local e = redis.call('HGET', header, 'e')
if e and tonumber(e) > now then return e end
return 0
