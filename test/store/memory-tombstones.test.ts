import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createMemoryStore } from '../../src/store/memory.js'
import { TOMBSTONE_BYTES } from '../../src/store/memory-tombstones.js'

const T0 = Date.parse('2026-01-01T00:00:00Z')
const MINUTE = 60_000

describe('memory store tombstones', () => {
  it('count in bytes, are capped at maxSessions (the oldest goes first) and expire', async () => {
    const clock = createManualClock(T0)
    const store = createMemoryStore({ clock, maxSessions: 3, sweepIntervalMs: 0 })
    const tomb = { expiresAt: T0 + MINUTE, tombstoneUntil: T0 + 10 * MINUTE }
    await store.create('a0000000', tomb)
    const oneRecord = store.bytes - TOMBSTONE_BYTES
    await store.delete('a0000000')
    expect(store.bytes).toBe(TOMBSTONE_BYTES)
    for (const id of ['b0000000', 'c0000000', 'd0000000']) {
      await store.create(id, tomb)
      await store.delete(id)
    }
    // Four tombstones made, three kept: the oldest (a) went.
    expect(store.bytes).toBe(3 * TOMBSTONE_BYTES)
    expect(await store.create('a0000000', { expiresAt: T0 + MINUTE })).toBe(true)
    expect(await store.create('b0000000', { expiresAt: T0 + MINUTE })).toBe(false)
    expect(store.bytes).toBe(3 * TOMBSTONE_BYTES + oneRecord)
    clock.advance(10 * MINUTE)
    await store.create('e0000000', { expiresAt: clock.now() + MINUTE, tombstoneUntil: clock.now() + MINUTE })
    // The expired ones at the front were dropped on the way: one tombstone, two records (a expired too).
    expect(await store.create('b0000000', { expiresAt: clock.now() + MINUTE })).toBe(true)
  })

  it('under maxBytes pressure, tombstones go before any live record', async () => {
    const clock = createManualClock(T0)
    const evicted: string[] = []
    const record = 200 + 8
    const store = createMemoryStore({
      clock,
      maxBytes: 4 * record + 2 * TOMBSTONE_BYTES,
      onRemove: (e) => evicted.push(e.id),
    })
    const ids = ['r0000001', 'r0000002', 'r0000003', 'r0000004']
    for (const id of ids) await store.create(id, { expiresAt: T0 + MINUTE, tombstoneUntil: T0 + 10 * MINUTE })
    expect(evicted).toEqual([])
    expect(store.bytes).toBe(4 * record + 2 * TOMBSTONE_BYTES)
    for (const id of ids) expect((await store.meta(id))?.id).toBe(id)
    // The two oldest tombstones went: those ids are free again once their records end.
    await store.delete('r0000001')
    await store.delete('r0000003')
    expect(await store.create('r0000001', { expiresAt: T0 + MINUTE })).toBe(true)
    expect(await store.create('r0000003', { expiresAt: T0 + MINUTE })).toBe(false)
    // Only when no tombstone is left do records go, least recently used first.
    await store.create('r0000005', { expiresAt: T0 + MINUTE, data: { pad: 'x'.repeat(200) } })
    expect(evicted).toEqual(['r0000002'])
  })

  it('an expired tombstone releases its bytes when it is dropped on the way', async () => {
    const clock = createManualClock(T0)
    const store = createMemoryStore({ clock, sweepIntervalMs: 0 })
    await store.create('a0000000', { expiresAt: T0 + MINUTE, tombstoneUntil: T0 + MINUTE })
    await store.delete('a0000000')
    expect(store.bytes).toBe(TOMBSTONE_BYTES)
    clock.advance(2 * MINUTE)
    expect(await store.create('a0000000', { expiresAt: clock.now() + MINUTE })).toBe(true)
    await store.delete('a0000000')
    expect(store.bytes).toBe(0)
  })

  it('a rename moves the bytes with the record and adds two tombstones', async () => {
    const clock = createManualClock(T0)
    const store = createMemoryStore({ clock, sweepIntervalMs: 0 })
    await store.create('from0000', { expiresAt: T0 + MINUTE, data: { u: 'x'.repeat(500) } })
    await store.push('from0000', 'log', ['y'.repeat(1000)], { max: 10 })
    const before = store.bytes
    await store.rename('from0000', 'to-a-longer-id', { tombstoneUntil: T0 + 10 * MINUTE })
    expect(store.bytes).toBe(before - 'from0000'.length + 'to-a-longer-id'.length + 2 * TOMBSTONE_BYTES)
    await store.delete('to-a-longer-id')
    expect(store.bytes).toBe(2 * TOMBSTONE_BYTES)
  })

  it('a snapshot carries the live tombstones, by digest, and leaves out expired ones', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sessionkit-tombstones-'))
    const path = join(folder, 'sessions.snap')
    try {
      const clock = createManualClock(T0)
      const options = { clock, sweepIntervalMs: 0, snapshot: { path, intervalMs: 0 } }
      const first = createMemoryStore(options)
      await first.create('long0000', { expiresAt: T0 + MINUTE, tombstoneUntil: T0 + 10 * MINUTE })
      await first.create('short000', { expiresAt: T0 + MINUTE, tombstoneUntil: T0 + 2 * MINUTE })
      await first.delete('long0000')
      await first.delete('short000')
      await first.close()
      const text = readFileSync(path, 'utf8')
      expect(text).not.toContain('long0000')
      expect(text.match(/"tombstone":/g)).toHaveLength(2)

      clock.advance(3 * MINUTE)
      const second = createMemoryStore(options)
      expect(second.bytes).toBe(TOMBSTONE_BYTES)
      expect(await second.create('long0000', { expiresAt: clock.now() + MINUTE })).toBe(false)
      expect(await second.create('short000', { expiresAt: clock.now() + MINUTE })).toBe(true)
      await second.close()
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})
