import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createDetector } from '../../src/detect/detector.js'
import { createSessionKit } from '../../src/kit.js'
import { toMetricsJson } from '../../src/metrics/json.js'
import type { SessionStore } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'
import type { SessionKitWarning } from '../../src/warnings.js'
import { T0 } from '../helpers/kit.js'

afterEach(() => {
  vi.restoreAllMocks()
})

function collect() {
  const warnings: SessionKitWarning[] = []
  return { warnings, onWarning: (w: SessionKitWarning) => warnings.push(w) }
}

describe('onWarning: one path for every warning, each with a stable code', () => {
  it('a kit event listener that threw: SESSIONKIT_LISTENER_FAILED, counted, the kit goes on', async () => {
    const { warnings, onWarning } = collect()
    const kit = createSessionKit({ onWarning })
    const boom = new Error('listener bug')
    kit.on('created', () => {
      throw boom
    })
    const s = await kit.create()
    expect(s.id).toBeTypeOf('string')
    expect(warnings).toEqual([
      { code: 'SESSIONKIT_LISTENER_FAILED', message: expect.stringContaining('listener bug'), cause: boom },
    ])
    const counted = toMetricsJson(await kit.metrics()).sessionkit_warnings_total as Record<string, number>
    expect(counted.SESSIONKIT_LISTENER_FAILED).toBe(1)
    await kit.close()
  })

  it('a store removal listener that threw: SESSIONKIT_LISTENER_FAILED from the memory store', async () => {
    const clock = createManualClock(T0)
    const { warnings, onWarning } = collect()
    const store = createMemoryStore({
      clock,
      sweepIntervalMs: 0,
      onWarning,
      onRemove: () => {
        throw new Error('remove listener bug')
      },
    })
    await store.create('record-1', { expiresAt: T0 + 1000 })
    clock.advance(1000)
    store.sweep()
    expect(warnings.map((w) => w.code)).toEqual(['SESSIONKIT_LISTENER_FAILED'])
    await store.close()
  })

  it('a snapshot that could not be read: SESSIONKIT_SNAPSHOT_FAILED with the SessionKitError as cause', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sessionkit-warn-'))
    try {
      const path = join(folder, 'sessions.snap')
      writeFileSync(path, 'not a snapshot')
      const { warnings, onWarning } = collect()
      const store = createMemoryStore({ onWarning, snapshot: { path, intervalMs: 0 } })
      expect(warnings.map((w) => w.code)).toEqual(['SESSIONKIT_SNAPSHOT_FAILED'])
      expect(warnings[0]?.cause).toMatchObject({ name: 'SessionKitError' })
      await store.close()
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('a summariser that failed: SESSIONKIT_SUMMARY_FAILED with its error, and the summary stored', async () => {
    const { warnings, onWarning } = collect()
    const down = new Error('model unavailable')
    const kit = createSessionKit({ onWarning, history: { summarize: () => Promise.reject(down) } })
    const s = await kit.create()
    for (let i = 0; i < 6; i++) await s.history.append({ role: 'user', content: `question number ${i}` })
    const ctx = await s.history.context({ maxMessages: 2 })
    expect(ctx.summary?.source).toBe('extractive')
    expect(warnings).toEqual([
      {
        code: 'SESSIONKIT_SUMMARY_FAILED',
        message: expect.stringContaining('model unavailable'),
        cause: down,
      },
    ])
    await kit.close()
  })

  it('an expired session that could not leave its user list: SESSIONKIT_USER_UNLIST_FAILED', async () => {
    const clock = createManualClock(T0)
    const memory = createMemoryStore({ clock, sweepIntervalMs: 0 })
    // A store whose map writes fail, as a store that lost its connection would.
    const failing: SessionStore = Object.assign(Object.create(memory) as SessionStore, {
      updateMap: () => Promise.reject(new Error('connection lost')),
    })
    const { warnings, onWarning } = collect()
    const kit = createSessionKit({ store: failing, ttl: { idleMs: 60_000 }, onWarning })
    // Bound to its user behind the kit's back: the listing write would fail at creation.
    const s = await kit.create()
    await memory.patchMeta(s.id, { u: 'u1' })
    clock.advance(61_000)
    memory.sweep()
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.map((w) => w.code)).toEqual(['SESSIONKIT_USER_UNLIST_FAILED'])
    expect(warnings[0]?.message).not.toContain(s.id)
    await kit.close()
  })

  it('a detector dropping active conversations: SESSIONKIT_DETECTION_DEGRADED, at most once a minute', () => {
    const clock = createManualClock(T0)
    const { warnings, onWarning } = collect()
    const detector = createDetector({ maxSessions: 1, clock, onWarning })
    for (let i = 0; i < 5; i++)
      detector.detect({ messages: [{ role: 'user', content: `conversation ${i}` }] })
    expect(warnings.map((w) => w.code)).toEqual(['SESSIONKIT_DETECTION_DEGRADED'])
    expect(warnings[0]?.message).toContain('maxSessions')
    clock.advance(60_000)
    detector.detect({ messages: [{ role: 'user', content: 'one more' }] })
    expect(warnings).toHaveLength(2)
  })

  it('by default a warning is a process warning with the same code and type SessionKitWarning', async () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    const kit = createSessionKit()
    kit.on('created', () => {
      throw new Error('listener bug')
    })
    await kit.create()
    expect(emit).toHaveBeenCalledWith(expect.stringContaining('listener bug'), {
      type: 'SessionKitWarning',
      code: 'SESSIONKIT_LISTENER_FAILED',
      detail: expect.stringContaining('listener bug'),
    })
    await kit.close()
  })

  it('an onWarning handler that throws never breaks the call: both go to the process warning', async () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    const kit = createSessionKit({
      onWarning: () => {
        throw new Error('handler bug')
      },
    })
    kit.on('created', () => {
      throw new Error('listener bug')
    })
    await expect(kit.create()).resolves.toBeDefined()
    expect(emit.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining('listener bug'),
      expect.stringContaining('handler bug'),
    ])
    await kit.close()
  })
})
