import type { ListEntry } from '../store/contract.js'
import type { MessageInput } from './message.js'
import type { SelectContextOptions } from './select-context.js'
import type { TokenCounter } from './tokens.js'

/**
 * Where a recency-only selection can start: the index of the first stored entry it could take,
 * found from the newest back without building the older messages, so `context()` costs about
 * what it keeps, not what is stored. Only user messages, plain assistant messages and (unpinned)
 * system messages are counted here: they are taken whole or the walk stops, so their sum is a
 * lower bound of what a selection from that point would spend. Once that bound passes the
 * budget or the cap at some message, nothing older can be taken; that message starts a unit of
 * its own (it is no tool result), so no unit is cut in two. Returns 0 (everything) when there
 * is no limit. Callers with relevance scores must not use it: those pick from everywhere.
 */
export function recencyStart(
  entries: readonly ListEntry[],
  options: SelectContextOptions,
  counter: TokenCounter,
  extraTokens: number,
): number {
  if (options.maxTokens === undefined && options.maxMessages === undefined) return 0
  const budget =
    options.maxTokens === undefined
      ? Number.POSITIVE_INFINITY
      : options.maxTokens - (options.reserveTokens ?? 0) - extraTokens
  const cap = options.maxMessages ?? Number.POSITIVE_INFINITY
  const pin = options.pinSystem ?? true
  let tokens = 0
  let count = 0
  for (let i = entries.length - 1; i >= 0; i--) {
    const m = entries[i]!.value as unknown as MessageInput
    if (
      m.role === 'user' ||
      (m.role === 'assistant' && m.toolCalls === undefined) ||
      (m.role === 'system' && !pin)
    ) {
      tokens += counter.count(m)
      count++
      // The selection stops at this unit or before it: start here, so it still sees (and reports) the misfit.
      if (tokens > budget || count > cap) return i
    }
  }
  return 0
}
