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
    const small = createMemoryStore({ clock, maxSessions: 2, snapshot: { path, intervalMs: 0 } })
    expect([await small.meta('b'), (await small.meta('c'))?.id, (await small.meta('a'))?.id]).toEqual([
      undefined,
      'c',
      'a',
    ])
    await small.close()
  })

  it.each([
    ['a flipped byte', (text: string) => text.replace('"u1"', '"u2"'), 'checksum'],
    ['a truncated file', (text: string) => text.slice(0, Math.floor(text.length / 2)), 'truncated'],
    ['a missing trailer', (text: string) => text.slice(0, text.lastIndexOf('{')), 'truncated'],
    ['another format', () => 'hello\nworld\n', 'not JSON'],
  ])(
    '%s: the store starts empty, reports a clear error and moves the file aside',
    async (_, damage, problem) => {
      const clock = createManualClock(start)
      const first = open(clock)
      await fill(first)
      await first.close()
      const damaged = damage(readFileSync(path, 'utf8'))
      writeFileSync(path, damaged)

      const errors: SessionKitError[] = []
      const second = open(clock, { onError: (e) => errors.push(e) })
      expect(await second.count()).toBe(0)
      expect(errors.length).toBe(1)
      expect(isSessionKitError(errors[0], 'INVALID_ARGUMENT')).toBe(true)
      expect(errors[0]?.message).toContain(path)
      expect(errors[0]?.message).toContain(problem)
      const aside = `sessions.snap.corrupt-${start}`
      expect(errors[0]?.message).toContain(aside)
      expect(readFileSync(join(folder, aside), 'utf8')).toBe(damaged)
      await second.create('fresh', { expiresAt: start + MINUTE })
      await second.close()
      expect(readdirSync(folder).sort()).toEqual(['sessions.snap', aside])
    },
  )

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

  it('with strict: true a bad file throws from the factory and stays where it is', () => {
    writeFileSync(path, 'garbage')
    expect(() => open(createManualClock(start), { strict: true })).toThrow(/cannot be restored/)
    expect(readFileSync(path, 'utf8')).toBe('garbage')
  })

  it('snapshot(path) works without the snapshot option and resolves the record count', async () => {
    const clock = createManualClock(start)
    const store = createMemoryStore({ clock, sweepIntervalMs: 0 })
    for (const id of ['a', 'b', 'c']) await store.create(id, { expiresAt: start + MINUTE })
    expect(await store.snapshot(path)).toBe(3)
    const error = await store.snapshot().catch((e: unknown) => e)
    expect(isSessionKitError(error, 'INVALID_ARGUMENT')).toBe(true)
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
