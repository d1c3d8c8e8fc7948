import { invalidArgument } from '../errors.js'
import { isWellFormed, toWellFormed } from '../util/well-formed.js'
import type { ChatMessage } from './types.js'

/** What canonicalisation needs from the options (parsed once, in `createDetector`). */
export interface CanonicalConfig {
  /** Message fields hashed besides `role` and `content`. */
  readonly extraKeys: ReadonlySet<string>
  /** Keys dropped at any depth (`cache_control`). */
  readonly ignoredKeys: ReadonlySet<string>
  /** Global regular expressions whose matches are blanked before hashing. */
  readonly volatilePatterns: readonly RegExp[]
  /** Strip volatile patterns from every message, not only from the system prompt. */
  readonly volatileEverywhere: boolean
}

const MAX_DEPTH = 64
const textPartTypes = new Set(['text', 'input_text', 'output_text'])
const crPattern = /\r\n?/g

/**
 * Text as hashed: CRLF and CR become LF, surrounding white space goes, unpaired surrogates become
 * U+FFFD. Only for hashing: the payload forwarded upstream is never changed.
 *
 * @example
 * canonicalText('  hi\r\n') // 'hi'
 */
function canonicalText(text: string): string {
  let s = text
  if (s.indexOf('\r') !== -1) s = s.replace(crPattern, '\n')
  // trim() costs as much as the rest together; most texts have nothing to trim.
  const n = s.length
  if (
    n > 0 &&
    (s.charCodeAt(0) <= 0x20 ||
      s.charCodeAt(n - 1) <= 0x20 ||
      s.charCodeAt(0) >= 0x80 ||
      s.charCodeAt(n - 1) >= 0x80)
  ) {
    s = s.trim()
  }
  return isWellFormed(s) ? s : toWellFormed(s)
}

/** Blanks every match of the volatile patterns (timestamps, request ids) in `text`. */
function stripVolatile(text: string, patterns: readonly RegExp[]): string {
  let s = text
  for (const p of patterns) s = s.replace(p, '\u0004')
  return s
}

/**
 * The canonical form of one message as the detector hashes it: role, content (a string and a
 * single text part alike), then the other hashed fields as sorted JSON (tool-call arguments
 * parsed and key-sorted). Length-prefixed, so no two messages can run into each other.
 */
export function messagePiece(m: ChatMessage, cfg: CanonicalConfig, index: number): string {
  const code = roleCode(typeof m.role === 'string' ? m.role : '')
  const c = m.content
  let content: string
  if (typeof c === 'string') content = `T${textOf(c, cfg)}`
  else if (c === undefined || c === null) content = 'T'
  else content = contentOf(c, cfg, index)
  if (!hasHashedExtras(m, cfg)) return `${code}${content.length}:${content}\u0001`
  const keys: string[] = []
  for (const key in m) if (isHashedExtra(m, key, cfg)) keys.push(key)
  const extras: Record<string, unknown> = {}
  for (const key of keys.sort()) extras[key] = canonicalValue(m[key], cfg, key, 1, index)
  return `${code}${content.length}:${content}\u0002${JSON.stringify(extras)}\u0001`
}

/**
 * `messagePiece(m)` for the common message, string content with no other hashed field, built
 * without `canonicalText()`; `undefined` for any other message. The text must not start or end
 * with white space or a non-ASCII character (nothing to trim), and the caller must check the
 * piece for CR (in one scan of the whole request) and use `messagePiece()` if it holds one. An
 * unpaired surrogate is left in: UTF-8 encoding hashes it as U+FFFD, as `toWellFormed()` would
 * (and the code and framing around the text keep it from pairing with a neighbour).
 */
export function directPiece(m: ChatMessage, cfg: CanonicalConfig): string | undefined {
  const c = m.content
  if (typeof c !== 'string' || cfg.volatileEverywhere) return undefined
  const code = roleCode(m.role)
  if (code.length !== 1 || !plainEnds(c) || hasHashedExtras(m, cfg)) return undefined
  return `${code}${c.length + 1}:T${c}\u0001`
}

// Text canonicalText() would only change by CR: nothing to trim at either end (a character above
// 0x7f may be white space such as U+00A0, so it takes the full path).
function plainEnds(text: string): boolean {
  const n = text.length
  if (n === 0) return true
  const a = text.charCodeAt(0)
  const z = text.charCodeAt(n - 1)
  return a > 0x20 && a < 0x80 && z > 0x20 && z < 0x80
}

/** The code of a role in a piece: one character for a well-known role, its JSON for any other. */
function roleCode(role: string): string {
  switch (role) {
    case 'user':
      return 'u'
    case 'assistant':
      return 'a'
    case 'system':
      return 's'
    case 'developer':
      return 'd'
    case 'tool':
      return 't'
    case 'function':
      return 'f'
    default:
      return JSON.stringify(role)
  }
}

