-- deletePart(id, part): KEYS[2] part key; ARGV[3] part, [4] expiresAt or ''.
-- { 'ok' } or { 'missing' }. A list keeps its seq counter (`s:<part>` stays in the header).
if not live_until() then return { 'missing' } end
clear_part(ARGV[3])
if ARGV[4] ~= '' then move_expiry(ARGV[4]) end
return { 'ok' }
