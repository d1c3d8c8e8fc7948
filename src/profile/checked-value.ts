import type { JsonValue } from '../store/contract.js'
import { checkJson } from '../util/json.js'
import { type StandardSchema, validateWith } from './standard-schema.js'

/** How a profile module checks a value before storing it. */
export interface ValueCheckOptions {
  /** Any Standard Schema; without one, any JSON value within `maxBytes` passes. */
  readonly schema?: StandardSchema | undefined
  /** Largest stored size in bytes. */
  readonly maxBytes: number
}

/**
 * Makes the check a profile module runs on every value it stores: the input must be JSON within
 * `maxBytes`, pass `shape` (when given) and the optional Standard Schema, and the schema's output
 * must be JSON within `maxBytes` too, since a schema may transform or add defaults. Failures throw
 * `INVALID_ARGUMENT` naming `what`.
 *
 * @example
 * const check = createValueCheck('state', { maxBytes: 65_536, schema }); const stored = await check(value)
 */
export function createValueCheck(
  what: string,
  options: ValueCheckOptions,
  shape?: (value: unknown) => void,
): (value: unknown) => Promise<JsonValue> {
  const limits = { maxBytes: options.maxBytes }
  const schema = options.schema
  return async (value) => {
    checkJson(value, limits, what)
    shape?.(value)
    if (schema === undefined) return value as JsonValue
    const output = await validateWith(schema, value, what)
    checkJson(output, limits, what)
    return output as JsonValue
  }
}
