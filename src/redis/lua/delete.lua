-- delete(id): removes every key of the record; 1 when it was live, 0 otherwise (leftovers of an
-- expired record go too).
local was_live = live_until()
if redis.call('EXISTS', header) == 1 then purge() end
if was_live then return 1 end
return 0
