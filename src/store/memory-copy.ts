import { invalidArgument } from '../errors.js'
import { RESERVED_NAMES } from '../ids.js'
import type { JsonValue } from './contract.js'

/**
 * Checks that `value` is plain JSON (the rules of util/json.ts: plain objects and arrays, finite
 * numbers, strings, booleans, null, no symbol or reserved key, at most `maxDepth` levels) and
 * returns a deep-frozen copy of it, in one pass that reads each property once. The copy is what is
 * stored and measured, so a getter cannot show the check one value and the store another, and later
 * changes to the caller's object never reach the store. What the memory store did before, a JSON
 * round trip (stringify, parse, freeze), walked the value three times.
 *
 * @example
 * const stored = frozenJsonCopy({ step: 1 }, 32, 'value') // Object.isFrozen(stored) === true
 */
export function frozenJsonCopy(value: unknown, maxDepth: number, what: string): JsonValue {
  return copy(value, maxDepth, what, what)
}

function copy(value: unknown, depthLeft: number, path: string, what: string): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (!Number.isFinite(value)) throw invalidArgument(`${path} must be a finite number; got ${value}`)
      // As JSON keeps it (and the Redis store gives it back): -0 is 0.
      return value === 0 ? 0 : value
    case 'object': {
      if (value === null) return null
      if (depthLeft <= 0) throw invalidArgument(`${what} nests too deep at ${path}`)
      if (Array.isArray(value)) {
        const out = new Array<JsonValue>(value.length)
        for (let i = 0; i < value.length; i++) out[i] = copy(value[i], depthLeft - 1, `${path}[${i}]`, what)
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
        const item = copy((value as Record<string, unknown>)[key], depthLeft - 1, `${path}.${key}`, what)
        // JSON.stringify writes only enumerable keys: so does the copy (the check covers all).
        if (Object.prototype.propertyIsEnumerable.call(value, key)) out[key] = item
      }
      return Object.freeze(out)
    }
    default:
      throw invalidArgument(`${path} must be JSON; got ${typeof value}`)
  }
}
