import { describe, expect, it } from 'vitest'
import { createManualClock, systemClock } from '../../src/clock.js'
import { isSessionKitError, SessionKitError } from '../../src/errors.js'
import { createMemoryStore, type MemoryStoreOptions } from '../../src/store/memory.js'

function configError(options: unknown): SessionKitError {
  try {
    createMemoryStore(options as MemoryStoreOptions)
  } catch (error) {
    if (error instanceof SessionKitError) return error
    throw error
  }
  throw new Error('createMemoryStore accepted bad options')
}

describe('memory store options', () => {
  it.each([
    ['maxSessions', { maxSessions: 0 }],
    ['maxSessions', { maxSessions: -5 }],
    ['maxSessions', { maxSessions: 1.5 }],
    ['maxSessions', { maxSessions: '100' }],
    ['maxSessions', { maxSessions: Number.POSITIVE_INFINITY }],
    ['maxBytes', { maxBytes: 0 }],
    ['maxValueBytes', { maxValueBytes: -1 }],
    ['sweepIntervalMs', { sweepIntervalMs: -1 }],
    ['clock', { clock: Date.now }],
    ['onRemove', { onRemove: 'log' }],
    ['snapshot.path', { snapshot: { path: '' } }],
    ['snapshot.intervalMs', { snapshot: { path: 'x.snap', intervalMs: 1.5 } }],
    ['snapshot.strict', { snapshot: { path: 'x.snap', strict: 'yes' } }],
    ['maxSesions', { maxSesions: 10 }],
  ])('a bad %s is INVALID_CONFIG naming the option', (name, options) => {
    const error = configError(options)
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.message).toContain(`"${name}"`)
    expect(error.details?.option).toBe(name)
  })

  it('has bounded, documented defaults', async () => {
    const store = createMemoryStore()
    expect(store.clock).toBe(systemClock)
    expect(store.capabilities).toEqual({
      atomicity: 'process',
      scan: true,
      expiryEvents: true,
      durable: false,
    })
    // The optional calls the conformance suite checks only when present: this store has them.
    expect([typeof store.touchMeta, typeof store.mergeValue]).toEqual(['function', 'function'])
    for (let i = 0; i < 10; i++) await store.create(`r${i}`, { expiresAt: Date.now() + 60_000 })
    expect(store.size).toBe(10)
    await store.close()
  })

  it('a closed store refuses calls with STORE_UNAVAILABLE and close() may be called twice', async () => {
    const store = createMemoryStore({ clock: createManualClock(1_000_000) })
    await store.create('a', { expiresAt: 2_000_000 })
    await store.close()
    await store.close()
    for (const call of [
      () => store.meta('a'),
      () => store.touch('a', 3_000_000),
      () => store.getValue('a', 'v'),
    ]) {
      const error = await call().catch((e: unknown) => e)
      expect(isSessionKitError(error, 'STORE_UNAVAILABLE')).toBe(true)
    }
  })
})

describe('memory store calls', () => {
  const start = Date.parse('2026-03-01T09:00:00Z')

  it('reads hand back frozen values that callers cannot change', async () => {
    const store = createMemoryStore({ clock: createManualClock(start), sweepIntervalMs: 0 })
    await store.create('a', { expiresAt: start + 60_000, data: { tags: ['x'] } })
    await store.setValue('a', 'state', { list: [1, 2] })
    await store.push('a', 'log', [{ m: 1 }], { max: 5 })
    await store.updateMap('a', 'cart', { set: { sku: { qty: 1 } } })
    const value = (await store.getValue<{ list: number[] }>('a', 'state'))!.value
    expect(() => value.list.push(3)).toThrow(TypeError)
    const meta = (await store.meta('a'))!
    expect(Object.isFrozen(meta) && Object.isFrozen(meta.data) && Object.isFrozen(meta.data.tags)).toBe(true)
    const entry = (await store.range('a', 'log', 0, 0)).entries[0]!
    expect(Object.isFrozen(entry) && Object.isFrozen(entry.value)).toBe(true)
    expect(Object.isFrozen((await store.getMap('a', 'cart')).entries)).toBe(true)
    expect(Object.getPrototypeOf((await store.getMap('a', 'cart')).entries)).toBe(null)
    await store.close()
  })

  it('a part name keeps its kind: using it as another kind is INVALID_ARGUMENT', async () => {
    const store = createMemoryStore({ clock: createManualClock(start), sweepIntervalMs: 0 })
    await store.create('a', { expiresAt: start + 60_000 })
    await store.setValue('a', 'state', 1)
    const error = await store.push('a', 'state', [1], { max: 5 }).catch((e: unknown) => e)
    expect(isSessionKitError(error, 'INVALID_ARGUMENT')).toBe(true)
    expect((error as Error).message).toContain('holds a value, not a list')
    expect((await store.getValue('a', 'state'))?.value).toBe(1)
    await store.close()
  })

  it('create refuses an expiresAt that is not in the future', async () => {
    const store = createMemoryStore({ clock: createManualClock(start), sweepIntervalMs: 0 })
    const error = await store.create('a', { expiresAt: start }).catch((e: unknown) => e)
    expect(isSessionKitError(error, 'INVALID_ARGUMENT')).toBe(true)
    expect(await store.count()).toBe(0)
    await store.close()
  })

  it('a list remembers its last 256 idempotency keys', async () => {
    const store = createMemoryStore({ clock: createManualClock(start), sweepIntervalMs: 0 })
    await store.create('a', { expiresAt: start + 60_000 })
    for (let i = 0; i < 257; i++) await store.push('a', 'log', [i], { max: 1_000, idempotencyKey: `k${i}` })
    expect((await store.push('a', 'log', [0], { max: 1_000, idempotencyKey: 'k0' })).duplicate).toBe(false)
    expect((await store.push('a', 'log', [1], { max: 1_000, idempotencyKey: 'k2' })).duplicate).toBe(true)
    await store.close()
  })
})
