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

interface Member {
  /** The key with its quotes. */
  readonly key: string
  /** Index of the key's opening quote. */
  readonly start: number
  /** Index of the value's first character. */
  readonly valueStart: number
  /** Index just past the value. */
  readonly end: number
}

const QUOTE = 34
const BACKSLASH = 92
const structure = /[[\]{}"]/g
const scalarEnd = /[,}\]]/g

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

/** Index just past the JSON value that starts at `i`. */
function skipValue(s: string, i: number): number {
  const c = s[i]
  if (c === '"') return skipString(s, i)
  if (c !== '{' && c !== '[') {
    scalarEnd.lastIndex = i
    return scalarEnd.exec(s)?.index ?? s.length
  }
  let depth = 0
  for (;;) {
    structure.lastIndex = i
    const j = (structure.exec(s) as RegExpExecArray).index
    const d = s.charCodeAt(j)
    if (d === QUOTE) {
      i = skipString(s, j)
      continue
    }
    depth += d === 123 || d === 91 ? 1 : -1
    i = j + 1
    if (depth === 0) return i
  }
}

/** The members of an object's text, in order; undefined when the text is not an object. */
function members(s: string | undefined): Member[] | undefined {
  if (s === undefined || s.charCodeAt(0) !== 123) return undefined
  const out: Member[] = []
  if (s === '{}') return out
  let i = 1
  for (;;) {
    const colon = skipString(s, i)
    const end = skipValue(s, colon + 1)
    out.push({ key: s.slice(i, colon), start: i, valueStart: colon + 1, end })
    if (s.charCodeAt(end) === 125) return out
    i = end + 1
  }
}

/**
 * Merges the object text `patch` into the JSON text `base` (undefined or not an object: `{}`), as
 * the stores' servers do.
 *
 * @example
 * mergeJsonText('{"a":1,"b":2}', '{"b":null,"c":3}') // '{"a":1,"c":3}'
 */
export function mergeJsonText(base: string | undefined, patch: string): string {
  let spans = members(base)
  if (spans === undefined) {
    base = '{}'
    spans = []
  }
  const text = base as string
  const at = new Map<string, Member>()
  for (const span of spans) at.set(span.key, span)
  const changed = new Map<string, string | false>()
  const added: string[] = []
  for (const p of members(patch) ?? []) {
    let value = patch.slice(p.valueStart, p.end)
    const old = at.get(p.key)
    if (value === 'null') {
      if (old !== undefined) changed.set(p.key, false)
      continue
    }
    if (value.charCodeAt(0) === 123) {
      value = mergeJsonText(old === undefined ? undefined : text.slice(old.valueStart, old.end), value)
    }
    if (old !== undefined) changed.set(p.key, value)
    else added.push(`${p.key}:${value}`)
  }
  const out: string[] = []
  let from = 1
  for (const span of spans) {
    const change = changed.get(span.key)
    if (change === undefined) continue
    if (from < span.start) out.push(text.slice(from, span.start - 1))
    if (change !== false) out.push(`${span.key}:${change}`)
    from = span.end + 1
  }
  if (from < text.length - 1) out.push(text.slice(from, text.length - 1))
  out.push(...added)
  return `{${out.join(',')}}`
}
