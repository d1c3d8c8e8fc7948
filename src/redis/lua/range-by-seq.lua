-- rangeBySeq(id, part): KEYS[2] list key; ARGV[3] part, [4] afterSeq or '', [5] beforeSeq or '',
-- [6] limit, [7] '1' for the newest `limit` entries of the window, '0' for the oldest.
-- { length, lastSeq, firstIndex, json ... } as range.lua; { 'kind', kind }.
local refused, f = open_read(ARGV[3], 'l', { 0, 0, 0 }, 's:')
if refused then
  if f then return { 0, tonumber(f[4]) or 0, 0 } end
  return refused
end
local last = tonumber(f[4]) or 0
local length = redis.call('LLEN', KEYS[2])
local first_seq = last - length + 1
local lo, hi = first_seq, last
if ARGV[4] ~= '' then lo = math.max(lo, tonumber(ARGV[4]) + 1) end
if ARGV[5] ~= '' then hi = math.min(hi, tonumber(ARGV[5]) - 1) end
local limit = tonumber(ARGV[6])
if hi - lo + 1 > limit then
  if ARGV[7] == '1' then
    lo = hi - limit + 1
  else
    hi = lo + limit - 1
  end
end
local out = { length, last, lo - first_seq }
if lo > hi then return out end
local values = redis.call('LRANGE', KEYS[2], lo - first_seq, hi - first_seq)
for i = 1, #values do out[#out + 1] = values[i] end
return out
