// detect() on the Redis detection index against its floor: the in-process detect() of the same
// turn plus one raw GET of a 16-byte key on the same ioredis client (hashing cannot be skipped,
// and one round trip is the least a shared index costs). A turn after bindReply on a 20-message
// request, sequential and 64 in flight, on a redis-server this benchmark starts. Then the
// commands each call sends (MONITOR), and the memory of a typical session (MEMORY USAGE).
import { Redis } from 'ioredis'
import { createDetector, type Detector, type SharedDetector } from '../src/detect/index.js'
import { fromIoredis, redisDetectionIndex } from '../src/redis/index.js'
import { startRedisServer } from '../test/integration/redis-harness.js'
import { type Conversation, conversations } from './lib/gateway-requests.js'

const CONVERSATIONS = 400
const ROUNDS = 6
const IN_FLIGHT = 64

const server = await startRedisServer()
const redis = new Redis({ host: '127.0.0.1', port: server.port })
const client = fromIoredis(redis)
const all = conversations(CONVERSATIONS)
await redis.set('bench:floor-key', '0123456789abcdef')

// Plays each conversation up to its last request as a gateway does (detect, then bindReply).
async function prime(detector: Detector | SharedDetector, list: readonly Conversation[], inFlight = 32) {
  await pool(list, inFlight, async (c) => {
    for (let end = 2; end < c.messages.length; end += 2) {
      const d = await detector.detect({ messages: c.messages.slice(0, end), tenant: c.tenant })
      await detector.bindReply(d, c.messages[end]!)
    }
  })
}

// Runs `work` on every item with at most `inFlight` at once.
async function pool<T>(items: readonly T[], inFlight: number, work: (item: T) => Promise<unknown>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(inFlight, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!)
    }),
  )
}

// Calls and server time (us) of one command so far, from INFO commandstats: far less sensitive to
// the machine's load than wall time.
async function serverStat(command: string): Promise<{ calls: number; usec: number }> {
  const m = new RegExp(`cmdstat_${command}:calls=(\\d+),usec=(\\d+)`).exec(await redis.info('commandstats'))
  return { calls: Number(m?.[1] ?? 0), usec: Number(m?.[2] ?? 0) }
}

// The least any index of one script per call costs: in-process detect() plus a script that returns
// at once, sent with the keys and arguments detect() sends for the same request (captured from a
// run of the shared detector below). What it misses of the floor is Redis's fixed cost of running
// a script and of the arguments, not work the index does.
const emptyScript = String(await redis.script('LOAD', 'return 1'))
// The commands a continued turn runs and nothing else: an MGET of the probed chain keys, a read of
// the session's record, a SET of the new chain key and a write of the record (on keys of their
// own, suffixed, so the index is left alone): the least the key layout costs, without placement's
// Lua. `record` reads and writes the record at `key`.
const continuedTurnScript = async (suffix: string, record: string) =>
  String(
    await redis.script(
      'LOAD',
      `local chain = {}
for i = 1, #ARGV - 6 do chain[i] = KEYS[1 + i] .. '${suffix}' end
redis.call('MGET', unpack(chain))
redis.call('SET', chain[1], string.rep('k', 30), 'PX', ARGV[3])
local key = KEYS[1] .. '${suffix}'
${record}
return 1`,
    ),
  )
// The record as one string (GET, then SET with its expiry).
const commandsScript = await continuedTurnScript(
  '~',
  `redis.call('SET', key, redis.call('GET', key) or string.rep('r', 100), 'PX', ARGV[3])`,
)
// The record as a hash, as it was stored before: an HMGET of ten fields, an HSET of the fields a
// continued turn changes and a PEXPIRE.
const hashScript = await continuedTurnScript(
  '~h',
  `redis.call('HMGET', key, 'e', 'a', 'b', 'B', 't', 'l', 'y', 'r', 'fh', 'fn')
redis.call('HSET', key, 'e', ARGV[1], 'a', 1, 't', 19, 'T0', 19, 'l', 19, 'r', 573157767, 'y', 453614599)
redis.call('PEXPIRE', key, ARGV[3])`,
)

const sent = new Map<Conversation, { keys: readonly string[]; args: readonly string[] }>()
{
  let current: Conversation | undefined
  const capture = { ...client }
  capture.evalsha = (sha1, keys, args) => {
    if (current !== undefined && keys.length > 1) sent.set(current, { keys, args })
    return client.evalsha(sha1, keys, args)
  }
  const index = redisDetectionIndex({ client: capture, prefix: 'bench-capture', commandTimeoutMs: 10_000 })
  const shared = createDetector({ index, maxSessions: 2 * CONVERSATIONS })
  await prime(shared, all)
  for (const c of all) {
    current = c
    await shared.detect({ messages: c.messages, tenant: c.tenant })
  }
}

const floorUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
const emptyUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
const emptyServerUs: number[] = []
const commandsUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
const commandsServerUs: number[] = []
const hashUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
const hashServerUs: number[] = []
const getServerUs: number[] = []
const placeServerUs: number[] = []
const oursUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
const coldUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
const coldServerUs: number[] = []
// This process's CPU time per request (process.cpuUsage) of the floor and of detect(): what the
// client side adds (arguments, reply fingerprints, the promise chain), less moved by load than wall.
const floorCpuUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
const oursCpuUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
let prefixes = 0
const CHUNK = 100
// In-process detect() of the request, then `script` sent with the keys and arguments detect() sends.
function scriptMeasure(script: string, wall: Record<number, number[]>, server: number[], local: Detector) {
  return {
    wall,
    server,
    command: 'evalsha',
    op: async (c: Conversation) => {
      local.detect({ messages: c.messages, tenant: c.tenant })
      const call = sent.get(c)!
      await client.evalsha(script, call.keys, call.args)
    },
  }
}
for (let r = 0; r < ROUNDS; r++) {
  for (const inFlight of [1, IN_FLIGHT]) {
    // Fresh, primed detectors for each measure: every timed request is a turn after bindReply.
    const index = redisDetectionIndex({ client, prefix: `bench${prefixes++}`, commandTimeoutMs: 10_000 })
    const shared = createDetector({ index, maxSessions: 2 * CONVERSATIONS })
    // A replica that saw none of the conversations, on an index another one primed alike: it hashes
    // every reply the request carries, where `shared` takes the ones of turns it placed from its memo.
    const coldPrefix = `bench${prefixes++}`
    const indexFor = () => redisDetectionIndex({ client, prefix: coldPrefix, commandTimeoutMs: 10_000 })
    await prime(createDetector({ index: indexFor(), maxSessions: 2 * CONVERSATIONS }), all)
    const cold = createDetector({ index: indexFor(), maxSessions: 2 * CONVERSATIONS })
    const local = createDetector({ maxSessions: 2 * CONVERSATIONS })
    await prime(shared, all)
    await prime(local, all)
    const measures = [
      {
        wall: floorUs,
        server: getServerUs,
        command: 'get',
        op: async (c: Conversation) => {
          local.detect({ messages: c.messages, tenant: c.tenant })
          await redis.get('bench:floor-key')
        },
      },
      scriptMeasure(emptyScript, emptyUs, emptyServerUs, local),
      scriptMeasure(commandsScript, commandsUs, commandsServerUs, local),
      scriptMeasure(hashScript, hashUs, hashServerUs, local),
      {
        wall: coldUs,
        server: coldServerUs,
        command: 'evalsha',
        op: (c: Conversation) => cold.detect({ messages: c.messages, tenant: c.tenant }),
      },
      {
        wall: oursUs,
        server: placeServerUs,
        command: 'evalsha',
        op: (c: Conversation) => shared.detect({ messages: c.messages, tenant: c.tenant }),
      },
    ]
    // The measures take turns on chunks of the requests (in a rotating order), so that a change in the
    // machine's load falls on all of them alike.
    const us = measures.map(() => 0)
    const cpu = measures.map(() => 0)
    const server = measures.map(() => ({ calls: 0, usec: 0 }))
    for (let from = 0, turn = 0; from < all.length; from += CHUNK, turn++) {
      const chunk = all.slice(from, from + CHUNK)
      for (let k = 0; k < measures.length; k++) {
        const i = (k + turn) % measures.length
        const m = measures[i]!
        const before = await serverStat(m.command)
        const start = performance.now()
        const startCpu = process.cpuUsage()
        if (inFlight === 1) for (const c of chunk) await m.op(c)
        else await pool(chunk, inFlight, m.op)
        us[i]! += (performance.now() - start) * 1000
        const used = process.cpuUsage(startCpu)
        cpu[i]! += used.user + used.system
        const after = await serverStat(m.command)
        server[i]!.calls += after.calls - before.calls
        server[i]!.usec += after.usec - before.usec
      }
    }
    floorCpuUs[inFlight]!.push(cpu[0]! / all.length)
    oursCpuUs[inFlight]!.push(cpu[measures.length - 1]! / all.length)
    measures.forEach((m, i) => {
      m.wall[inFlight]!.push(us[i]! / all.length)
      m.server.push(server[i]!.usec / server[i]!.calls)
    })
  }
}
// Round 0 warms up and is left out.
const median = (xs: number[]) => [...xs.slice(1)].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
console.log(
  `request: 20 messages of 400 characters, a turn after bindReply; ${CONVERSATIONS} conversations; median of ${ROUNDS - 1} rounds`,
)
for (const inFlight of [1, IN_FLIGHT]) {
  const floor = median(floorUs[inFlight]!)
  const ours = median(oursUs[inFlight]!)
  const ratio = floor / ours
  console.log(
    `${inFlight === 1 ? 'sequential' : `${inFlight} in flight`}: detect() on Redis ${ours.toFixed(1)} us per request, floor (in-process detect() + one GET) ${floor.toFixed(1)} us = ${ratio.toFixed(2)}x (target >= 0.75x) ${ratio >= 0.75 ? 'PASS' : 'MISS'}`,
  )
  const cold = median(coldUs[inFlight]!)
  console.log(
    `  detect() on a replica that saw none of the conversation (every reply hashed): ${cold.toFixed(1)} us = ${(floor / cold).toFixed(2)}x of the floor`,
  )
  const empty = median(emptyUs[inFlight]!)
  console.log(
    `  the least a one-script index costs (in-process detect() + an empty script with the same keys and arguments) ${empty.toFixed(1)} us = ${(floor / empty).toFixed(2)}x of the floor; detect() = ${(empty / ours).toFixed(2)}x of it`,
  )
  console.log(
    `  client CPU per request: the floor ${median(floorCpuUs[inFlight]!).toFixed(1)} us, detect() ${median(oursCpuUs[inFlight]!).toFixed(1)} us`,
  )
  const commands = median(commandsUs[inFlight]!)
  const hash = median(hashUs[inFlight]!)
  console.log(
    `  the least this key layout costs (in-process detect() + a script that runs only a continued turn's commands) ${commands.toFixed(1)} us = ${(floor / commands).toFixed(2)}x of the floor; with the record as a hash ${hash.toFixed(1)} us = ${(floor / hash).toFixed(2)}x`,
  )
}
console.log(
  `server time per call (INFO commandstats usec_per_call, median): the place script ${median(placeServerUs).toFixed(1)} us; a continued turn's commands alone ${median(commandsServerUs).toFixed(1)} us (the record one string: MGET, GET, SET, SET), ${median(hashServerUs).toFixed(1)} us (the record a hash: MGET, HMGET, SET, HSET, PEXPIRE); an empty script with its keys and arguments ${median(emptyServerUs).toFixed(1)} us; the floor's GET ${median(getServerUs).toFixed(1)} us`,
)

