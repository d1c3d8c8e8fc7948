import { invalidArgument } from '../errors.js'
import { assertMessageList } from '../message/shape.js'
import { contentText, type HistoryMessage } from './message.js'

/**
 * Writes a summary of `messages` that extends `previousSummary` (the summary of everything
 * before them, if any). Bring an LLM call; `signal` aborts when the time limit passes.
 * A summariser that throws, times out or returns no text is replaced by the extractive fallback,
 * and the history itself is never touched.
 *
 * @example
 * const summarize: Summarizer = async (msgs, prev, signal) => llm.summarize(prev, msgs, { signal })
 */
export type Summarizer = (
  messages: readonly HistoryMessage[],
  previousSummary: string | undefined,
  signal: AbortSignal,
) => Promise<string> | string

/**
 * The stored summary of a session's older messages (value part `history.summary`). It covers the
 * messages with `fromSeq <= seq <= toSeq`; `toSeq < fromSeq` means it covers nothing yet.
 */
export type HistorySummary = {
  readonly text: string
  /** First seq covered: 1, or the first seq after the last `clear()`. */
  readonly fromSeq: number
  readonly toSeq: number
  /** Who wrote the text: the summariser, the extractive fallback, or `clear()` (empty text). */
  readonly source: 'summarizer' | 'extractive' | 'cleared'
  /** Messages in the range that fell off the cap before they could be summarised. */
  readonly missed: number
  /** Epoch ms of the last write. */
  readonly updatedAt: number
}

const TIMEOUT: unique symbol = Symbol('timeout')

/** Outcome of {@link runSummarizer}. */
export interface SummaryOutcome {
  readonly text: string
  readonly source: 'summarizer' | 'extractive'
  /** Why the fallback was used, when it was. */
  readonly error?: string
  readonly cause?: unknown
  /** The summariser did not answer within the time limit. */
  readonly timedOut?: boolean
}

/**
 * The fallback summary: the previous summary, then one line per question and answer with the
 * start of its text (`Q: ...`, `A: ...`). At most `maxChars`, keeping the newest lines.
 *
 * @example
 * extractiveSummary(messages, undefined, 4000) // 'Q: Any 2BHK in Whitefield?\nA: Yes, three ...'
 */
export function extractiveSummary(
  messages: readonly HistoryMessage[],
  previous: string | undefined,
  maxChars: number,
): string {
  assertMessageList(messages, 'extractiveSummary')
  if (previous !== undefined && typeof previous !== 'string') {
    throw invalidArgument('extractiveSummary: previous must be a string or undefined')
  }
  if (!Number.isInteger(maxChars) || maxChars < 1) {
    throw invalidArgument(`extractiveSummary: maxChars must be an integer >= 1; got ${String(maxChars)}`)
  }
  const lines = previous === undefined || previous === '' ? [] : previous.split('\n')
  for (const m of messages) {
    if (m.role !== 'user' && m.role !== 'assistant') continue
    const text = contentText(m).replace(/\s+/g, ' ').trim()
    if (text === '') continue
    lines.push(m.role === 'user' ? `Q: ${clip(text, 100)}` : `A: ${clip(text, 160)}`)
  }
  let total = lines.reduce((sum, line) => sum + line.length + 1, -1)
  let start = 0
  while (total > maxChars && start < lines.length - 1) total -= lines[start++]!.length + 1
  const text = lines.slice(start).join('\n')
  return text.length > maxChars ? text.slice(text.length - maxChars) : text
}

/**
 * Runs `summarize` with a time limit and falls back to {@link extractiveSummary} when it
 * throws, times out or returns no text; the outcome says which happened and why.
 *
 * @example
 * const { text, source, error } = await runSummarizer(summarize, messages, prev, 10_000, 4000)
 */
export async function runSummarizer(
  summarize: Summarizer | 'extractive',
  messages: readonly HistoryMessage[],
  previous: string | undefined,
  timeoutMs: number,
  maxChars: number,
): Promise<SummaryOutcome> {
  const fallback = (error?: string, cause?: unknown): SummaryOutcome => ({
    text: extractiveSummary(messages, previous, maxChars),
    source: 'extractive',
    ...(error === undefined ? {} : { error, cause }),
  })
  if (summarize === 'extractive') return fallback()
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  // Not unref'd: while a summary is pending the process stays alive, until the summariser answers
  // or the time limit passes and the fallback is stored (a summariser that never settles must not
  // let the process exit mid-summary).
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), timeoutMs)
  })
  try {
    const result = await Promise.race([
      Promise.resolve().then(() => summarize(messages, previous, controller.signal)),
      timeout,
    ])
    if (result === TIMEOUT) {
      controller.abort(new Error(`summarizer timed out after ${timeoutMs} ms`))
      return {
        ...fallback(`the summarizer did not answer within ${timeoutMs} ms (history.summarizeTimeoutMs)`),
        timedOut: true,
      }
    }
    if (typeof result !== 'string' || result.trim() === '') return fallback('the summarizer returned no text')
    return { text: result.length > maxChars ? result.slice(0, maxChars) : result, source: 'summarizer' }
  } catch (cause) {
    return fallback(`the summarizer failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause)
  } finally {
    clearTimeout(timer)
  }
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.lastIndexOf(' ', max - 1)
  return `${text.slice(0, cut > max / 2 ? cut : max - 1)}…`
}
