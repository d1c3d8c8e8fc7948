import fc from 'fast-check'
import { RESERVED_NAMES } from '../../src/ids.js'
import type { JsonValue } from '../../src/store/contract.js'

/**
 * JSON objects for the merge property tests: keys that need escaping or look like structure,
 * values of every kind nested a few levels, texts with quotes, backslashes and braces inside.
 */

const key = fc.oneof(
  fc.constantFrom('a', 'b', 'c', '10', '2', 'x"y', 'z\\', '{[', ''),
  // Stores refuse the reserved names (`__proto__`, `constructor`, `prototype`) as keys.
  fc.string().filter((k) => !RESERVED_NAMES.has(k)),
)
const leaf = fc.oneof(
  fc.constantFrom<JsonValue>(null, true, 0, -1.5, 1e21, '', '"', '\\', '}]', '{"a":1}', [], [{}]),
  fc.string(),
  fc.integer(),
)
const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}))

/** An object of up to 6 members, as a value part or a merge patch holds. */
export const jsonObject = fc.dictionary(key, value, { maxKeys: 6 })
