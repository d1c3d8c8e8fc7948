import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createManualClock, type ManualClock } from '../../src/clock.js'
import { isSessionKitError, type SessionKitError } from '../../src/errors.js'
import { createMemoryStore, type MemoryStore } from '../../src/store/memory.js'
import type { SessionKitWarning } from '../../src/warnings.js'

const start = Date.parse('2026-03-01T09:00:00Z')
const MINUTE = 60_000
let folder: string
let path: string

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sessionkit-snapshot-'))
  path = join(folder, 'sessions.snap')
})

afterEach(() => {
  vi.restoreAllMocks()
  rmSync(folder, { recursive: true, force: true })
})

function open(clock: ManualClock, extra: { strict?: boolean; onError?: (e: SessionKitError) => void } = {}) {
  const { onError, ...snapshot } = extra
  return createMemoryStore({
    clock,
    sweepIntervalMs: 0,
    snapshot: { path, intervalMs: 0, ...snapshot },
    ...(onError === undefined
      ? {}
      : {
          onWarning: (w: SessionKitWarning) => {
            expect(w.code).toBe('SESSIONKIT_SNAPSHOT_FAILED')
            onError(w.cause as SessionKitError)
          },
        }),
  })
}

async function fill(store: MemoryStore): Promise<void> {
  await store.create('a', { expiresAt: start + 60 * MINUTE, data: { userId: 'u1', tags: ['x'] } })
  for (const v of [1, 2, 3]) await store.setValue('a', 'state', { v })
  await store.push('a', 'history', [1, 2, 3, 4, 5], { max: 3, idempotencyKey: 'req-1' })
  await store.push('a', 'old', ['x', 'y'], { max: 10 })
  await store.deletePart('a', 'old')
  await store.updateMap('a', 'cart', { set: { sku: { qty: 1 } }, incr: { n: 2 } })
  await store.updateMap('a', 'cart', { incr: { n: 1 } })
  await store.setValue('a', 'draft', 'soon gone', { partExpiresAt: start + 30 * MINUTE })
  await store.create('b', { expiresAt: start + 5 * MINUTE })
}

