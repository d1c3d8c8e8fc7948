import { invalidArgument } from '../errors.js'
import { RESERVED_NAMES } from '../ids.js'
import type { JsonValue } from '../store/contract.js'

/** Limits for {@link checkJson}. */
export interface JsonLimits {
  /** Largest serialised size in bytes (UTF-8 length of `JSON.stringify`). */
  readonly maxBytes: number
  /** Deepest nesting of arrays and objects. Default 32. */
  readonly maxDepth?: number
}

/**
 * Checks that `value` is plain JSON (objects with a plain prototype, arrays, finite numbers,
 * strings, booleans, null), holds no `__proto__`/`constructor`/`prototype` key, nests at most
 * `maxDepth` levels and serialises to at most `maxBytes`. Returns the serialised text, so a
 * caller that stores a string need not serialise twice. Throws `INVALID_ARGUMENT` naming `what`
 * and the path of the first bad value.
 *
 * @example
 * checkJson(prefs, { maxBytes: 16_384 }, 'preferences')
 */
export function checkJson(value: unknown, limits: JsonLimits, what: string): string {
  return checkJsonSized(value, limits, what).text
}

/**
 * {@link checkJson} that also returns the UTF-8 size it measured, for a caller that accounts bytes
 * (measuring again would walk the text a second time).
 *
 * @example
 * const { text, bytes } = checkJsonSized(value, { maxBytes: 1_048_576 }, 'value')
 */
export function checkJsonSized(
  value: unknown,
  limits: JsonLimits,
  what: string,
): { readonly text: string; readonly bytes: number } {
  checkLimits(limits, what)
  const found = firstProblem(value, limits.maxDepth ?? 32)
  if (found !== undefined) throw invalidArgument(found.say(`${what}${found.at}`, what))
  const text = JSON.stringify(value)
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > limits.maxBytes) {
    throw invalidArgument(`${what} is ${bytes} bytes as JSON; the limit is ${limits.maxBytes}`, {
      bytes,
      maxBytes: limits.maxBytes,
    })
  }
  return { text, bytes }
}

/** The first value that is not plain JSON: where it is below the walked value, and what is wrong. */
interface Problem {
  /** Its path below the walked value, built as the walk unwinds: nothing is built for good values. */
  at: string
  /** The message, given the whole path and the caller's `what`. */
  readonly say: (path: string, what: string) => string
}

const problem = (say: (path: string, what: string) => string): Problem => ({ at: '', say })

/** The first value below `value` (in order) that is not plain JSON, or undefined. */
function firstProblem(value: unknown, depthLeft: number): Problem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : problem((path) => `${path} must be a finite number; got ${value}`)
    case 'object': {
      if (value === null) return undefined
      if (depthLeft <= 0) return problem((path, what) => `${what} nests too deep at ${path}`)
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = firstProblem(value[i], depthLeft - 1)
          if (found !== undefined) {
            found.at = `[${i}]${found.at}`
            return found
          }
        }
        return undefined
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) {
        return problem((path) => `${path} must be a plain object, array or primitive (JSON); got an instance`)
      }
      for (const key of Reflect.ownKeys(value)) {
        if (typeof key === 'symbol')
          return problem((path) => `${path} has a symbol key; only string keys are JSON`)
        if (RESERVED_NAMES.has(key))
          return problem((path) => `${path} has the key "${key}", which is refused`)
        const found = firstProblem((value as Record<string, unknown>)[key], depthLeft - 1)
        if (found !== undefined) {
          found.at = `.${key}${found.at}`
          return found
        }
      }
      return undefined
    }
    default:
      return problem((path) => `${path} must be JSON; got ${typeof value}`)
  }
}

/**
 * Checks `value` like {@link checkJson} and returns its JSON text with object keys sorted, so equal
 * values give equal text: a store that compares values as text (an `ifData` condition of
 * `patchMeta`) stores and compares this form.
 *
 * @example
 * canonicalJson({ b: 1, a: [2] }, { maxBytes: 1024 }, 'data.plan') // '{"a":[2],"b":1}'
 */
export function canonicalJson(value: unknown, limits: JsonLimits, what: string): string {
  const text = checkJson(value, limits, what)
  if (typeof value !== 'object' || value === null) return text
  // checkJson has walked it: plain JSON, so sorting it directly gives the text of the same value.
  return JSON.stringify(sortKeys(value as JsonValue))
}

function sortKeys(value: JsonValue): JsonValue {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(sortKeys)
  const out: Record<string, JsonValue> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, JsonValue>)[key]!)
  return out
}

/**
 * Refuses limits that are not `{ maxBytes, maxDepth? }` of numbers, and a `what` that is not a
 * string: arguments written in code (an adapter's), where a slip must be a `SessionKitError`.
 */
function checkLimits(limits: JsonLimits, what: string): void {
  if (
    typeof limits !== 'object' ||
    limits === null ||
    notALimit(limits.maxBytes) ||
    (limits.maxDepth !== undefined && notALimit(limits.maxDepth)) ||
    typeof what !== 'string'
  ) {
    throw invalidArgument(
      "the JSON checks take (value, { maxBytes, maxDepth? }, what): limits of numbers and what as a string, as in checkJson(value, { maxBytes: 1_048_576 }, 'value')",
    )
  }
}

/** Not a limit: anything but a number that is 0 or more. */
function notALimit(n: unknown): boolean {
  return typeof n !== 'number' || Number.isNaN(n) || n < 0
}