/**
 * Whether `m` has a hashed field besides role and content. Walks the message's own keys (two,
 * usually): cheaper than probing each hashed field by name. Null or empty fields count as absent.
 */
export function hasHashedExtras(m: ChatMessage, cfg: CanonicalConfig): boolean {
  for (const key in m) if (isHashedExtra(m, key, cfg)) return true
  return false
}

function isHashedExtra(m: ChatMessage, key: string, cfg: CanonicalConfig): boolean {
  if (key === 'role' || key === 'content' || !cfg.extraKeys.has(key)) return false
  const v = m[key]
  return !(v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0))
}

/**
 * The canonical system prompt: a top-level `system` (Anthropic) and the leading `system` or
 * `developer` messages (OpenAI), volatile patterns blanked. `''` when there is none.
 */
export function systemText(
  system: unknown,
  messages: readonly ChatMessage[],
  end: number,
  cfg: CanonicalConfig,
): string {
  let s = ''
  if (system !== undefined && system !== null && system !== '') s = contentOf(system, cfg, -1)
  for (let i = 0; i < end; i++) s += messagePiece(messages[i]!, cfg, i)
  return s === '' ? s : stripVolatile(s, cfg.volatilePatterns)
}

/** The plain text of a message's content (a string, or its text parts joined), for reset phrases. */
export function plainText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  let s = ''
  for (const part of content) {
    const text = textPart(part)
    if (text !== undefined) s = s === '' ? text : `${s}\n${text}`
  }
  return s
}

function textOf(text: string, cfg: CanonicalConfig): string {
  const s = canonicalText(text)
  return cfg.volatileEverywhere ? stripVolatile(s, cfg.volatilePatterns) : s
}

function contentOf(c: unknown, cfg: CanonicalConfig, index: number): string {
  if (typeof c === 'string') return `T${textOf(c, cfg)}`
  if (Array.isArray(c) && c.length === 1) {
    const text = singleText(c[0], cfg)
    if (text !== undefined) return `T${textOf(text, cfg)}`
  }
  return `J${JSON.stringify(canonicalValue(c, cfg, 'content', 1, index))}`
}

// A part that is only text (ignored keys aside) hashes like the bare string.
function singleText(part: unknown, cfg: CanonicalConfig): string | undefined {
  const text = textPart(part)
  if (text === undefined) return undefined
  for (const key of Object.keys(part as object)) {
    if (key === 'type' || key === 'text' || cfg.ignoredKeys.has(key)) continue
    const v = (part as Record<string, unknown>)[key]
    if (v !== undefined && v !== null) return undefined
  }
  return text
}

function textPart(part: unknown): string | undefined {
  if (typeof part !== 'object' || part === null) return undefined
  const p = part as { type?: unknown; text?: unknown }
  return typeof p.type === 'string' && textPartTypes.has(p.type) && typeof p.text === 'string'
    ? p.text
    : undefined
}

function canonicalValue(
  v: unknown,
  cfg: CanonicalConfig,
  key: string,
  depth: number,
  index: number,
): unknown {
  if (depth > MAX_DEPTH) throw invalidArgument(`messages[${index}] nests deeper than ${MAX_DEPTH} levels`)
  if (typeof v === 'string')
    return key === 'arguments' ? argumentsValue(v, cfg, depth, index) : textOf(v, cfg)
  if (typeof v !== 'object' || v === null) return typeof v === 'number' || typeof v === 'boolean' ? v : null
  if (Array.isArray(v)) return v.map((x) => canonicalValue(x, cfg, '', depth + 1, index))
  const out: Record<string, unknown> = {}
  const keys = Object.keys(v).sort()
  for (const k of keys) {
    if (cfg.ignoredKeys.has(k)) continue
    const x = (v as Record<string, unknown>)[k]
    if (x === undefined || x === null) continue
    if (k === 'content' && Array.isArray(x) && x.length === 1) {
      const text = singleText(x[0], cfg)
      if (text !== undefined) {
        out[k] = textOf(text, cfg)
        continue
      }
    }
    out[k] = canonicalValue(x, cfg, k, depth + 1, index)
  }
  return out
}

// Tool-call arguments arrive as JSON text whose key order and spacing vary between the upstream's
// answer and the client's echo of it: parse and sort; keep the raw text when it is not JSON.
function argumentsValue(raw: string, cfg: CanonicalConfig, depth: number, index: number): unknown {
  const text = canonicalText(raw)
  const first = text.charCodeAt(0)
  if (first !== 0x7b && first !== 0x5b) return text
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return text
  }
  return { '\u0005json': canonicalValue(parsed, cfg, '', depth + 1, index) }
}