describe('memory store snapshots', () => {
  it('a snapshot survives a restart with parts, versions, list counters and idempotency keys', async () => {
    const clock = createManualClock(start)
    const first = open(clock)
    expect(first.capabilities.durable).toBe(true)
    await fill(first)
    await first.close()

    clock.advance(MINUTE)
    const second = open(clock)
    expect(await second.count()).toBe(2)
    const meta = await second.meta('a')
    expect({ ...meta, data: { ...meta?.data } }).toEqual({
      id: 'a',
      createdAt: start,
      expiresAt: start + 60 * MINUTE,
      data: { userId: 'u1', tags: ['x'] },
    })
    expect(await second.getValue('a', 'state')).toEqual({ value: { v: 3 }, version: 3 })
    expect(await second.range('a', 'history', 0, -1)).toEqual({
      entries: [
        { seq: 3, value: 3 },
        { seq: 4, value: 4 },
        { seq: 5, value: 5 },
      ],
      length: 3,
      lastSeq: 5,
    })
    const retry = await second.push('a', 'history', [1, 2, 3, 4, 5], { max: 3, idempotencyKey: 'req-1' })
    expect([retry.duplicate, retry.firstSeq, retry.lastSeq]).toEqual([true, 1, 5])
    expect((await second.push('a', 'old', ['z'], { max: 10 })).firstSeq).toBe(3)
    const cart = await second.getMap('a', 'cart')
    expect({ entries: { ...cart.entries }, version: cart.version }).toEqual({
      entries: { sku: { qty: 1 }, n: 3 },
      version: 2,
    })
    clock.advance(30 * MINUTE)
    expect(await second.getValue('a', 'draft')).toBe(undefined)
    await second.close()
  })

  it('restore skips records and parts that expired while the process was down', async () => {
    const clock = createManualClock(start)
    const first = open(clock)
    await fill(first)
    await first.close()
    clock.advance(40 * MINUTE)
    const second = open(clock)
    expect(await second.meta('b')).toBe(undefined)
    expect(await second.getValue('a', 'draft')).toBe(undefined)
    expect((await second.getValue('a', 'state'))?.version).toBe(3)
    expect(await second.count()).toBe(1)
    await second.close()
  })

  it('restore keeps the least recently used order, so a smaller store keeps the most recent records', async () => {
    const clock = createManualClock(start)
    const first = open(clock)
    for (const id of ['a', 'b', 'c']) await first.create(id, { expiresAt: start + MINUTE })
    await first.meta('a')
    await first.close()
    const small = createMemoryStore({
      clock,
      maxSessions: 2,
      snapshot: { path, intervalMs: 0 },
      onWarning: () => undefined,
    })
    expect([await small.meta('b'), (await small.meta('c'))?.id, (await small.meta('a'))?.id]).toEqual([
      undefined,
      'c',
      'a',
    ])
    await small.close()
  })

  it('a store of many chunks comes back whole: every record, part, entry, version and byte count', async () => {
    const clock = createManualClock(start)
    const first = open(clock)
    for (let r = 0; r < 300; r++) {
      const id = `rec${r}`
      await first.create(id, { expiresAt: start + 60 * MINUTE, data: { u: `user${r}`, n: r } })
      await first.setValue(id, 'state', { r, text: 'é€𝄞'.repeat(r) })
      await first.push(
        id,
        'history',
        Array.from({ length: 30 }, (_, i) => ({ i, t: 'x'.repeat(r * 3) })),
        {
          max: 20,
          idempotencyKey: `k${r}`,
        },
      )
      await first.updateMap(id, 'cart', { set: { [`sku${r}`]: { qty: 1 } }, incr: { n: r + 1 } })
    }
    const bytes = first.bytes
    await first.close()
    expect(readFileSync(path, 'utf8').match(/\{"chunk":/g)?.length).toBeGreaterThan(1)

    const second = open(clock)
    expect(await second.count()).toBe(300)
    expect(second.bytes).toBe(bytes)
    for (let r = 0; r < 300; r += 7) {
      const id = `rec${r}`
      expect((await second.meta(id))?.data).toEqual({ u: `user${r}`, n: r })
      expect(await second.getValue(id, 'state')).toEqual({ value: { r, text: 'é€𝄞'.repeat(r) }, version: 1 })
      const list = await second.range(id, 'history', 0, -1)
      expect([list.length, list.lastSeq, list.entries[0]?.seq]).toEqual([20, 30, 11])
      expect(list.entries[19]?.value).toEqual({ i: 29, t: 'x'.repeat(r * 3) })
      const cart = await second.getMap(id, 'cart')
      expect([cart.version, cart.entries.n]).toEqual([1, r + 1])
    }
    await second.close()
  })

  it('values larger than the write buffer (ASCII and two-byte text) come back whole', async () => {
    const clock = createManualClock(start)
    const options = { clock, sweepIntervalMs: 0, maxValueBytes: 8 * 2 ** 20 }
    const first = createMemoryStore({ ...options, snapshot: { path, intervalMs: 0 } })
    const big = 'a'.repeat(3 * 2 ** 20)
    const wide = '€𝄞'.repeat(300_000)
    await first.create('r', { expiresAt: start + MINUTE })
    await first.push('r', 'log', ['small', big, wide, 'after'], { max: 10 })
    await first.close()
    const second = createMemoryStore({ ...options, snapshot: { path, intervalMs: 0, strict: true } })
    const { entries } = await second.range('r', 'log', 0, -1)
    expect(entries.map((e) => e.value)).toEqual(['small', big, wide, 'after'])
    await second.close()
  })

  it('a save lets the event loop run, and writes made during it leave every record whole', async () => {
    const clock = createManualClock(start)
    const store = createMemoryStore({ clock, sweepIntervalMs: 0 })
    const text = 'y'.repeat(2_000)
    for (let r = 0; r < 1_000; r++) {
      await store.create(`r${r}`, { expiresAt: start + 60 * MINUTE })
      await store.push(
        `r${r}`,
        'log',
        Array.from({ length: 10 }, () => text),
        { max: 1_000 },
      )
    }
    let turns = 0
    let saving = true
    const tick = (): void => {
      turns++
      if (saving) setImmediate(tick)
    }
    setImmediate(tick)
    const saved = store.snapshot(path).finally(() => {
      saving = false
    })
    // Writes while the save runs: each record must come back as it was before or after them.
    for (let r = 0; r < 1_000; r += 10) {
      await store.push(`r${r}`, 'log', ['late'], { max: 1_000 })
      if (r % 100 === 0) await store.delete(`r${r + 1}`)
    }
    expect(await saved).toBeGreaterThan(950)
    expect(turns).toBeGreaterThan(5)
    const restored = open(clock)
    for await (const ids of restored.scan()) {
      for (const id of ids) {
        const { entries, lastSeq } = await restored.range(id, 'log', 0, -1)
        expect(entries.length).toBe(lastSeq)
        expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1))
        if (lastSeq === 11) expect(entries[10]?.value).toBe('late')
      }
    }
    await restored.close()
  })

  it('by default a bad file becomes a process warning, not a crash', async () => {
    writeFileSync(path, '{"format":"sessionkit-memory-snapshot","version":1}\n{"id":')
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    const store = open(createManualClock(start))
    expect(warn).toHaveBeenCalledTimes(1)
    const [message, options] = warn.mock.calls[0] as [string, { code: string; detail: string }]
    expect(message).toContain('cannot be restored')
    expect(options.code).toBe('SESSIONKIT_SNAPSHOT_FAILED')
    expect(options.detail).toContain('SessionKitError')
    await store.close()
  })

  it('a restore into a smaller store keeps the most recent records and says how many it left out', async () => {
    const clock = createManualClock(start)
    const first = open(clock)
    for (let r = 0; r < 10; r++) await first.create(`r${r}`, { expiresAt: start + MINUTE })
    await first.close()
    const errors: SessionKitError[] = []
    const small = createMemoryStore({
      clock,
      maxSessions: 4,
      snapshot: { path, intervalMs: 0 },
      onWarning: (w) => errors.push(w.cause as SessionKitError),
    })
    expect(await small.count()).toBe(4)
    expect(errors.map((e) => [e.code, e.details?.offered, e.details?.kept])).toEqual([
      ['LIMIT_EXCEEDED', 10, 4],
    ])
    expect(await small.meta('r9')).toBeDefined()
    await small.close()
  })

  it('snapshot(path) works without the snapshot option and resolves the record count', async () => {
    const clock = createManualClock(start)
    const store = createMemoryStore({ clock, sweepIntervalMs: 0 })
    for (const id of ['a', 'b', 'c']) await store.create(id, { expiresAt: start + MINUTE })
    expect(await store.snapshot(path)).toBe(3)
    expect(await store.snapshot({ path })).toBe(3)
    for (const bad of [undefined, {}, { path: '' }, { path, overwrite: 'yes' }, { paht: path }, 42]) {
      const error = await store.snapshot(bad as never).catch((e: unknown) => e)
      expect(isSessionKitError(error, 'INVALID_ARGUMENT'), JSON.stringify(bad)).toBe(true)
    }
    await store.close()
    const restored = open(clock)
    expect(await restored.count()).toBe(3)
    await restored.close()
  })

  it('a save that cannot write rejects with STORE_UNAVAILABLE and leaves no temp file', async () => {
    const store = createMemoryStore({ clock: createManualClock(start), sweepIntervalMs: 0 })
    await store.create('a', { expiresAt: start + MINUTE })
    const error = await store.snapshot(join(folder, 'missing', 'x.snap')).catch((e: unknown) => e)
    expect(isSessionKitError(error, 'STORE_UNAVAILABLE')).toBe(true)
    expect(readdirSync(folder)).toEqual([])
    await store.close()
  })

  it('saves on its interval', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const clock = createManualClock(start)
      const store = createMemoryStore({ clock, sweepIntervalMs: 0, snapshot: { path, intervalMs: 5_000 } })
      await store.create('a', { expiresAt: start + MINUTE })
      vi.advanceTimersByTime(5_000)
      await vi.waitFor(() => expect(readdirSync(folder)).toEqual(['sessions.snap']))
      const peek = createMemoryStore({ clock, sweepIntervalMs: 0, snapshot: { path, intervalMs: 0 } })
      expect(await peek.count()).toBe(1)
      await peek.close()
      await store.close()
    } finally {
      vi.useRealTimers()
    }
  })
})
