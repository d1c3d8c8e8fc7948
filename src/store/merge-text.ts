/**
 * The JSON merge patch of the Redis store's merge-value.lua and the PostgreSQL store's
 * `<table>_merge`, done on the text in the same way, so a client that holds a value's current text
 * can merge it itself and the server only has to check that text is still the stored one (no walk
 * over the value on the server). Same rules, same output, byte for
 * byte: objects merge key by key, `null` removes a key, anything else replaces; the base's members
 * keep their order and spelling, added keys follow in the patch's order. Every text here was
 * written by JSON.stringify (no spaces, one spelling per key), so two keys are equal exactly when
 * their quoted texts are.
 */

const QUOTE = 34
const BACKSLASH = 92

/** Index just past the string whose opening quote is at `i`: a quote closes it after an even run of backslashes. */
function skipString(s: string, i: number): number {
  let j = i + 1
  for (;;) {
    const k = s.indexOf('"', j)
    let b = k - 1
    while (s.charCodeAt(b) === BACKSLASH) b--
    if ((k - 1 - b) % 2 === 0) return k + 1
    j = k + 1
  }
}

/**
 * Index just past the JSON value that starts at `i`. A loop over the characters outside strings
 * (numbers, literals, punctuation: a few per member) and a plain find of each string's closing
 * quote: about a fifth of the time of a regular expression run per structural character.
 */
function skipValue(s: string, i: number): number {
  let depth = 0
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === QUOTE) {
      i = skipString(s, i) - 1
      if (depth === 0) return i + 1
    } else if (c === 123 || c === 91) {
      depth++
    } else if (c === 125 || c === 93) {
      if (depth === 0) return i
      if (--depth === 0) return i + 1
    } else if (c === 44 && depth === 0) {
      return i
    }
  }
  return s.length
}

/**
 * Merges the object text `patch` into the JSON text `base` (undefined or not an object: `{}`), as
 * the stores' servers do. One pass over the base's members, which allocates only for the members
 * the patch names (a patch usually names a few of many).
 *
 * @example
 * mergeJsonText('{"a":1,"b":2}', '{"b":null,"c":3}') // '{"a":1,"c":3}'
 */
export function mergeJsonText(base: string | undefined, patch: string): string {
  // The patch's members, by quoted key, in its order; each taken out once the base has it.
  const wanted = new Map<string, string>()
  eachMember(patch, (key, valueStart, end) => {
    wanted.set(key, patch.slice(valueStart, end))
  })
  const text = base !== undefined && base.charCodeAt(0) === 123 ? base : '{}'
  const out: string[] = []
  let from = 1
  eachMember(text, (key, valueStart, end, start) => {
    const value = wanted.get(key)
    if (value === undefined) return
    wanted.delete(key)
    if (from < start) out.push(text.slice(from, start - 1))
    from = end + 1
    if (value === 'null') return
    out.push(
      `${key}:${value.charCodeAt(0) === 123 ? mergeJsonText(text.slice(valueStart, end), value) : value}`,
    )
  })
  if (from < text.length - 1) out.push(text.slice(from, text.length - 1))
  for (const [key, value] of wanted) {
    if (value === 'null') continue
    out.push(`${key}:${value.charCodeAt(0) === 123 ? mergeJsonText(undefined, value) : value}`)
  }
  return `{${out.join(',')}}`
}

/**
 * Calls `visit` with each member of the object text `s`, in order: its quoted key, where its value
 * starts and ends (exclusive), and where the key's opening quote is. Nothing for a text that is not
 * an object.
 */
function eachMember(
  s: string,
  visit: (key: string, valueStart: number, end: number, start: number) => void,
): void {
  if (s.charCodeAt(0) !== 123 || s === '{}') return
  let i = 1
  for (;;) {
    const colon = skipString(s, i)
    const end = skipValue(s, colon + 1)
    visit(s.slice(i, colon), colon + 1, end, i)
    if (s.charCodeAt(end) === 125) return
    i = end + 1
  }
}
