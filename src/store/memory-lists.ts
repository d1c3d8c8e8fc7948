import { checkPushArgs, checkRangeArgs, checkSeqQuery } from './arguments.js'
import {
  IDEMPOTENCY_WINDOW,
  type JsonValue,
  type ListEntry,
  type PushOptions,
  type PushResult,
  type RangeResult,
  type SeqQuery,
} from './contract.js'
import type { MemoryEngine } from './memory-engine.js'
import { type StoredJson, storeJson } from './memory-input.js'
import { ITEM_OVERHEAD, KEY_OVERHEAD, type ListPart, PART_OVERHEAD } from './memory-record.js'

const EMPTY: readonly ListEntry[] = Object.freeze([])

/** Pushes `values` onto list part `name`, trimming the front to `options.max`, in one synchronous step. */
export function pushList(
  engine: MemoryEngine,
  id: string,
  name: string,
  values: readonly JsonValue[],
  options: PushOptions,
): PushResult {
  checkPushArgs(values, options)
  const key = options.idempotencyKey
  const maxBytes = engine.options.maxValueBytes
  const stored: StoredJson[] = values.map((v) => storeJson(v, maxBytes, 'list entry'))

  const now = engine.now()
  const record = engine.require(id, now)
  let part = engine.part(record, name, 'list', now)
  const seen = key === undefined ? undefined : part?.keys?.get(key)
  if (seen !== undefined && part !== undefined) {
    if (options.expiresAt !== undefined) engine.setExpiry(record, options.expiresAt)
    return { firstSeq: seen[0], lastSeq: seen[1], length: part.entries.length, dropped: 0, duplicate: true }
  }

  // A tombstone holds no entries, so its length is 0 like a missing part's.
  const oldLength = part?.entries.length ?? 0
  const dropped = Math.max(0, oldLength + stored.length - options.max)
  const droppedOld = Math.min(dropped, oldLength)
  // New values that would fall off in the same push are never stored.
  const skipped = dropped - droppedOld
  let delta = part === undefined ? PART_OVERHEAD + name.length : 0
  for (let i = skipped; i < stored.length; i++) delta += stored[i]!.bytes + ITEM_OVERHEAD
  if (part !== undefined) for (let i = 0; i < droppedOld; i++) delta -= part.sizes[i]!
  if (key !== undefined) delta += keyBytes(key) - keyBytes(forgotten(part))
  engine.checkBytes(record, delta)

  if (part === undefined) {
    part = newList()
    engine.putPart(record, name, part)
  }
  part.live = true
  const firstSeq = part.lastSeq + 1
  // A capped list drops one or two entries per push: shift() left-trims the array in place,
  // where splice() copies every remaining element.
  for (let i = 0; i < droppedOld; i++) {
    part.entries.shift()
    part.sizes.shift()
  }
  for (let i = skipped; i < stored.length; i++) {
    part.entries.push(Object.freeze({ seq: firstSeq + i, value: stored[i]!.value }))
    part.sizes.push(stored[i]!.bytes + ITEM_OVERHEAD)
  }
  part.lastSeq += stored.length
  part.bytes += delta
  if (key !== undefined) remember(part, key, firstSeq, part.lastSeq)
  if (options.partExpiresAt !== undefined) engine.setPartExpiry(record, part, options.partExpiresAt)
  if (options.expiresAt !== undefined) engine.setExpiry(record, options.expiresAt)
  engine.addBytes(record, delta)
  return { firstSeq, lastSeq: part.lastSeq, length: part.entries.length, dropped, duplicate: false }
}

/** Entries by index, both ends inclusive, negative from the end (like `LRANGE`). */
export function rangeList(
  engine: MemoryEngine,
  id: string,
  name: string,
  start: number,
  stop: number,
): RangeResult {
  checkRangeArgs(start, stop)
  const part = engine.readPart(id, name, 'list')
  const entries = part?.entries ?? EMPTY
  const length = entries.length
  const from = start < 0 ? Math.max(length + start, 0) : start
  const to = stop < 0 ? length + stop : Math.min(stop, length - 1)
  const slice = from > to ? EMPTY : entries.slice(from, to + 1)
  return { entries: slice, length, lastSeq: part?.lastSeq ?? 0 }
}

/** Entries with `afterSeq < seq < beforeSeq`: the oldest `limit` after `afterSeq`, else the newest `limit`. */
export function rangeListBySeq(engine: MemoryEngine, id: string, name: string, query: SeqQuery): RangeResult {
  checkSeqQuery(query)
  const part = engine.readPart(id, name, 'list')
  const entries = part?.entries ?? EMPTY
  const length = entries.length
  const lastSeq = part?.lastSeq ?? 0
  if (length === 0 || query.limit === 0) return { entries: EMPTY, length, lastSeq }
  const base = entries[0]!.seq
  const lo = Math.max((query.afterSeq ?? 0) + 1, base)
  const hi = Math.min((query.beforeSeq ?? Number.MAX_SAFE_INTEGER) - 1, lastSeq)
  if (lo > hi) return { entries: EMPTY, length, lastSeq }
  const newest = query.newest ?? query.afterSeq === undefined
  const first = newest ? Math.max(lo, hi - query.limit + 1) : lo
  const last = newest ? hi : Math.min(hi, lo + query.limit - 1)
  return { entries: entries.slice(first - base, last - base + 1), length, lastSeq }
}

function newList(): ListPart {
  return {
    kind: 'list',
    live: true,
    entries: [],
    sizes: [],
    lastSeq: 0,
    keys: undefined,
    expiresAt: undefined,
    // pushList adds the part's overhead with its first entries.
    bytes: 0,
  }
}

function remember(part: ListPart, key: string, first: number, last: number): void {
  part.keys ??= new Map()
  part.keys.set(key, [first, last])
  if (part.keys.size > IDEMPOTENCY_WINDOW) part.keys.delete(part.keys.keys().next().value!)
}

/** The key a new keyed push makes the list forget (its window is full), if any. */
function forgotten(part: ListPart | undefined): string | undefined {
  const keys = part?.keys
  return keys !== undefined && keys.size >= IDEMPOTENCY_WINDOW ? keys.keys().next().value : undefined
}

/** Bytes counted for one remembered idempotency key. */
export function keyBytes(key: string | undefined): number {
  return key === undefined ? 0 : KEY_OVERHEAD + key.length
}
