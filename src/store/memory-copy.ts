import { invalidArgument } from '../errors.js'
import { RESERVED_NAMES } from '../ids.js'
import type { JsonValue } from './contract.js'
import { CONTAINER, ELEMENT, NUMBER, PROPERTY, stringOverhead } from './memory-size.js'

/** Receives the heap bytes of the copy beyond its JSON text, summed during the copy. */
export interface CopySize {
  overhead: number
}

/**
 * Checks that `value` is plain JSON (the rules of util/json.ts: plain objects and arrays, finite
 * numbers, strings, booleans, null, no symbol or reserved key, at most `maxDepth` levels) and
 * returns a deep-frozen copy of it, in one pass that reads each property once. The copy is what is
 * stored and measured, so a getter cannot show the check one value and the store another, and later
 * changes to the caller's object never reach the store. What the memory store did before, a JSON
 * round trip (stringify, parse, freeze), walked the value three times. `size.overhead` grows by
 * what memory-size.ts's `heapOverhead` would give for the copy, counted in the same pass.
 *
 * @example
 * const stored = frozenJsonCopy({ step: 1 }, 32, 'value') // Object.isFrozen(stored) === true
 */
export function frozenJsonCopy(
  value: unknown,
  maxDepth: number,
  what: string,
  size: CopySize = { overhead: 0 },
): JsonValue {
  return copy(value, maxDepth, what, what, size)
}

function copy(value: unknown, depthLeft: number, path: string, what: string, size: CopySize): JsonValue {
  switch (typeof value) {
    case 'string':
      size.overhead += stringOverhead(value)
      return value
    case 'boolean':
      return value
    case 'number':
      if (!Number.isFinite(value)) throw invalidArgument(`${path} must be a finite number; got ${value}`)
      size.overhead += NUMBER
      // As JSON keeps it (and the Redis store gives it back): -0 is 0.
      return value === 0 ? 0 : value
    case 'object': {
      if (value === null) return null
      if (depthLeft <= 0) throw invalidArgument(`${what} nests too deep at ${path}`)
      size.overhead += CONTAINER
      if (Array.isArray(value)) {
        size.overhead += ELEMENT * value.length
        const out = new Array<JsonValue>(value.length)
        for (let i = 0; i < value.length; i++)
          out[i] = copy(value[i], depthLeft - 1, `${path}[${i}]`, what, size)
        return Object.freeze(out)
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) {
        throw invalidArgument(`${path} must be a plain object, array or primitive (JSON); got an instance`)
      }
      const out: Record<string, JsonValue> = {}
      for (const key of Reflect.ownKeys(value)) {
        if (typeof key === 'symbol')
          throw invalidArgument(`${path} has a symbol key; only string keys are JSON`)
        if (RESERVED_NAMES.has(key)) throw invalidArgument(`${path} has the key "${key}", which is refused`)
        // JSON.stringify writes only enumerable keys: so does the copy, and only they are counted
        // (the check covers all).
        const shown = Object.prototype.propertyIsEnumerable.call(value, key)
        const item = copy(
          (value as Record<string, unknown>)[key],
          depthLeft - 1,
          `${path}.${key}`,
          what,
          shown ? size : { overhead: 0 },
        )
        if (shown) {
          size.overhead += PROPERTY
          out[key] = item
        }
      }
      return Object.freeze(out)
    }
    default:
      throw invalidArgument(`${path} must be JSON; got ${typeof value}`)
  }
}
