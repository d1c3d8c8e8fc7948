import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createDetector } from '../../src/detect/index.js'
import { createReplyAssembler } from '../../src/detect/reply-stream.js'
import { isSessionKitError } from '../../src/errors.js'
import { createSessionKit } from '../../src/kit.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import { createPostgresStore, type PgPoolLike } from '../../src/postgres/index.js'
import { createRedisStore, type RedisClientLike, redisDetectionIndex } from '../../src/redis/index.js'
import { createMemoryStore } from '../../src/store/memory.js'

// docs/limits.md states a range for every numeric option. This test reads those rows and holds
// the code to them: the bounds are accepted, one step outside is INVALID_CONFIG naming the option.

const folder = mkdtempSync(join(tmpdir(), 'sessionkit-limits-'))
const snapshotPath = join(folder, 'unused.snap')
afterAll(() => rmSync(folder, { recursive: true, force: true }))
const doc = readFileSync(fileURLToPath(new URL('../../docs/limits.md', import.meta.url)), 'utf8')
const TEN_YEARS = 10 * 365 * 86_400_000
const client: RedisClientLike = { evalsha: async () => 0, eval: async () => 0, masters: async () => [] }
// Never queried: a store only checks its options when made, and the sweeper is turned off below.
const pool: PgPoolLike = {
  query: async () => ({ rows: [], rowCount: 0 }),
  connect: async () => {
    throw new Error('no server in this test')
  },
}

interface Row {
  readonly factory: string
  readonly option: string
  readonly integer: boolean
  readonly min: number
  readonly minIncluded: boolean
  readonly max: number
}

function number(text: string): number {
  const t = text.trim()
  if (t === 'ten years') return TEN_YEARS
  if (t === '2^53 - 1') return Number.MAX_SAFE_INTEGER
  return Number(t.replaceAll(',', ''))
}

function rows(): Row[] {
  const out: Row[] = []
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const head = /^`(\w+)` `([\w.*]+)`$/.exec(cells[1] ?? '')
    const range = cells[3]
    if (head === null || range === undefined) continue
    const integer = range.startsWith('integer, ')
    const body = range.replace(/^integer, /, '').split(/, and |; /)[0]!
    const above = /^above 0, at most (.+)$/.exec(body)
    const between = /^(.+?) to (.+)$/.exec(body)
    if (above !== null) {
      out.push({
        factory: head[1]!,
        option: head[2]!,
        integer,
        min: 0,
        minIncluded: false,
        max: number(above[1]!),
      })
    } else if (between !== null) {
      out.push({
        factory: head[1]!,
        option: head[2]!,
        integer,
        min: number(between[1]!),
        minIncluded: true,
        max: number(between[2]!),
      })
    }
  }
  return out
}

// The rule a row's option is set on: a token bucket, which takes `burst` and whose state does not
// grow with `limit` (a sliding window's log must also fit memory.maxBytes, a rule of its own row).
const rule = () => ({
  name: 'requests',
  per: 'session',
  algorithm: 'token-bucket',
  limit: 10,
  windowMs: 1000,
})

function build(factory: string, option: string, value: number): () => unknown {
  const options: Record<string, unknown> = factory === 'createRateLimiter' ? { rules: [rule()] } : {}
  let at = options
  const keys = option.split('.')
  for (const key of keys.slice(0, -1)) {
    // `rules.*.limit`: the first rule.
    const k = key === '*' ? '0' : key
    const inner = at[k] ?? {}
    at[k] = inner
    at = inner as Record<string, unknown>
  }
  at[keys[keys.length - 1]!] = value
  // A policy's numbers need its kind (and a cap its maximum).
  if (option.startsWith('seen.policy.')) {
    const policy = (options.seen as Record<string, Record<string, unknown>>).policy!
    policy.kind = 'decay'
    if (option === 'seen.policy.cap.windowMs') (policy.cap as Record<string, unknown>).max = 3
  }
  switch (factory) {
    case 'createSessionKit':
      // A given store: the kit checks its maxSessions without making a store of that size.
      return () => createSessionKit({ store: createMemoryStore({ maxSessions: 10 }), ...options })
    case 'createMemoryStore':
      if (option.startsWith('snapshot.')) (options.snapshot as Record<string, unknown>).path = snapshotPath
      return () => createMemoryStore(options)
    case 'createRedisStore':
      return () => createRedisStore({ client, ...options })
    case 'createPostgresStore':
      // The sweep interval's own row sets it; elsewhere no sweep runs against the fake pool.
      return () => createPostgresStore({ pool, sweepIntervalMs: 0, ...options })
    case 'createDetector':
      return () => createDetector(options)
    case 'createRateLimiter':
      return () => createRateLimiter(options as unknown as Parameters<typeof createRateLimiter>[0])
    case 'redisDetectionIndex':
      return () => redisDetectionIndex({ client, ...options })
    case 'createReplyAssembler':
      return () => createReplyAssembler(options)
    default:
      throw new Error(`unknown factory ${factory}`)
  }
}

// Accepting these at their maximum would reserve gigabytes up front (an LRU slot or an index ring
// per session), or breaks another rule stated in the same row (the cart's exact totals).
const skipMaxAccept = new Set([
  'createMemoryStore maxSessions',
  'createMemoryStore maxScopes',
  'createDetector maxSessions',
  'createSessionKit cart.maxUnitPrice',
  'createRateLimiter memory.maxKeys',
])

describe('docs/limits.md', () => {
  const all = rows()

  it('states a range for the options of every factory', () => {
    expect(all.length).toBeGreaterThan(40)
    expect(new Set(all.map((r) => r.factory))).toEqual(
      new Set([
        'createSessionKit',
        'createMemoryStore',
        'createRedisStore',
        'createPostgresStore',
        'createDetector',
        'createRateLimiter',
        'redisDetectionIndex',
        'createReplyAssembler',
      ]),
    )
  })

  it.each(all.map((r) => [`${r.factory} ${r.option}`, r] as const))(
    '%s: the stated range holds',
    async (name, row) => {
      const refused = async (value: number) => {
        let made: { close?: () => Promise<void> } | undefined
        try {
          made = build(row.factory, row.option, value)() as { close?: () => Promise<void> }
        } catch (error) {
          return (
            isSessionKitError(error, 'INVALID_CONFIG') &&
            error.details?.option === row.option.replace('*', '0')
          )
        }
        await made?.close?.()
        return false
      }
      const step = row.integer ? 1 : 0.001
      const low = row.minIncluded ? row.min : row.min + step
      expect(await refused(low), `${name} ${low}`).toBe(false)
      if (!skipMaxAccept.has(name)) expect(await refused(row.max), `${name} ${row.max}`).toBe(false)
      expect(await refused(row.minIncluded ? row.min - step : row.min), `${name} below`).toBe(true)
      if (row.max < Number.MAX_SAFE_INTEGER) expect(await refused(row.max + step), `${name} above`).toBe(true)
      if (row.integer) expect(await refused(low + 0.5), `${name} fraction`).toBe(true)
    },
  )
})
