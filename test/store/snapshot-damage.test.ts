import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError, type SessionKitError } from '../../src/errors.js'
import { createMemoryStore, type MemoryStore } from '../../src/store/memory.js'

// A file the store cannot read is refused whole and kept byte for byte: the store starts empty and
// will not save over it until the file is moved away or a save is told to overwrite it.

const start = Date.parse('2026-03-01T09:00:00Z')
const HOUR = 3_600_000
let folder: string
let path: string

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sessionkit-damage-'))
  path = join(folder, 'sessions.snap')
})

afterEach(() => {
  vi.restoreAllMocks()
  rmSync(folder, { recursive: true, force: true })
})

const clock = createManualClock(start)

function open(extra: { strict?: boolean; onError?: (e: SessionKitError) => void } = {}): MemoryStore {
  const { onError, ...snapshot } = extra
  return createMemoryStore({
    clock,
    sweepIntervalMs: 0,
    snapshot: { path, intervalMs: 0, ...snapshot },
    ...(onError === undefined ? {} : { onWarning: (w) => onError(w.cause as SessionKitError) }),
  })
}

/** A good file of several chunks: 80 records, each with a list of 40 entries of about 1 KB, and their tombstones. */
async function goodFile(): Promise<Buffer> {
  const store = open()
  for (let r = 0; r < 80; r++) {
    const id = `rec${r}`
    await store.create(id, { expiresAt: start + HOUR, data: { u: `user${r}` }, tombstoneUntil: start + HOUR })
    await store.setValue(id, 'state', { r, tags: ['a', 'b'] })
    const entries = Array.from({ length: 40 }, (_, i) => ({ i, text: `${id}-${i}-`.padEnd(1000, 'x') }))
    await store.push(id, 'history', entries, { max: 100, idempotencyKey: `k${r}` })
    await store.updateMap(id, 'cart', { set: { sku: { qty: r } }, incr: { n: r } })
  }
  await store.close()
  const bytes = readFileSync(path)
  expect(bytes.toString('utf8').match(/\{"chunk":/g)?.length).toBeGreaterThan(2)
  expect(bytes.toString('utf8').match(/\{"tombstone":/g)?.length).toBe(80)
  return bytes
}

/** Opens the store on `damaged` and checks it was refused whole, with the file kept as it is. */
async function expectRefused(damaged: Buffer, problem: RegExp): Promise<MemoryStore> {
  writeFileSync(path, damaged)
  const errors: SessionKitError[] = []
  const store = open({ onError: (e) => errors.push(e) })
  expect(errors.length, 'one report').toBe(1)
  expect(isSessionKitError(errors[0], 'INVALID_ARGUMENT')).toBe(true)
  expect(errors[0]?.message).toContain(path)
  expect(errors[0]?.message).toMatch(problem)
  expect(await store.count()).toBe(0)
  expect(store.bytes).toBe(0)
  expect(readFileSync(path).equals(damaged)).toBe(true)
  return store
}

/** A save over the refused file fails, and closing (which warns instead of failing) does not replace it either. */
async function expectKept(store: MemoryStore, damaged: Buffer): Promise<void> {
  await store.create('fresh', { expiresAt: start + HOUR })
  const refused = await store.snapshot().catch((e: unknown) => e)
  expect(isSessionKitError(refused, 'STORE_UNAVAILABLE')).toBe(true)
  expect((refused as Error).message).toContain('overwrite')
  await store.close()
  expect(readFileSync(path).equals(damaged)).toBe(true)
  expect(readdirSync(folder)).toEqual(['sessions.snap'])
}

describe('a snapshot that cannot be read', () => {
  it('a flipped bit anywhere after the header is refused, whatever chunk it is in', async () => {
    const good = await goodFile()
    const headerEnd = good.indexOf(10) + 1
    // About 150 places spread over the file (an odd stride, so every kind of line gets hit), and
    // each check line and the trailer.
    const places = [
      good.indexOf('{"chunk":') + 12,
      good.lastIndexOf('{"end":') + 12,
      good.lastIndexOf('{"tombstone":') + 16,
    ]
    for (let at = headerEnd; at < good.length - 1; at += Math.floor(good.length / 150) | 1) places.push(at)
    for (const at of places) {
      const damaged = Buffer.from(good)
      damaged[at] = damaged[at]! ^ 0x04
      // A flip that turns a byte into a newline splits a line: refused too, for another reason.
      const store = await expectRefused(damaged, /checksum|not valid|does not match|truncated/)
      await store.close().catch(() => undefined)
    }
  }, 120_000)

  it('a flipped byte is refused, and saves do not replace the file until it is moved away', async () => {
    const good = await goodFile()
    const damaged = Buffer.from(good)
    // Inside a stored string, so every line still parses: only the checksum can tell.
    const at = good.indexOf('xxxxxxxxxx', Math.floor(good.length / 2)) + 5
    damaged[at] = 0x79
    const store = await expectRefused(damaged, /checksum/)
    await expectKept(store, damaged)

    // The operator moves the file aside: the next store starts empty and saves normally.
    const again = await expectRefused(damaged, /checksum/)
    renameSync(path, `${path}.bad`)
    await again.create('fresh', { expiresAt: start + HOUR })
    expect(await again.snapshot()).toBe(1)
    await again.close()
    expect(readFileSync(`${path}.bad`).equals(damaged)).toBe(true)
  })

  it('snapshot({ overwrite: true }) replaces a file the store could not read', async () => {
    const damaged = Buffer.from('{"format":"sessionkit-memory-snapshot","version":2,"savedAt":1}\n{"record":')
    const store = await expectRefused(damaged, /truncated/)
    await store.create('fresh', { expiresAt: start + HOUR })
    expect(await store.snapshot({ overwrite: true })).toBe(1)
    await store.close()
    const next = open()
    expect(await next.count()).toBe(1)
    await next.close()
  })

  it.each([
    ['in the middle of a line', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2))],
    ['at the end of a line', (b: Buffer) => b.subarray(0, b.indexOf(10, Math.floor(b.length / 2)) + 1)],
    ['right before a chunk check', (b: Buffer) => b.subarray(0, b.indexOf('{"chunk":'))],
    ['right after a chunk check', (b: Buffer) => b.subarray(0, b.indexOf(10, b.indexOf('{"chunk":')) + 1)],
    ['before the trailer', (b: Buffer) => b.subarray(0, b.lastIndexOf('{"end":'))],
    ['in the trailer', (b: Buffer) => b.subarray(0, b.length - 10)],
    ['to nothing', (b: Buffer) => b.subarray(0, 0)],
  ])('a file cut %s is refused as truncated and kept', async (_, cut) => {
    const damaged = Buffer.from(cut(await goodFile()))
    const store = await expectRefused(damaged, /truncated|empty/)
    await expectKept(store, damaged)
  })

  it('a file with a chunk taken out is refused (the checksums chain every byte before them)', async () => {
    const good = await goodFile()
    const text = good.toString('utf8')
    const first = text.indexOf('{"chunk":')
    const second = text.indexOf('{"chunk":', first + 1)
    const cut = Buffer.from(
      text.slice(0, text.indexOf('\n', first) + 1) + text.slice(text.indexOf('\n', second) + 1),
    )
    await expectRefused(cut, /does not match/)
  })

  it('a file of a future layout version is refused with the versions this code reads', async () => {
    const good = (await goodFile()).toString('utf8')
    const future = Buffer.from(good.replace('"version":2', '"version":3'))
    const store = await expectRefused(future, /layout version 3, and this sessionkit reads versions 1 and 2/)
    await expectKept(store, future)
  })

  it('a foreign file is refused and kept', async () => {
    const foreign = Buffer.from('hello\nworld\n')
    const store = await expectRefused(foreign, /header line is not valid/)
    await expectKept(store, foreign)
  })

  it('with strict: true the factory throws and the file stays as it is', async () => {
    const damaged = Buffer.from('garbage')
    writeFileSync(path, damaged)
    expect(() => open({ strict: true })).toThrow(/cannot be restored/)
    expect(readFileSync(path).equals(damaged)).toBe(true)
  })

  it('by default a file that cannot be read becomes a process warning, not a crash', async () => {
    writeFileSync(path, '{"format":"sessionkit-memory-snapshot","version":2}\n{"record":')
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    const store = open()
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ code: 'SESSIONKIT_SNAPSHOT_FAILED' })
    // Closing does not save over the file: one more warning, and the file is as it was.
    await store.close()
    expect(warn).toHaveBeenCalledTimes(2)
    expect(readFileSync(path, 'utf8')).toBe('{"format":"sessionkit-memory-snapshot","version":2}\n{"record":')
  })

  it('a version-1 file (the previous layout) is still read; a damaged one is refused', async () => {
    const body = [
      JSON.stringify({ format: 'sessionkit-memory-snapshot', version: 1, savedAt: start }),
      JSON.stringify({
        id: 'a',
        createdAt: start,
        expiresAt: start + HOUR,
        data: { u: 'u1' },
        parts: {
          state: { kind: 'value', value: { v: 3 }, version: 3 },
          history: { kind: 'list', live: true, lastSeq: 5, values: [4, 5], keys: [['req', 1, 5]] },
          cart: { kind: 'map', entries: { sku: { qty: 1 }, n: 3 }, version: 2 },
          gone: { kind: 'value', value: 1, version: 1, expiresAt: start - 1 },
        },
      }),
      '',
    ].join('\n')
    const sha256 = createHash('sha256').update(body).digest('hex')
    const file = `${body}${JSON.stringify({ end: 'sessionkit-memory-snapshot', records: 1, sha256 })}\n`
    writeFileSync(path, file)
    const store = open({ strict: true })
    expect((await store.getValue('a', 'state'))?.value).toEqual({ v: 3 })
    expect(await store.range('a', 'history', 0, -1)).toEqual({
      entries: [
        { seq: 4, value: 4 },
        { seq: 5, value: 5 },
      ],
      length: 2,
      lastSeq: 5,
    })
    expect((await store.push('a', 'history', [9], { max: 5, idempotencyKey: 'req' })).duplicate).toBe(true)
    expect((await store.getMap('a', 'cart')).version).toBe(2)
    expect(await store.getValue('a', 'gone')).toBe(undefined)
    await store.close()
    expect(readFileSync(path, 'utf8')).toContain('"version":2')

    writeFileSync(path, file.replace('"qty":1', '"qty":2'))
    expect(() => open({ strict: true })).toThrow(/checksum/)
  })
})
