import type { Tokenizer } from './tokens.js'

/**
 * The longest end of `text` that counts at most `maxTokens` under `tokenizer`, with `…` in front
 * when shortened (summaries end with the newest facts, so the end is what to keep). `''` when
 * not even the ellipsis fits. A binary search: O(log n) tokenizer calls.
 *
 * @example
 * fitTokens(summary, 200, estimateTokens)
 */
export function fitTokens(text: string, maxTokens: number, tokenizer: Tokenizer): string {
  if (tokenizer(text) <= maxTokens) return text
  let lo = 0
  let hi = text.length - 1
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (tokenizer(`…${text.slice(text.length - mid)}`) <= maxTokens) lo = mid
    else hi = mid - 1
  }
  const first = text.charCodeAt(text.length - lo)
  // Never start inside a surrogate pair: drop its orphaned second half.
  if (first >= 0xdc00 && first <= 0xdfff) lo--
  return lo === 0 ? '' : `…${text.slice(text.length - lo)}`
}
