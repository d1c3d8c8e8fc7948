-- countLive: KEYS the live-record counters to read (see the prelude); ARGV[3] the class ('' for
-- sessions, 'user:' for users' records, '*' for every class). The number of records of that class
-- whose expiry bucket has not passed: exact but for records that expired in the current minute.
local current = math.floor(now / 60000)
local class = ARGV[3]
local n = 0
for k = 1, #KEYS do
  local all = redis.call('HGETALL', KEYS[k])
  for i = 1, #all, 2 do
    local c, bucket = string.match(all[i], '^(.-)(%d+)$')
    if (class == '*' or c == class) and tonumber(bucket) >= current then n = n + tonumber(all[i + 1]) end
  end
end
return n
