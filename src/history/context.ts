import { invalidArgument } from '../errors.js'
import { checkKnownKeys } from '../options.js'
import { fitTokens } from './fit-tokens.js'
import type { HistoryMessage } from './message.js'
import { recencyStart } from './recency-window.js'
import {
  checkSelectOptions,
  SELECT_KEYS,
  type SelectContextOptions,
  type Selection,
  selectWith,
} from './select-context.js'
import type { HistorySummary, Summarizer, SummaryOutcome } from './summary.js'
import {
  extendSummary,
  HISTORY_PART,
  type HistoryEnv,
  historyWrite,
  readSummary,
  SUMMARY_PART,
  summaryLock,
  toMessage,
} from './summary-store.js'
import { createTokenCounter, MESSAGE_OVERHEAD_TOKENS } from './tokens.js'

/**
 * Scores each message's relevance to `query` (an embedding similarity you compute), one number
 * per message (an array or a typed array), higher is more relevant.
 *
 * @example
 * const relevance: Relevance = async (q, msgs) => cosineAll(await embed(q), await embedAll(msgs))
 */
export type Relevance = (
  query: string,
  messages: readonly HistoryMessage[],
) => Promise<ArrayLike<number>> | ArrayLike<number>

/**
 * Options of `history.context()`: those of `selectContext` (budget, cap, pinning) plus relevance
 * and summaries.
 *
 * @example
 * await session.history.context({ maxTokens: 3000, reserveTokens: 800, query, relevance })
 */
export interface ContextOptions extends Omit<SelectContextOptions, 'scores'> {
  /** The text to rank messages against (usually the new user message). */
  readonly query?: string
  /** Relevance scores, mixed with recency when `query` is given. When it throws, recency alone is used and reported. */
  readonly relevance?: Relevance
  /** Summarise what is left out: a summariser, `'extractive'`, or `false` for none. Default: the kit's `history.summarize`. */
  readonly summarize?: Summarizer | 'extractive' | false
  /** Most tokens the summary may take from the budget. Default: a quarter of the budget, at most 1024. */
  readonly summaryMaxTokens?: number
}

/** The summary included in a context. */
export interface ContextSummary {
  readonly text: string
  /** The seq range it covers. */
  readonly fromSeq: number
  readonly toSeq: number
  /** `stored`: an existing summary was reused; otherwise who wrote it in this call. */
  readonly source: 'stored' | 'summarizer' | 'extractive'
  readonly tokens: number
}

/** What `context()` did, for logs and dashboards. */
export interface ContextReport {
  /** Messages read from the store. */
  readonly read: number
  /** Token budget for messages and summary (`maxTokens - reserveTokens`), when there is one. */
  readonly budget: number | undefined
  /** False when even the newest message unit could not fit (the context then leaves it out). */
  readonly fits: boolean
  /** Messages that fell off the `maxMessages` cap and are in no summary. */
  readonly fellOff: number
  readonly summary: 'none' | 'stored' | 'summarizer' | 'extractive'
  /** Why the summariser's text was not used, when it was not. */
  readonly summaryError?: string
  /** Why relevance scores were not used, when the function failed. */
  readonly relevanceError?: string
  /** Short sentences on what was left out and why. */
  readonly notes: readonly string[]
}

/** The messages for the next prompt. */
export interface ContextResult {
  /** Chronological; never a tool call without its result or a result without its call. */
  readonly messages: HistoryMessage[]
  /** A summary of older messages, to put in the system prompt; `undefined` when none applies. */
  readonly summary: ContextSummary | undefined
  /** Stored messages left out. */
  readonly dropped: number
  /** Tokens of `messages` plus the summary; never more than `maxTokens - reserveTokens`. */
  readonly tokens: number
  readonly report: ContextReport
}

/** A selection over the messages it considered (`hidden` older non-system messages were not built at all). */
interface Pick {
  readonly sel: Selection<HistoryMessage>
  readonly considered: readonly HistoryMessage[]
  readonly hidden: number
}

