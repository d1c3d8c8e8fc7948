import { deepFreeze } from '../util/deep-freeze.js'
import { deepMerge } from '../util/deep-merge.js'
import { checkJson } from '../util/json.js'
import { checkMergeValueArgs, checkTouchMetaArgs, mergeTooLarge } from './arguments-combined.js'
import type {
  JsonValue,
  MergeValueOptions,
  TouchMetaOptions,
  TouchMetaResult,
  Versioned,
} from './contract.js'
import type { MemoryEngine } from './memory-engine.js'
import { storeFields } from './memory-input.js'
import { jsonEqual, metaOf } from './memory-record.js'
import { readValue, writeValue } from './memory-values.js'

/** `touchMeta` on the memory store: moves the expiry (capped, when allowed) and returns the header. */
export function touchRecordMeta(
  engine: MemoryEngine,
  id: string,
  expiresAt: number,
  options: TouchMetaOptions = {},
): TouchMetaResult | undefined {
  checkTouchMetaArgs(expiresAt, options)
  const conditions =
    options.ifDataAbsentOr === undefined
      ? undefined
      : storeFields(options.ifDataAbsentOr, engine.options.maxValueBytes, 'ifDataAbsentOr').fields
  const record = engine.find(id, engine.now())
  if (record === undefined) return undefined
  for (const key in conditions) {
    if (Object.hasOwn(record.data, key) && !jsonEqual(record.data[key], conditions[key])) {
      return { meta: metaOf(record), touched: false }
    }
  }
  const cap = options.notAfter === undefined ? undefined : record.data[options.notAfter]
  engine.setExpiry(record, typeof cap === 'number' && cap < expiresAt ? cap : expiresAt)
  return { meta: metaOf(record), touched: true }
}

/** `mergeValue` on the memory store: a JSON merge of `patch` into the value part, then a write. */
export function mergeRecordValue(
  engine: MemoryEngine,
  id: string,
  part: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: MergeValueOptions = {},
): Versioned<Readonly<Record<string, JsonValue>>> {
  checkMergeValueArgs(patch, options)
  const maxBytes = Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, engine.options.maxValueBytes)
  checkJson(patch, { maxBytes: engine.options.maxValueBytes }, 'patch')
  engine.require(id, engine.now())
  const merged = deepMerge(readValue(engine, id, part)?.value, patch)
  const text = JSON.stringify(merged)
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > maxBytes) throw mergeTooLarge(part, bytes, maxBytes)
  const { version } = writeValue(engine, id, part, merged, {
    expiresAt: options.expiresAt,
    partExpiresAt: options.partExpiresAt,
  })
  // A copy of its own: the merged object shares nested values with the caller's patch.
  return { value: deepFreeze(JSON.parse(text) as Record<string, JsonValue>), version }
}
