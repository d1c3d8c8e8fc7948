import { deepFreeze } from '../util/deep-freeze.js'
import { checkJsonSized } from '../util/json.js'
import { checkFields } from './arguments.js'
import type { JsonValue } from './contract.js'
import { FACT_OVERHEAD, ITEM_OVERHEAD } from './memory-record.js'
import { heapOverhead } from './memory-size.js'

/** A value checked, cloned and frozen for storing, with its estimated size. */
export interface StoredJson {
  readonly value: JsonValue
  /** Estimated heap bytes: the JSON text plus what its objects, arrays and strings cost. */
  readonly bytes: number
}

/**
 * Checks that `value` is JSON no larger than `maxBytes`, and returns a deep-frozen clone of it:
 * the JSON round trip both copies the caller's object (later changes to it cannot reach the store)
 * and measures it.
 */
export function storeJson(value: unknown, maxBytes: number, what: string): StoredJson {
  const { text, bytes } = checkJsonSized(value, { maxBytes }, what)
  const stored = deepFreeze(JSON.parse(text) as JsonValue)
  return { value: stored, bytes: bytes + heapOverhead(stored) }
}

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
