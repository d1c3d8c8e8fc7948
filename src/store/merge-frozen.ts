import { deepFreeze } from '../util/deep-freeze.js'
import type { JsonValue } from './contract.js'

type JsonObject = Readonly<Record<string, JsonValue>>

const EMPTY: JsonObject = Object.freeze({})

/**
 * The JSON merge patch of merge-text.ts done on values instead of texts: `patch` (deep-frozen,
 * detached from the caller) merged into `base` (deep-frozen), as a new deep-frozen object that
 * shares every member the patch leaves alone. It equals `JSON.parse(mergeJsonText(text of base,
 * text of patch))` member for member and in the same order, so a shared store that keeps the value
 * it last returned can hand out the next one without parsing the merged text (about 1 KB parsed,
 * per `preferences.patch`, otherwise).
 *
 * @example
 * mergeFrozen(deepFreeze({ a: 1, b: { c: 2 } }), deepFreeze({ b: { c: null, d: 3 } })) // { a: 1, b: { d: 3 } }
 */
export function mergeFrozen(base: JsonObject, patch: JsonObject): JsonObject {
  const out: Record<string, JsonValue> = {}
  for (const key of Object.keys(base)) {
    if (!Object.hasOwn(patch, key)) put(out, key, base[key] as JsonValue)
    else if (patch[key] !== null) put(out, key, merged(base[key], patch[key] as JsonValue))
  }
  for (const key of Object.keys(patch)) {
    if (!Object.hasOwn(base, key) && patch[key] !== null)
      put(out, key, merged(undefined, patch[key] as JsonValue))
  }
  return Object.freeze(out)
}

/** One member's new value: an object patch merges (into `{}` when the old value is not an object), anything else replaces. */
function merged(old: JsonValue | undefined, change: JsonValue): JsonValue {
  if (!isObject(change)) return change
  return mergeFrozen(isObject(old) ? old : EMPTY, change)
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Sets an own member; `__proto__` too, which an assignment would take for the prototype. */
function put(out: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    out[key] = value
  }
}

/** The patch text's value, detached and deep-frozen, ready for `mergeFrozen`. */
export function frozenPatch(patchText: string): JsonObject {
  return deepFreeze(JSON.parse(patchText) as Record<string, JsonValue>)
}
