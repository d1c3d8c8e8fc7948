-- touch(id): ARGV[3] expiresAt. Moves the expiry of the header and every part key; 1, or 0 when missing.
if not live_until() then return 0 end
move_expiry(ARGV[3])
return 1
