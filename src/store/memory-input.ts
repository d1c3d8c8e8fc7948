import { invalidArgument } from '../errors.js'
import { checkFields } from './arguments.js'
import type { JsonValue } from './contract.js'
import { frozenJsonCopy } from './memory-copy.js'
import { FACT_OVERHEAD, ITEM_OVERHEAD } from './memory-record.js'

/** A value checked, cloned and frozen for storing, with its estimated size. */
export interface StoredJson {
  readonly value: JsonValue
  /** Estimated heap bytes: the JSON text plus what its objects, arrays and strings cost. */
  readonly bytes: number
}

/**
 * Checks that `value` is JSON no larger than `maxBytes`, and returns a deep-frozen copy of it (later
 * changes to the caller's object cannot reach the store) with its size: one pass checks and copies
 * (memory-copy.ts) and counts its JSON size and heap overhead: nothing is serialised or parsed back.
 */
export function storeJson(value: unknown, maxBytes: number, what: string): StoredJson {
  const size = { overhead: 0, json: 0 }
  const copy = frozenJsonCopy(value, MAX_DEPTH, what, size)
  const bytes = size.json
  if (bytes > maxBytes) {
    throw invalidArgument(`${what} is ${bytes} bytes as JSON; the limit is ${maxBytes}`, { bytes, maxBytes })
  }
  return { value: copy, bytes: bytes + size.overhead }
}

/** The nesting limit of util/json.ts's check, which stored values have always had. */
const MAX_DEPTH = 32

/**
 * Checks a header patch or `data` object: field names, and each value JSON (`null` allowed, it
 * means "remove" in a patch). Returns the frozen values and their sizes.
 */
export function storeFields(
  value: unknown,
  maxBytes: number,
  what: string,
): { readonly fields: Record<string, JsonValue>; readonly bytes: Record<string, number> } {
  checkFields(value, what)
  const fields: Record<string, JsonValue> = Object.create(null)
  const bytes: Record<string, number> = Object.create(null)
  for (const key of Object.keys(value)) {
    const stored = storeJson(value[key], maxBytes, `${what}.${key}`)
    fields[key] = stored.value
    bytes[key] = factBytes(key, stored.bytes)
  }
  return { fields, bytes }
}

/** Bytes counted for one map field whose value takes `valueBytes` (a map is a dictionary object). */
export function fieldBytes(name: string, valueBytes: number): number {
  return name.length + ITEM_OVERHEAD + valueBytes
}

/** Bytes counted for one header fact whose value takes `valueBytes` (a header is a small plain object). */
export function factBytes(name: string, valueBytes: number): number {
  return name.length + FACT_OVERHEAD + valueBytes
}