// Commands sent to Redis per call, counted by MONITOR (commands a script runs inside Redis are
// reported with source "lua" and not counted: they are not round trips).
async function commandsPer(work: () => Promise<number>): Promise<{ commands: number; calls: number }> {
  const monitor = await redis.monitor()
  let commands = 0
  monitor.on('monitor', (_time: string, _args: string[], source: string) => {
    if (!source.includes('lua')) commands++
  })
  await new Promise((resolve) => setTimeout(resolve, 50))
  const calls = await work()
  await new Promise((resolve) => setTimeout(resolve, 200))
  monitor.disconnect()
  return { commands, calls }
}
{
  const index = redisDetectionIndex({ client, prefix: `bench${prefixes++}`, commandTimeoutMs: 10_000 })
  const shared = createDetector({ index, maxSessions: 2 * CONVERSATIONS })
  const sample = all.slice(0, 100)
  await prime(shared, sample)
  const turns = await commandsPer(async () => {
    for (const c of sample) {
      const d = await shared.detect({ messages: c.messages, tenant: c.tenant })
      await shared.bindReply(d, { role: 'assistant', content: `answer to ${c.tenant}` })
    }
    return sample.length
  })
  const fresh = conversations(100, { from: 10_000 })
  const unseen = await commandsPer(async () => {
    for (const c of fresh) await shared.detect({ messages: c.messages, tenant: c.tenant })
    return fresh.length
  })
  console.log(
    `round trips (MONITOR): ${(turns.commands / turns.calls).toFixed(2)} per turn after bindReply (detect() + bindReply()); ${(unseen.commands / unseen.calls).toFixed(2)} per detect() of a request nothing matches`,
  )
}

// Memory of a typical session on Redis (5 turns, 10 messages and a system prompt, replies bound):
// every key under the index's prefix, by MEMORY USAGE, over the sessions.
{
  const SESSIONS = 2_000
  const prefix = `bench${prefixes++}`
  const index = redisDetectionIndex({ client, prefix, commandTimeoutMs: 10_000 })
  const shared = createDetector({ index, maxSessions: 2 * SESSIONS })
  await prime(shared, conversations(SESSIONS, { from: 20_000, turns: 10, chars: 300 }))
  const bytes: Record<string, { keys: number; bytes: number }> = {}
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}:d:*`, 'COUNT', 1000)
    cursor = next
    for (const key of keys) {
      const kind = /\}:(\w)/.exec(key)?.[1] ?? '?'
      bytes[kind] ??= { keys: 0, bytes: 0 }
      const b = bytes[kind]
      b.keys++
      b.bytes += Number(await redis.memory('USAGE', key))
    }
  } while (cursor !== '0')
  const total = Object.values(bytes).reduce((n, b) => n + b.bytes, 0)
  const keys = Object.values(bytes).reduce((n, b) => n + b.keys, 0)
  const names: Record<string, string> = { s: 'session records', k: 'chain keys', r: 'reply fingerprints' }
  console.log(
    `memory per typical session on Redis (5 turns, replies bound): ${Math.round(total / SESSIONS).toLocaleString('en-US')} bytes in ${(keys / SESSIONS).toFixed(1)} keys (MEMORY USAGE): ${Object.entries(
      bytes,
    )
      .map(
        ([kind, b]) =>
          `${names[kind] ?? kind} ${(b.keys / SESSIONS).toFixed(1)} x ${Math.round(b.bytes / b.keys)} B`,
      )
      .join(', ')}`,
  )
}

redis.disconnect()
await server.stop()
