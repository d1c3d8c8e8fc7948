import { invalidArgument } from '../errors.js'
import { isReservedName } from '../ids.js'
import type { JsonValue } from './contract.js'
import { jsonNumberBytes, jsonStringBytes } from './json-bytes.js'
import { CONTAINER, ELEMENT, NUMBER, PROPERTY, stringOverhead } from './memory-size.js'

/** What the copy measured of itself, summed during the copy. */
export interface CopySize {
  /** Heap bytes beyond the JSON text: what memory-size.ts's `heapOverhead` gives for the copy. */
  overhead: number
  /** UTF-8 bytes of the copy's JSON text: what `Buffer.byteLength(JSON.stringify(copy))` gives. */
  json: number
}

/**
 * Checks that `value` is plain JSON (the rules of util/json.ts: plain objects and arrays, finite
 * numbers, strings, booleans, null, no symbol or reserved key, at most `maxDepth` levels) and
 * returns a deep-frozen copy of it, in one pass that reads each property once. The copy is what is
 * stored and measured, so a getter cannot show the check one value and the store another, and later
 * changes to the caller's object never reach the store. The same pass adds the copy's JSON size and
 * heap overhead to `size`, so a write neither parses nor serialises the value: the JSON round trip
 * the memory store made before (stringify, parse, freeze) walked the value three times.
 *
 * @example
 * const stored = frozenJsonCopy({ step: 1 }, 32, 'value') // Object.isFrozen(stored) === true
 */
export function frozenJsonCopy(
  value: unknown,
  maxDepth: number,
  what: string,
  size: CopySize = { overhead: 0, json: 0 },
): JsonValue {
  // The path to the value being copied, kept as segments: the text is built only for an error.
  const path: (string | number)[] = []
  try {
    return copy(value, maxDepth, size, true, path)
  } catch (error) {
    if (!(error instanceof Refusal)) throw error
    throw invalidArgument(error.describe(pathText(what, path), what))
  }
}

/** A value the copy refuses; the message waits for the path, which only the top level knows. */
class Refusal {
  constructor(readonly describe: (path: string, what: string) => string) {}
}

function pathText(what: string, path: readonly (string | number)[]): string {
  let text = what
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : `.${segment}`
  return text
}

function copy(
  value: unknown,
  depthLeft: number,
  size: CopySize,
  counted: boolean,
  path: (string | number)[],
): JsonValue {
  switch (typeof value) {
    case 'string':
      if (counted) {
        size.json += jsonStringBytes(value)
        size.overhead += stringOverhead(value)
      }
      return value
    case 'boolean':
      if (counted) size.json += value ? 4 : 5
      return value
    case 'number': {
      if (!Number.isFinite(value)) throw new Refusal((at) => `${at} must be a finite number; got ${value}`)
      // As JSON keeps it (and the Redis store gives it back): -0 is 0.
      const kept = value === 0 ? 0 : value
      if (counted) {
        size.json += jsonNumberBytes(kept)
        size.overhead += NUMBER
      }
      return kept
    }
    case 'object':
      if (value === null) {
        if (counted) size.json += 4
        return null
      }
      if (depthLeft <= 0) throw new Refusal((at, what) => `${what} nests too deep at ${at}`)
      if (counted) size.overhead += CONTAINER
      return Array.isArray(value)
        ? copyArray(value, depthLeft, size, counted, path)
        : copyObject(value, depthLeft, size, counted, path)
    default:
      throw new Refusal((at) => `${at} must be JSON; got ${typeof value}`)
  }
}

function copyArray(
  value: readonly unknown[],
  depthLeft: number,
  size: CopySize,
  counted: boolean,
  path: (string | number)[],
): JsonValue {
  const n = value.length
  if (counted) {
    size.overhead += ELEMENT * n
    size.json += n === 0 ? 2 : n + 1 // brackets and commas
  }
  const out = new Array<JsonValue>(n)
  path.push(0)
  for (let i = 0; i < n; i++) {
    path[path.length - 1] = i
    out[i] = copy(value[i], depthLeft - 1, size, counted, path)
  }
  path.pop()
  return Object.freeze(out)
}

function copyObject(
  value: object,
  depthLeft: number,
  size: CopySize,
  counted: boolean,
  path: (string | number)[],
): JsonValue {
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    throw new Refusal((at) => `${at} must be a plain object, array or primitive (JSON); got an instance`)
  }
  // Every own key is checked (symbols and reserved names are refused); JSON.stringify writes only
  // the enumerable ones, so only they are copied and counted. Usually all are enumerable, which
  // one count tells without asking for each key.
  const keys = Reflect.ownKeys(value)
  const allShown = keys.length === Object.keys(value).length
  const out: Record<string, JsonValue> = {}
  let shownCount = 0
  path.push('')
  for (const key of keys) {
    if (typeof key === 'symbol') {
      path.pop()
      throw new Refusal((at) => `${at} has a symbol key; only string keys are JSON`)
    }
    if (isReservedName(key)) {
      path.pop()
      throw new Refusal((at) => `${at} has the key "${key}", which is refused`)
    }
    path[path.length - 1] = key
    const shown = allShown || Object.prototype.propertyIsEnumerable.call(value, key)
    const item = copy((value as Record<string, unknown>)[key], depthLeft - 1, size, counted && shown, path)
    if (shown) {
      out[key] = item
      shownCount++
      if (counted) size.json += jsonStringBytes(key) + 1 // the key and its colon
    }
  }
  path.pop()
  if (counted) {
    size.overhead += PROPERTY * shownCount
    size.json += shownCount === 0 ? 2 : shownCount + 1 // braces and commas
  }
  return Object.freeze(out)
}
