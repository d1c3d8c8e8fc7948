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
})
