import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import type { RemovalEvent } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'

const start = Date.parse('2026-03-01T09:00:00Z')
const HOUR = 3_600_000

function setup(options: { maxSessions?: number; maxScopes?: number; maxBytes?: number } = {}) {
  const clock = createManualClock(start)
  const events: RemovalEvent[] = []
  const store = createMemoryStore({ clock, sweepIntervalMs: 0, onRemove: (e) => events.push(e), ...options })
  return { clock, store, events, expiresAt: start + HOUR }
}

describe('memory store limits', () => {
  it('evicts the least recently used record past maxSessions and reports it with its data', async () => {
    const { store, events, expiresAt } = setup({ maxSessions: 3 })
    for (const id of ['a', 'b', 'c']) await store.create(id, { expiresAt, data: { userId: `u-${id}` } })
    await store.meta('a')
    await store.create('d', { expiresAt })
    expect(events).toEqual([{ id: 'b', reason: 'evicted', limit: 'maxSessions', data: { userId: 'u-b' } }])
    expect(await store.meta('b')).toBe(undefined)
    expect(await store.count()).toBe(3)
    await store.touch('c', expiresAt)
    await store.create('e', { expiresAt })
    expect(events.map((e) => e.id)).toEqual(['b', 'a'])
    await store.close()
  })

  it('scope records (ids with ":") are capped apart and never take a session\'s place', async () => {
    const { store, events, expiresAt } = setup({ maxSessions: 3, maxScopes: 2 })
    for (const id of ['s1', 's2', 's3']) await store.create(id, { expiresAt })
    for (const id of ['user:a', 'user:b', 'user:c']) await store.create(id, { expiresAt })
    expect(events.map((e) => [e.id, e.limit])).toEqual([['user:a', 'maxScopes']])
    expect(await store.count()).toBe(5)
    expect(await store.count({ prefix: 's' })).toBe(3)
    await store.create('s4', { expiresAt })
    expect(events.map((e) => [e.id, e.limit])).toEqual([
      ['user:a', 'maxScopes'],
      ['s1', 'maxSessions'],
    ])
    await store.close()
  })

  it('byte eviction takes the least recently used record of sessions and scopes together', async () => {
    const { store, events, expiresAt } = setup({ maxBytes: 40_000 })
    const blob = 'x'.repeat(9_000)
    for (const id of ['s1', 'user:a', 's2', 'user:b']) {
      await store.create(id, { expiresAt })
      await store.setValue(id, 'blob', blob)
    }
    await store.meta('s1')
    await store.create('s3', { expiresAt })
    await store.setValue('s3', 'blob', blob)
    expect(events.map((e) => [e.id, e.limit])).toEqual([['user:a', 'maxBytes']])
    expect(store.bytes).toBeLessThanOrEqual(40_000)
    await store.close()
  })

  it('by default holds at most a quarter of the heap limit, in estimated heap bytes', async () => {
    const { getHeapStatistics } = await import('node:v8')
    const store = createMemoryStore()
    expect(store.maxBytes).toBe(Math.floor(getHeapStatistics().heap_size_limit / 4))
    await store.close()
  })

  it('reports evictions to subscribe() listeners until they unsubscribe', async () => {
    const { store, expiresAt } = setup({ maxSessions: 1 })
    const seen: string[] = []
    const stop = store.subscribe?.((e) => seen.push(`${e.id}:${e.reason}`))
    await store.create('a', { expiresAt })
    await store.create('b', { expiresAt })
    stop?.()
    await store.create('c', { expiresAt })
    expect(seen).toEqual(['a:evicted'])
    await store.close()
  })

  it('evicts by maxBytes, oldest first, naming the limit, and never the record just written', async () => {
    const { store, events, expiresAt } = setup({ maxBytes: 16_000 })
    for (const id of ['a', 'b', 'c']) {
      await store.create(id, { expiresAt })
      await store.setValue(id, 'blob', 'x'.repeat(4_000))
    }
    expect(events).toEqual([])
    await store.setValue('a', 'blob', 'y'.repeat(8_000))
    expect(events.map((e) => [e.id, e.reason, e.limit])).toEqual([['b', 'evicted', 'maxBytes']])
    expect((await store.getValue('a', 'blob'))?.value).toBe('y'.repeat(8_000))
    expect(store.bytes).toBeLessThanOrEqual(16_000)
    await store.close()
  })

  it('refuses a write that alone would pass maxBytes with LIMIT_EXCEEDED, changing nothing', async () => {
    const { store, events, expiresAt } = setup({ maxBytes: 4_000 })
    await store.create('a', { expiresAt })
    await store.setValue('a', 'blob', 'small')
    await store.push('a', 'log', [1, 2], { max: 10 })
    const bytes = store.bytes
    const tooBig = 'x'.repeat(5_000)
    for (const write of [
      () => store.setValue('a', 'blob', tooBig),
      () => store.push('a', 'log', [tooBig], { max: 10 }),
      () => store.updateMap('a', 'cart', { set: { big: tooBig } }),
      () => store.patchMeta('a', { big: tooBig }),
    ]) {
      const error = await write().catch((e: unknown) => e)
      expect(isSessionKitError(error, 'LIMIT_EXCEEDED')).toBe(true)
    }
    expect(store.bytes).toBe(bytes)
    expect((await store.getValue('a', 'blob'))?.value).toBe('small')
    expect((await store.range('a', 'log', 0, -1)).lastSeq).toBe(2)
    expect(events).toEqual([])
    await store.close()
  })

  it('gives bytes back when parts and records go', async () => {
    const { store, expiresAt } = setup()
    const empty = store.bytes
    await store.create('a', { expiresAt })
    const record = store.bytes
    await store.setValue('a', 'blob', 'x'.repeat(1_000))
    await store.push('a', 'log', ['y'.repeat(500), 'z'.repeat(500)], { max: 1 })
    await store.updateMap('a', 'cart', { set: { f: 'w'.repeat(300) } })
    expect(store.bytes).toBeGreaterThan(record + 1_800)
    await store.deletePart('a', 'blob')
    await store.deletePart('a', 'log')
    await store.updateMap('a', 'cart', { delete: ['f'] })
    expect(store.bytes).toBeLessThan(record + 400)
    await store.delete('a')
    expect(store.bytes).toBe(empty)
    await store.close()
  })

  it('counts a patched header as if it had been created with its new data', async () => {
    const { store, expiresAt } = setup()
    await store.create('a', { expiresAt, data: { userId: 'u1', device: 'web', plan: 'free' } })
    await store.patchMeta('a', { device: null, plan: { tier: 'pro', seats: 3 }, lang: 'fr-CH' })
    const patched = store.bytes
    await store.delete('a')
    await store.create('a', {
      expiresAt,
      data: { userId: 'u1', plan: { tier: 'pro', seats: 3 }, lang: 'fr-CH' },
    })
    expect(store.bytes).toBe(patched)
    await store.close()
  })

  it('refuses a value larger than maxValueBytes with INVALID_ARGUMENT', async () => {
    const store = createMemoryStore({
      clock: createManualClock(start),
      maxValueBytes: 100,
      sweepIntervalMs: 0,
    })
    await store.create('a', { expiresAt: start + HOUR })
    const error = await store.setValue('a', 'v', 'x'.repeat(200)).catch((e: unknown) => e)
    expect(isSessionKitError(error, 'INVALID_ARGUMENT')).toBe(true)
    await store.close()
  })
})
