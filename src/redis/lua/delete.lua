-- delete(id): removes every key of the record; 1 when it was live, 0 otherwise (what an expired
-- record left goes too).
local all = redis.call('HGETALL', header)
if #all == 0 then return 0 end
local keys = keys_of_parts(parts_of(all))
local ask = ask_for(keys)
if ask then return ask end
keys[#keys + 1] = header
redis.call('DEL', unpack(keys))
local e = tonumber(field_of(all, 'e'))
count_move(class_of(header), e, nil)
if e and e > now then return 1 end
return 0
