-- meta(id): { createdAt, expiresAt, name, json ... }, or {} when missing or expired.
if not live_until() then return {} end
return meta_reply()