/** Builds a context: see `HistoryModule.context`. */
export async function buildContext(env: HistoryEnv, options: ContextOptions = {}): Promise<ContextResult> {
  checkContextOptions(options)
  const { sessionId, store } = env.scope
  const [list, stored] = await Promise.all([store.range(sessionId, HISTORY_PART, 0, -1), readSummary(env)])
  const entries = list.entries
  let all: HistoryMessage[] | undefined
  const full = () => {
    all ??= entries.map(toMessage)
    return all
  }
  const tokenizer = options.tokenizer ?? env.options.tokenizer
  const counter = createTokenCounter(tokenizer, (m) => (m as HistoryMessage).id)
  const notes: string[] = []

  let scores: readonly number[] | undefined
  let relevanceError: string | undefined
  if (options.relevance !== undefined && options.query !== undefined && entries.length > 0) {
    try {
      const given: ArrayLike<number> = await options.relevance(options.query, full())
      // Typed arrays are welcome (embedding code returns them); the count is checked below.
      scores = Array.isArray(given) ? given : Array.from(given ?? [])
    } catch (cause) {
      relevanceError = `the relevance function failed (${cause instanceof Error ? cause.message : String(cause)}); recency alone was used`
      notes.push(relevanceError)
    }
  }
  const selectOptions: SelectContextOptions = { ...options, tokenizer, scores }
  checkSelectOptions(selectOptions, entries.length)
  const pick = (extra: number): Pick => {
    const start = scores === undefined ? recencyStart(entries, selectOptions, counter, extra) : 0
    if (start === 0)
      return { sel: selectWith(full(), selectOptions, counter, extra), considered: full(), hidden: 0 }
    const considered: HistoryMessage[] = []
    if (options.pinSystem ?? true) {
      for (let i = 0; i < start; i++) {
        if ((entries[i]!.value as { role?: unknown }).role === 'system')
          considered.push(toMessage(entries[i]!))
      }
    }
    const hidden = start - considered.length
    for (let i = start; i < entries.length; i++) considered.push(toMessage(entries[i]!))
    return { sel: selectWith(considered, selectOptions, counter, extra), considered, hidden }
  }
  const first = pick(0)
  let picked = first

  const summarize = options.summarize === undefined ? env.options.summarize : options.summarize || undefined
  let record = stored?.value
  const startSeq = record?.fromSeq ?? 1
  const oldestStored = entries[0]?.seq ?? list.lastSeq + 1
  const total = options.maxTokens === undefined ? undefined : options.maxTokens - (options.reserveTokens ?? 0)
  let summary: ContextSummary | undefined
  let outcome: SummaryOutcome | undefined
  let wrote = false
  if (hasOlder(picked, startSeq, oldestStored) && (summarize !== undefined || (record?.text ?? '') !== '')) {
    const reserve =
      options.summaryMaxTokens ??
      (total === undefined ? Number.POSITIVE_INFINITY : Math.min(1024, Math.floor(total / 4)))
    const withRoom = total === undefined ? picked : pick(Math.min(reserve, total))
    if (withRoom.sel.messages.length === 0 && picked.sel.messages.length > 0) {
      notes.push('no room for a summary next to the newest messages; it was left out')
    } else {
      picked = withRoom
      const cut = cutSeq(picked, list.lastSeq)
      if (summarize !== undefined && (record?.toSeq ?? 0) < cut) {
        const extended = await summaryLock(env, async () => {
          const fresh = await readSummary(env)
          if ((fresh?.value.toSeq ?? 0) >= cut) return { record: fresh!.value, outcome: undefined }
          return extendSummary(env, fresh, full(), cut, summarize)
        })
        record = extended.record
        outcome = extended.outcome
        wrote = true
      }
      summary = fitSummary(record, reserve, tokenizer, outcome, notes)
      // No summary after all: give its reservation back to the messages.
      if (summary === undefined) picked = first
    }
  }
  if (!wrote && stored !== undefined) await refresh(env, stored.value, stored.version)

  const { sel } = picked
  const covered = Math.max(record?.toSeq ?? 0, startSeq - 1)
  if (outcome?.error !== undefined) notes.push(`${outcome.error}; the extractive fallback was used`)
  const report: ContextReport = {
    read: entries.length,
    budget: total,
    fits: sel.fits,
    fellOff: Math.max(0, oldestStored - 1 - covered),
    summary: summary === undefined ? 'none' : summary.source,
    ...(outcome?.error === undefined ? {} : { summaryError: outcome.error }),
    ...(relevanceError === undefined ? {} : { relevanceError }),
    notes: [...sel.notes, ...notes],
  }
  return {
    messages: sel.messages,
    summary,
    dropped: entries.length - sel.messages.length,
    tokens: sel.tokens + (summary?.tokens ?? 0),
    report,
  }
}

