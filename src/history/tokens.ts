import { LRUCache } from 'lru-cache'
import { invalidArgument, SessionKitError } from '../errors.js'
import type { MessageInput } from '../message/model.js'
import { countMessageTokens, estimateTokens, type Tokenizer } from '../message/tokens.js'

// History's files read the shared counting through here (src/message/ is its home).
export {
  countMessageTokens,
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
  type Tokenizer,
} from '../message/tokens.js'

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
