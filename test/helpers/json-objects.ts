import fc from 'fast-check'
import { RESERVED_NAMES } from '../../src/ids.js'
import type { JsonValue } from '../../src/store/contract.js'

/**
 * JSON objects for the merge property tests: keys that need escaping or look like structure,
 * values of every kind nested a few levels, texts with quotes, backslashes and braces inside, and
 * any UTF-16 text: control characters (JSON.stringify escapes them as `\u00XX`), NUL and lone
 * surrogates (which PostgreSQL text cannot hold), characters beyond ASCII and the BMP.
 */

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '\u0000',
    '\u0001',
    '\u001f',
    '\u007f',
    '\u2028',
    '\u00a0',
    'é',
    '\ud83d\ude00',
    '\ud800',
    'a\udfffb',
  ),
)
const key = fc.oneof(
  fc.constantFrom('a', 'b', 'c', '10', '2', 'x"y', 'z\\', '{[', ''),
  // Stores refuse the reserved names (`__proto__`, `constructor`, `prototype`) as keys.
  text.filter((k) => !RESERVED_NAMES.has(k)),
)
const leaf = fc.oneof(
  fc.constantFrom<JsonValue>(null, true, 0, -1.5, 1e21, '', '"', '\\', '}]', '{"a":1}', [], [{}]),
  text,
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
