import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createDetector } from '../../src/detect/index.js'
import { fromIoredis, redisDetectionIndex } from '../../src/redis/index.js'
import { ignoreConnectionErrors, redisPort, uniquePrefix } from '../helpers/redis-clients.js'

const HOUR = 3_600_000
const user = (content: string) => ({ role: 'user', content })
const assistant = (content: string) => ({ role: 'assistant', content })

describe.runIf(redisPort !== undefined)('Redis detection index key layout', () => {
  let raw: Redis
  beforeAll(() => {
    raw = new Redis({ host: '127.0.0.1', port: redisPort }).on('error', ignoreConnectionErrors)
  })
  afterAll(async () => {
    await raw.quit()
  })

  it('keeps each tenant under one hash tag, every key expiring with the idle TTL, and no global key', async () => {
    const prefix = uniquePrefix()
    const clock = createManualClock(Date.now())
    const detector = createDetector({
      clock,
      idleMs: HOUR,
      index: redisDetectionIndex({ client: fromIoredis(raw), prefix, expiryGraceMs: 1_000 }),
    })
    for (const tenant of ['acme', 'globex']) {
      for (let c = 0; c < 3; c++) {
        const first = [user(`question ${c} from ${tenant}`)]
        const d = await detector.detect({ messages: first, tenant })
        await detector.bindReply(d, assistant(`answer ${c}`))
        await detector.detect({ messages: [...first, assistant(`answer ${c}`), user('more')], tenant })
      }
    }
    const keys = await raw.keys(`{${prefix}:d*`)
    const tags = new Map<string, string[]>()
    for (const key of keys) {
      if (key === `{${prefix}:d}:seed:v1`) {
        expect(await raw.pttl(key)).toBe(-1)
        continue
      }
      const match = /^\{[^}]+:d:([A-Za-z0-9_-]{12})\}:([skr]):[A-Za-z0-9_-]+$/.exec(key)
      expect(match, key).not.toBeNull()
      tags.set(match![1]!, [...(tags.get(match![1]!) ?? []), match![2]!])
      const ttl = await raw.pttl(key)
      expect(ttl).toBeGreaterThan(HOUR - 5_000)
      expect(ttl).toBeLessThanOrEqual(HOUR + 1_000)
    }
    // Two tenants, two hash tags (two slots at most), each with 3 records, chain keys and replies.
    expect(tags.size).toBe(2)
    for (const kinds of tags.values()) {
      expect(kinds.filter((k) => k === 's')).toHaveLength(3)
      expect(kinds.filter((k) => k === 'k').length).toBeGreaterThanOrEqual(9)
      expect(kinds.filter((k) => k === 'r')).toHaveLength(3)
    }
  })

  // What each script touches, from MONITOR: every key a client's EVALSHA names in KEYS, and every
  // key the commands it runs inside Redis (source "lua") read or write. The only keys outside KEYS
  // may be session records found by a lookup (a chain key's or a fingerprint's owner), and they
  // share the declared keys' hash tag.
  it('declares in KEYS every key a script touches, except records a lookup found, which share their slot', async () => {
    const prefix = uniquePrefix()
    const clock = createManualClock(Date.now())
    const detector = createDetector({
      clock,
      index: redisDetectionIndex({ client: fromIoredis(raw), prefix }),
    })
    await detector.detect({ messages: [user('warm up')], tenant: 'acme' })
    const monitor = await raw.monitor()
    const calls: { keys: string[]; touched: string[] }[] = []
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const name = args[0]!.toLowerCase()
      if (source !== 'lua') {
        if (name === 'evalsha' || name === 'eval') {
          calls.push({ keys: args.slice(3, 3 + Number(args[2])), touched: [] })
        }
        return
      }
      const call = calls[calls.length - 1]!
      call.touched.push(...(name === 'mget' ? args.slice(1) : [args[1]!]))
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const history = [user('plan a trip to Lisbon')]
    const turn = async (messages: ReturnType<typeof user>[], answer?: string) => {
      const d = await detector.detect({ messages, tenant: 'acme' })
      if (answer !== undefined) await detector.bindReply(d, assistant(answer))
      return d
    }
    // New, continued turns, a retry, a fork, an edited history (fuzzy), a truncated one, a
    // reset, a fragment, an explicit id.
    await turn(history, 'three days')
    history.push(assistant('three days'), user('what about food?'))
    await turn(history, 'try bacalhau')
    history.push(assistant('try bacalhau'), user('and museums?'))
    await turn(history, 'the tile museum')
    await turn(history)
    await turn([...history.slice(0, -1), user('and beaches?')])
    const edited = [user('plan a trip to Porto'), ...history.slice(1)]
    expect((await turn(edited)).kind).toBe('fuzzy')
    expect((await turn([...history.slice(2), assistant('the tile museum'), user('thanks')])).kind).toBe(
      'fuzzy',
    )
    expect((await turn([...history, assistant('the tile museum'), user('start over')])).kind).toBe('reset')
    expect((await turn([user('hi'), assistant('never seen'), user('ok')])).kind).toBe('fragmented')
    await detector.detect({ messages: [user('x')], tenant: 'acme', explicitId: 'client-chosen-id-0001' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    monitor.disconnect()
    expect(calls.length).toBeGreaterThanOrEqual(12)
    let touched = 0
    let outside = 0
    for (const call of calls) {
      const tag = /^\{[^}]+\}/.exec(call.keys[0]!)![0]
      for (const key of call.touched) {
        touched++
        if (call.keys.includes(key)) continue
        outside++
        expect(key, `${key} touched outside KEYS`).toMatch(/^\{[^}]+\}:s:[A-Za-z0-9_-]+$/)
        expect(key.startsWith(tag)).toBe(true)
      }
    }
    // The commands were seen, and so were the records a lookup found (the documented exception).
    expect(touched).toBeGreaterThan(3 * calls.length)
    expect(outside).toBeGreaterThan(0)
  })
  // A record is one string rewritten on every call: it keeps the tips of the last 32 branches it
  // left, so a session forked without end stays small (a branch further back continues from 0).
  it('keeps a session record bounded however often it forks', async () => {
    const prefix = uniquePrefix()
    const detector = createDetector({
      index: redisDetectionIndex({ client: fromIoredis(raw), prefix }),
    })
    const opening = [user('plan a trip to Lisbon')]
    const first = await detector.detect({ messages: opening, tenant: 'acme' })
    await detector.bindReply(first, assistant('three days'))
    const kinds: string[] = []
    for (let i = 0; i < 80; i++) {
      const d = await detector.detect({
        messages: [...opening, assistant('three days'), user(`edit number ${i}`)],
        tenant: 'acme',
      })
      expect(d.sessionId).toBe(first.sessionId)
      kinds.push(d.kind)
    }
    expect(kinds[0]).toBe('continued')
    // Each edit leaves the branch before it; once branch 0's tip is among the dropped ones, the
    // next edit of its state continues it (from 0) instead of forking again.
    expect(kinds.slice(1, 33)).toEqual(kinds.slice(1, 33).map(() => 'fork'))
    expect(kinds.filter((k) => k === 'continued').length).toBeLessThanOrEqual(4)
    const [record] = await raw.keys(`{${prefix}:d:*}:s:${first.sessionId}`)
    // Its fixed fields (37 bytes), one reply fingerprint (22) and 32 tips of 8 bytes.
    expect(await raw.strlen(record!)).toBe(37 + 22 + 32 * 8)
  })
})
