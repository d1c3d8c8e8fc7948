// The floor of an exact sliding log on Redis, measured beside rate-limiter-flexible's counter: the
// server time per script (usec_per_call from INFO commandstats) of scripts cut to the bone, one rule,
// only an admission's arithmetic, no checks. Server time is what load on the machine disturbs least,
// and at many calls in flight it bounds throughput (one Redis thread runs every script).
import type { Redis } from 'ioredis'

/** rate-limiter-flexible's own script (lib/RateLimiterRedis.js): SET NX, INCRBY, PTTL. */
const COUNTER = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then redis.call('expire', KEYS[1], ARGV[2]) ttl = 1000 * ARGV[2] end
return {consumed, ttl}`

/** The layout sessionkit uses (state first, then the entries): read the state, append, write the state. */
const THREE_COMMANDS = `local now = tonumber(ARGV[1])
local key = KEYS[1]
local text = redis.call('LINDEX', key, 0)
local sum, newest, oldest, pushed, x, clock = 0, 0, now, 0, 0, 0
if text then sum, newest, oldest, pushed, x, clock = struct.unpack('<dddddd', text) end
local at = math.max(now, clock)
if sum + 1 > tonumber(ARGV[2]) then return {-1, 0, 0, 0} end
pushed = pushed + 1
sum = sum + 1
redis.call('RPUSH', key, struct.pack('<ddd', pushed, at, 1))
local head = struct.pack('<dddddd', sum, at, oldest, pushed, x, at)
if text then redis.call('LSET', key, 0, head) else redis.call('LPUSH', key, head) end
return {pushed, 0, 100 - sum, 60000}`

/**
 * The least any exact log can do: one read and one write. Every entry carries the state after it,
 * so the newest entry is the state (more bytes per entry).
 */
const TWO_COMMANDS = `local now = tonumber(ARGV[1])
local key = KEYS[1]
local text = redis.call('LINDEX', key, -1)
local seq, t, c, sum, oldest, x, clock = 0, 0, 0, 0, now, 0, 0
if text then seq, t, c, sum, oldest, x, clock = struct.unpack('<ddddddd', text) end
local at = math.max(now, clock)
if sum + 1 > tonumber(ARGV[2]) then return {-1, 0, 0, 0} end
sum = sum + 1
redis.call('RPUSH', key, struct.pack('<ddddddd', seq + 1, at, 1, sum, oldest, x, at))
return {seq + 1, 0, 100 - sum, 60000}`

/** Each script's best server time per call (us) over `rounds` interleaved rounds at one call in flight. */
export async function scriptFloor(
  redis: Redis,
  ours: { sha1: string; args: (now: number) => string[] },
  rounds = 15,
): Promise<{ counter: number; oursFull: number; threeCommands: number; twoCommands: number }> {
  const counterArgs = () => ['1', '60']
  const floorArgs = (now: number) => [String(now), '1000000']
  const run = {
    counter: { sha1: String(await redis.script('LOAD', COUNTER)), args: counterArgs },
    oursFull: ours,
    threeCommands: { sha1: String(await redis.script('LOAD', THREE_COMMANDS)), args: floorArgs },
    twoCommands: { sha1: String(await redis.script('LOAD', TWO_COMMANDS)), args: floorArgs },
  }
  const best = { counter: Infinity, oursFull: Infinity, threeCommands: Infinity, twoCommands: Infinity }
  for (let round = 0; round < rounds; round++) {
    for (const [name, { sha1, args }] of Object.entries(run) as [keyof typeof best, typeof ours][]) {
      const before = await evalshaStats(redis)
      // 20 keys, 100 admitted calls each: the logs grow as they do under steady traffic.
      for (let i = 0; i < 2000; i++)
        await redis.evalsha(sha1, 1, `floor:${name}:${round}:${i % 20}`, ...args(Date.now()))
      const after = await evalshaStats(redis)
      best[name] = Math.min(best[name], (after.usec - before.usec) / (after.calls - before.calls))
    }
  }
  return best
}

async function evalshaStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await redis.info('commandstats'))
  return { calls: Number(m?.[1] ?? 0), usec: Number(m?.[2] ?? 0) }
}
