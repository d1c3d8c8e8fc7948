import { invalidArgument } from '../errors.js'
import { assertFieldName } from '../ids.js'
import type { JsonValue, WriteOptions } from '../store/contract.js'
import { checkJson } from '../util/json.js'

/** Checks an epoch-ms time argument and returns it as a script argument. */
export function timeArg(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidArgument(`${what} must be a finite epoch-ms number; got ${String(value)}`)
  }
  return String(value)
}

/** An optional time as a script argument (`''` when absent). */
export function optionalTimeArg(value: unknown, what: string): string {
  return value === undefined ? '' : timeArg(value, what)
}

/** Checks the common write options; returns `[expiresAt, partExpiresAt]` as script arguments. */
export function writeArgs(options: WriteOptions | undefined): [string, string] {
  if (options === undefined) return ['', '']
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('write options must be an object')
  return [
    optionalTimeArg(options.expiresAt, 'expiresAt'),
    optionalTimeArg(options.partExpiresAt, 'partExpiresAt'),
  ]
}

/** Checks an integer argument of at least `min`. */
export function checkInteger(value: unknown, what: string, min: number): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw invalidArgument(`${what} must be an integer of at least ${min}; got ${String(value)}`)
  }
}

/** An optional compare-and-set version as a script argument (`''` when absent). */
export function versionArg(value: unknown): string {
  if (value === undefined) return ''
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw invalidArgument(
      `ifVersion must be a non-negative integer (0: must not exist); got ${String(value)}`,
    )
  }
  return String(value)
}

/** Checks that `value` is a plain object whose keys are valid field names. */
export function checkFields(
  value: unknown,
  what: string,
): asserts value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(`${what} must be an object of fields`)
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) throw invalidArgument(`${what} must be a plain object`)
  for (const key of Object.keys(value)) assertFieldName(key)
}

/** Checks `value` is JSON within `maxBytes` and returns its text. */
export function jsonArg(value: unknown, maxBytes: number, what: string): string {
  return checkJson(value, { maxBytes }, what)
}

/**
 * Checks `value` and returns JSON text with object keys sorted, so equal values give equal text:
 * header facts are stored this way, which lets a script compare `ifData` conditions as strings.
 */
export function canonicalJsonArg(value: unknown, maxBytes: number, what: string): string {
  const text = checkJson(value, { maxBytes }, what)
  if (typeof value !== 'object' || value === null) return text
  return JSON.stringify(sortKeys(JSON.parse(text) as JsonValue))
}

function sortKeys(value: JsonValue): JsonValue {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(sortKeys)
  const out: Record<string, JsonValue> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, JsonValue>)[key]!)
  return out
}

/** Parses JSON text read back from Redis. */
export function parseJson(text: unknown): JsonValue {
  return JSON.parse(String(text)) as JsonValue
}
