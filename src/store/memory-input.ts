import { invalidArgument } from '../errors.js'
import { assertFieldName } from '../ids.js'
import { checkJson } from '../util/json.js'
import type { JsonValue, WriteOptions } from './contract.js'
import { deepFreeze, jsonBytes } from './memory-record.js'

/** A value checked, cloned and frozen for storing, with its estimated size. */
export interface StoredJson {
  readonly value: JsonValue
  readonly bytes: number
}

/**
 * Checks that `value` is JSON no larger than `maxBytes`, and returns a deep-frozen clone of it:
 * the JSON round trip both copies the caller's object (later changes to it cannot reach the store)
 * and measures it.
 */
export function storeJson(value: unknown, maxBytes: number, what: string): StoredJson {
  const text = checkJson(value, { maxBytes }, what)
  return { value: deepFreeze(JSON.parse(text) as JsonValue), bytes: jsonBytes(text) }
}

/** Checks an epoch-ms time argument. */
export function checkTime(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidArgument(`${what} must be a finite epoch-ms number; got ${String(value)}`)
  }
}

/** Checks the `expiresAt` / `partExpiresAt` of a write's options. */
export function checkWriteOptions(options: WriteOptions | undefined): void {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('write options must be an object')
  if (options.expiresAt !== undefined) checkTime(options.expiresAt, 'expiresAt')
  if (options.partExpiresAt !== undefined) checkTime(options.partExpiresAt, 'partExpiresAt')
}

/** Checks an optional compare-and-set version: a non-negative integer. */
export function checkVersion(value: unknown): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
    throw invalidArgument(
      `ifVersion must be a non-negative integer (0: must not exist); got ${String(value)}`,
    )
  }
}

/** Checks a count-like argument: an integer of at least `min`. */
export function checkInteger(value: unknown, what: string, min: number): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw invalidArgument(`${what} must be an integer of at least ${min}; got ${String(value)}`)
  }
}

/** Checks that `value` is a plain object (a set of fields); `null` prototype allowed. */
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
    bytes[key] = stored.bytes + key.length
  }
  return { fields, bytes }
}
