import { LRUCache } from 'lru-cache'
import { invalidArgument, SessionKitError } from '../errors.js'
import { contentText, imageCount, type MessageInput } from './message.js'

/**
 * Counts the tokens of a text. Bring the tokenizer of your model for exact budgets; the default
 * is {@link estimateTokens}, which needs no download.
 *
 * @example
 * const tokenizer: Tokenizer = (text) => encoder.encode(text).length
 */
export type Tokenizer = (text: string) => number

/** Tokens added per message for the role and framing (what chat formats spend around each message). */
export const MESSAGE_OVERHEAD_TOKENS = 4
/** Tokens counted per image part: a middle estimate, since providers charge by image size. */
export const IMAGE_TOKENS = 1_000

/**
 * The default token estimate: a quarter token per ASCII character, one per other UTF-16 unit
 * (accented, CJK and emoji text costs more per character). It tends to count high for English
 * prose, which keeps a budget safe.
 *
 * @example
 * estimateTokens('Any 2BHK in Whitefield?') // 6
 */
export function estimateTokens(text: string): number {
  if (typeof text !== 'string')
    throw invalidArgument(`estimateTokens takes a string; got ${text === null ? 'null' : typeof text}`)
  let ascii = 0
  const n = text.length
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) < 128) ascii++
  return Math.ceil(ascii / 4) + (n - ascii)
}

/**
 * Tokens of one message under `tokenizer`: the framing overhead, the text, each tool call's name
 * and JSON arguments, and a fixed cost per image. Not cached: see {@link createTokenCounter}.
 *
 * @example
 * countMessageTokens({ role: 'user', content: 'hello' }) // 4 + 2
 */
export function countMessageTokens(message: MessageInput, tokenizer: Tokenizer = estimateTokens): number {
  if (typeof tokenizer !== 'function')
    throw invalidArgument('countMessageTokens: tokenizer must be a function (text) => number')
  let tokens = MESSAGE_OVERHEAD_TOKENS + tokenizer(contentText(message)) + IMAGE_TOKENS * imageCount(message)
  if (message.toolCalls !== undefined) {
    for (const call of message.toolCalls) {
      tokens += MESSAGE_OVERHEAD_TOKENS + tokenizer(call.name) + tokenizer(JSON.stringify(call.arguments))
    }
  }
  if (message.role === 'tool' && message.toolCallId !== undefined) tokens += tokenizer(message.toolCallId)
  return tokens
}

/** Counts message tokens once per message and remembers them. */
export interface TokenCounter {
  count(message: MessageInput): number
}

interface TokenCaches {
  readonly byObject: WeakMap<object, number>
  readonly byKey: LRUCache<string, number>
}

/** Most cached counts per tokenizer keyed by message id; older ones are recounted when needed. */
const TOKEN_CACHE_SIZE = 50_000

const caches = new WeakMap<Tokenizer, TokenCaches>()

/**
 * A counter for `tokenizer` whose counts are cached per message: by `key(message)` when given
 * (stored messages: their unique id, in a bounded LRU shared by every session), else by the
 * message object (a `WeakMap`, freed with the object).
 *
 * @example
 * const counter = createTokenCounter(estimateTokens); counter.count(message)
 */
export function createTokenCounter(
  tokenizer: Tokenizer = estimateTokens,
  key?: (message: MessageInput) => string | undefined,
): TokenCounter {
  let cache = caches.get(tokenizer)
  if (cache === undefined) {
    cache = { byObject: new WeakMap(), byKey: new LRUCache({ max: TOKEN_CACHE_SIZE }) }
    caches.set(tokenizer, cache)
  }
  const { byObject, byKey } = cache
  return {
    count(message) {
      const k = key?.(message)
      let tokens = k === undefined ? byObject.get(message) : byKey.get(k)
      if (tokens !== undefined) return tokens
      try {
        tokens = countMessageTokens(message, tokenizer)
      } catch (cause) {
        throw new SessionKitError('INVALID_ARGUMENT', 'the tokenizer threw; it must count any string', {
          cause,
        })
      }
      if (!Number.isFinite(tokens) || tokens < 0) {
        throw invalidArgument(`the tokenizer returned ${tokens}; it must return a finite number >= 0`)
      }
      if (k === undefined) byObject.set(message, tokens)
      else byKey.set(k, tokens)
      return tokens
    },
  }
}
