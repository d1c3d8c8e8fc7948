import { assertMessageList } from '../message/shape.js'
import { checkCallOptions } from '../options.js'
import { contentText, type HistoryMessage, type HistoryRole } from './message.js'
import { STOP_WORDS } from './stop-words.js'
import { countMessageTokens, estimateTokens, type Tokenizer } from './tokens.js'

/** A word and how often it came up. */
export interface TopicCount {
  readonly word: string
  readonly count: number
}

/** What `history.stats()` reports about the stored messages. Times are epoch ms. */
export interface HistoryStats {
  /** Messages stored now. */
  readonly messages: number
  readonly byRole: Readonly<Record<HistoryRole, number>>
  /** Tool calls made by assistant messages. */
  readonly toolCalls: number
  /** `createdAt` of the oldest and newest stored message; `undefined` when empty. */
  readonly firstAt: number | undefined
  readonly lastAt: number | undefined
  /** `lastAt - firstAt` (0 when fewer than two messages). */
  readonly durationMs: number
  /** Mean visible text length in characters: text and refusals; reasoning is never counted. */
  readonly averageChars: number
  /** Tokens of all stored messages under the tokenizer (default: the estimate). */
  readonly estimatedTokens: number
  /** Most frequent words of user and assistant visible text (never reasoning), stop words left out, most frequent first. */
  readonly topTopics: readonly TopicCount[]
}

/** Options of {@link computeHistoryStats}. */
export interface HistoryStatsOptions {
  /** How many topics to list. Default 10. */
  readonly topTopics?: number
  /** Tokenizer for `estimatedTokens`. Default {@link estimateTokens}. */
  readonly tokenizer?: Tokenizer
}

const wordPattern = /[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?/gu
const letter = /\p{L}/u

/**
 * Stats of a list of messages, in one pass plus a sort of the distinct words. Topics are words (with
 * at least one letter) of three or more characters from user and assistant text, lower-cased, without stop words.
 *
 * @example
 * computeHistoryStats(messages).topTopics // [{ word: 'smartphone', count: 3 }, ...]
 */
export function computeHistoryStats(
  messages: readonly HistoryMessage[],
  options: HistoryStatsOptions = {},
): HistoryStats {
  assertMessageList(messages, 'computeHistoryStats')
  checkCallOptions(options, ['topTopics', 'tokenizer'], 'computeHistoryStats()')
  const byRole: Record<HistoryRole, number> = { system: 0, user: 0, assistant: 0, tool: 0 }
  const words = new Map<string, number>()
  const tokenizer = options.tokenizer ?? estimateTokens
  let toolCalls = 0
  let chars = 0
  let tokens = 0
  for (const m of messages) {
    byRole[m.role]++
    toolCalls += m.toolCalls?.length ?? 0
    const text = contentText(m)
    chars += text.length
    tokens += countMessageTokens(m, tokenizer)
    if (m.role !== 'user' && m.role !== 'assistant') continue
    for (const match of text.toLowerCase().matchAll(wordPattern)) {
      const word = match[0]
      if (word.length < 3 || STOP_WORDS.has(word) || !letter.test(word)) continue
      words.set(word, (words.get(word) ?? 0) + 1)
    }
  }
  const topTopics = [...words]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.topTopics ?? 10)
    .map(([word, count]) => ({ word, count }))
  const firstAt = messages[0]?.createdAt
  const lastAt = messages[messages.length - 1]?.createdAt
  return {
    messages: messages.length,
    byRole,
    toolCalls,
    firstAt,
    lastAt,
    durationMs: firstAt === undefined || lastAt === undefined ? 0 : lastAt - firstAt,
    averageChars: messages.length === 0 ? 0 : chars / messages.length,
    estimatedTokens: tokens,
    topTopics,
  }
}