/** The options `history.context()` knows; any other key (a typo such as `maxToken`) is refused. */
const CONTEXT_KEYS: readonly string[] = [
  ...SELECT_KEYS.filter((k) => k !== 'scores'),
  'query',
  'relevance',
  'summarize',
  'summaryMaxTokens',
]

function checkContextOptions(options: ContextOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalidArgument('history.context() options must be an object')
  checkKnownKeys(options, CONTEXT_KEYS, { what: 'history.context()', code: 'INVALID_ARGUMENT' })
  if (options.query !== undefined && typeof options.query !== 'string')
    throw invalidArgument('context option query must be a string')
  if (options.relevance !== undefined && typeof options.relevance !== 'function') {
    throw invalidArgument('context option relevance must be a function (query, messages) => number[]')
  }
  const s = options.summarize
  if (s !== undefined && s !== false && s !== 'extractive' && typeof s !== 'function') {
    throw invalidArgument("context option summarize must be a function, 'extractive' or false")
  }
  const m = options.summaryMaxTokens
  if (m !== undefined && (!Number.isInteger(m) || m < 1)) {
    throw invalidArgument(`context option summaryMaxTokens must be an integer >= 1; got ${String(m)}`)
  }
}

/** True when some message older than the kept tail exists (stored and left out, or already gone). */
function hasOlder(picked: Pick, startSeq: number, oldest: number): boolean {
  if (oldest > startSeq || picked.hidden > 0) return true
  const { sel, considered } = picked
  for (let i = 0; i < sel.tailStart; i++) if (considered[i]!.role !== 'system') return true
  return false
}

/** The last seq before the kept tail: everything up to it is what a summary should cover. */
function cutSeq(picked: Pick, lastSeq: number): number {
  const { sel, considered } = picked
  return sel.tailStart < considered.length ? considered[sel.tailStart]!.seq - 1 : lastSeq
}

function fitSummary(
  record: HistorySummary | undefined,
  reserve: number,
  tokenizer: (text: string) => number,
  outcome: SummaryOutcome | undefined,
  notes: string[],
): ContextSummary | undefined {
  if (record === undefined || record.text === '') return undefined
  const text = fitTokens(record.text, reserve - MESSAGE_OVERHEAD_TOKENS, tokenizer)
  if (text === '') {
    notes.push(`the summary does not fit in ${reserve} tokens; it was left out`)
    return undefined
  }
  if (text.length < record.text.length) notes.push(`the summary was shortened to fit ${reserve} tokens`)
  return {
    text,
    fromSeq: record.fromSeq,
    toSeq: record.toSeq,
    source: outcome?.source ?? 'stored',
    tokens: MESSAGE_OVERHEAD_TOKENS + tokenizer(text),
  }
}

/** With `ttlMs`, rewrite an unchanged summary once half its life has passed, so it lives as long as the history. */
async function refresh(env: HistoryEnv, record: HistorySummary, version: number): Promise<void> {
  const ttl = env.options.ttlMs
  const now = env.scope.clock.now()
  if (ttl === undefined || now - record.updatedAt < ttl / 2) return
  // A lost compare-and-set means another call just wrote it: nothing left to refresh.
  await env.scope.store.setValue(
    env.scope.sessionId,
    SUMMARY_PART,
    { ...record, updatedAt: now },
    { ifVersion: version, ...historyWrite(env) },
  )
}
