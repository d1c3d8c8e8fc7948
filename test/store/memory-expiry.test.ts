import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import type { RemovalEvent } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'

const start = Date.parse('2026-03-01T09:00:00Z')
const MINUTE = 60_000

function setup() {
  const clock = createManualClock(start)
  const events: RemovalEvent[] = []
  const store = createMemoryStore({ clock, sweepIntervalMs: 0, onRemove: (e) => events.push(e) })
  return { clock, store, events }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('memory store expiry', () => {
  it('the sweeper purges expired records and reports each once with reason expired', async () => {
    const { clock, store, events } = setup()
    for (let i = 0; i < 50; i++)
      await store.create(`s${i}`, { expiresAt: start + (i + 1) * 1000, data: { i } })
    clock.advance(25_000)
    store.sweep()
    expect(events.length).toBe(25)
    expect(events.every((e) => e.reason === 'expired' && e.limit === undefined)).toBe(true)
    expect(events.map((e) => e.data.i)).toEqual(Array.from({ length: 25 }, (_, i) => i))
    expect(store.size).toBe(25)
    store.sweep()
    expect(events.length).toBe(25)
    await store.close()
  })

  it('a touched record is re-filed by the sweeper, not removed', async () => {
    const { clock, store, events } = setup()
    await store.create('a', { expiresAt: start + MINUTE })
    await store.touch('a', start + 10 * MINUTE)
    clock.advance(2 * MINUTE)
    store.sweep()
    expect(events).toEqual([])
    expect(store.size).toBe(1)
    clock.advance(8 * MINUTE)
    store.sweep()
    expect(events.map((e) => e.id)).toEqual(['a'])
    expect(store.size).toBe(0)
    await store.close()
  })

  it('a touch to an earlier time is honoured by the sweeper', async () => {
    const { clock, store, events } = setup()
    await store.create('a', { expiresAt: start + 10 * MINUTE })
    await store.touch('a', start + MINUTE)
    clock.advance(MINUTE + 1000)
    store.sweep()
    expect(events.map((e) => e.id)).toEqual(['a'])
    await store.close()
  })

  it('a read of an expired record purges and reports it once, before the sweeper runs', async () => {
    const { clock, store, events } = setup()
    await store.create('a', { expiresAt: start + MINUTE })
    clock.advance(MINUTE)
    expect(await store.meta('a')).toBe(undefined)
    expect(events.map((e) => `${e.id}:${e.reason}`)).toEqual(['a:expired'])
    store.sweep()
    expect(events.length).toBe(1)
    await store.close()
  })

  it('the sweeper drops parts past their own expiry and gives their bytes back', async () => {
    const { clock, store, events } = setup()
    await store.create('a', { expiresAt: start + 60 * MINUTE })
    const bare = store.bytes
    await store.push('a', 'history', ['x'.repeat(5_000)], { max: 10, partExpiresAt: start + MINUTE })
    expect(store.bytes).toBeGreaterThan(bare + 5_000)
    clock.advance(2 * MINUTE)
    store.sweep()
    expect(store.bytes).toBeLessThan(bare + 200)
    expect(events).toEqual([])
    const next = await store.push('a', 'history', ['y'], { max: 10 })
    expect(next.firstSeq).toBe(2)
    await store.close()
  })

  it('deletes are not reported as removals', async () => {
    const { store, events } = setup()
    await store.create('a', { expiresAt: start + MINUTE })
    await store.delete('a')
    expect(events).toEqual([])
    await store.close()
  })

  it('a listener that throws becomes a process warning and the store keeps working', async () => {
    const clock = createManualClock(start)
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    const later: string[] = []
    const store = createMemoryStore({
      clock,
      sweepIntervalMs: 0,
      onRemove: () => {
        throw new Error('listener broke')
      },
    })
    store.subscribe?.((e) => later.push(e.id))
    await store.create('a', { expiresAt: start + MINUTE })
    await store.create('b', { expiresAt: start + 2 * MINUTE })
    clock.advance(MINUTE)
    store.sweep()
    expect(later).toEqual(['a'])
    expect(warn).toHaveBeenCalledTimes(1)
    const [message, options] = warn.mock.calls[0] as [string, { code: string; type: string }]
    expect(message).toContain('listener broke')
    expect(options).toMatchObject({ code: 'SESSIONKIT_LISTENER_FAILED', type: 'SessionKitWarning' })
    expect((await store.meta('b'))?.id).toBe('b')
    expect(await store.create('c', { expiresAt: start + 2 * MINUTE })).toBe(true)
    await store.close()
  })

  it('a listener may call the store back while being told of a removal', async () => {
    const clock = createManualClock(start)
    const store = createMemoryStore({ clock, sweepIntervalMs: 0, maxSessions: 2 })
    const created: boolean[] = []
    store.subscribe?.((e) => {
      if (e.id === 'a')
        void store.create('replacement', { expiresAt: start + MINUTE }).then((ok) => created.push(ok))
    })
    await store.create('a', { expiresAt: start + MINUTE })
    await store.create('b', { expiresAt: start + MINUTE })
    await store.create('c', { expiresAt: start + MINUTE })
    await Promise.resolve()
    expect(created).toEqual([true])
    expect(store.size).toBe(2)
    await store.close()
  })
})
