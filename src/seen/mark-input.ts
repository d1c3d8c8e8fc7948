import { invalidArgument, SessionKitError } from '../errors.js'
import { RESERVED_NAMES } from '../ids.js'
import { checkCallOptions } from '../options.js'
import type { StoredGeneration } from './generation.js'

/**
 * Options of `session.seen.mark`.
 *
 * @example
 * await s.seen.mark(['tee-1', 'shorts-2'], { attributes: { 'tee-1': ['color:blue', 'brand:acme'] } })
 */
export interface SeenMarkOptions {
  /** Item id -> attribute values shown with it, each `key:value` (`color:blue`). Default: none. */
  readonly attributes?: Readonly<Record<string, readonly string[]>>
  /** When the items were shown (epoch ms, not in the future). Default: the clock's now. */
  readonly at?: number
  /** A retried mark with the same key (1 to 128 characters) records nothing new. Default: none. */
  readonly idempotencyKey?: string
}

/** Bounds `mark` checks its input against. */
export interface MarkLimits {
  readonly maxItems: number
  readonly maxAttributesPerItem: number
}

const MAX_ID = 256
const knownOptions = ['attributes', 'at', 'idempotencyKey']

/**
 * Checks what a caller passed to `mark` and builds the generation to store (ids and values
 * de-duplicated). Throws `INVALID_ARGUMENT` (or `LIMIT_EXCEEDED` past `maxItems`) before
 * anything is written.
 *
 * @example
 * const { generation } = buildGeneration(['a'], { at }, clock.now(), options)
 */
export function buildGeneration(
  ids: unknown,
  options: unknown,
  now: number,
  limits: MarkLimits,
): { generation: StoredGeneration; idempotencyKey: string | undefined } {
  if (!Array.isArray(ids))
    throw invalidArgument(`seen.mark(ids) takes an array of item ids; got ${typeName(ids)}`)
  const unique = new Set<string>()
  ids.forEach((id, i) => {
    unique.add(checkString(id, `seen.mark ids[${i}]`))
  })
  if (unique.size > limits.maxItems) {
    throw new SessionKitError(
      'LIMIT_EXCEEDED',
      `seen.mark got ${unique.size} distinct ids; the limit is seen.maxItems = ${limits.maxItems}: mark what was shown, or raise the option`,
      { details: { limit: 'seen.maxItems', max: limits.maxItems } },
    )
  }
  const o = checkOptions(options)
  const at = o.at === undefined ? now : o.at
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0 || at > now) {
    throw invalidArgument(
      `seen.mark option at must be an epoch ms between 0 and now (${now}); got ${String(at)}`,
    )
  }
  const key = o.idempotencyKey
  if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 128)) {
    throw invalidArgument('seen.mark option idempotencyKey must be a string of 1 to 128 characters')
  }
  const attrs = checkAttributes(o.attributes, unique, limits.maxAttributesPerItem)
  const generation: StoredGeneration =
    attrs === undefined ? { at, ids: [...unique] } : { at, ids: [...unique], attrs }
  return { generation, idempotencyKey: key }
}

function checkOptions(options: unknown): { attributes?: unknown; at?: unknown; idempotencyKey?: unknown } {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(`seen.mark options must be an object; got ${typeName(options)}`)
  }
  checkCallOptions(options, knownOptions, 'seen.mark()')
  return options
}

function checkAttributes(
  input: unknown,
  ids: ReadonlySet<string>,
  maxPerItem: number,
): Record<string, string[]> | undefined {
  if (input === undefined) return undefined
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidArgument(
      `seen.mark option attributes must map item ids to arrays of "key:value"; got ${typeName(input)}`,
    )
  }
  // A plain object can take every id as a key: ids are never reserved words (checkString).
  const out: Record<string, string[]> = {}
  let hasValues = false
  for (const [id, values] of Object.entries(input)) {
    if (!ids.has(id)) {
      throw invalidArgument(
        `seen.mark option attributes names "${id.slice(0, 40)}", which is not among the ids marked`,
      )
    }
    if (!Array.isArray(values)) {
      throw invalidArgument(
        `seen.mark attributes["${id.slice(0, 40)}"] must be an array of "key:value" strings`,
      )
    }
    const unique = new Set<string>()
    values.forEach((v, i) => {
      const value = checkString(v, `seen.mark attributes["${id.slice(0, 40)}"][${i}]`)
      const colon = value.indexOf(':')
      if (colon < 1 || colon > 64) {
        throw invalidArgument(
          `seen.mark attribute value "${value.slice(0, 40)}" must read "key:value", as in "color:blue"`,
        )
      }
      unique.add(value)
    })
    if (unique.size > maxPerItem) {
      throw invalidArgument(
        `seen.mark attributes["${id.slice(0, 40)}"] holds ${unique.size} values; the limit is seen.maxAttributesPerItem = ${maxPerItem}`,
      )
    }
    if (unique.size > 0) {
      out[id] = [...unique]
      hasValues = true
    }
  }
  return hasValues ? out : undefined
}

function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID || RESERVED_NAMES.has(value)) {
    throw invalidArgument(
      `${what} must be a string of 1 to ${MAX_ID} characters, not a reserved word; got ${typeName(value)}`,
    )
  }
  return value
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `a string of ${value.length} characters`
  return value === null ? 'null' : typeof value
}
