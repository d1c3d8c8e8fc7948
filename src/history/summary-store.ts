import { LRUCache } from 'lru-cache'
import type { SessionScope } from '../session-scope.js'
import type { ListEntry, Versioned, WriteOptions } from '../store/contract.js'
import { createKeyedQueue, type KeyedQueue, queuePart } from '../util/keyed-queue.js'
import type { HistoryMessage } from './message.js'
import type { HistoryOptions } from './options.js'
import { type HistorySummary, runSummarizer, type Summarizer, type SummaryOutcome } from './summary.js'

/** The list part holding the messages. */
export const HISTORY_PART = 'history'
/** The value part holding the summary of older messages. */
export const SUMMARY_PART = 'history.summary'

/** How the summariser fared in this process (`kit.stats().summaries`). */
export interface SummaryCounts {
  /** Calls made to the configured or given summariser. */
  calls: number
  /** Calls that threw, returned no text or timed out: the extractive fallback was stored instead. */
  failures: number
  /** Of the failures, those that timed out (`history.summarizeTimeoutMs`). */
  timeouts: number
}

/** State shared by every handle of one kit: summaries of a session are written one at a time. */
export interface HistoryShared {
  readonly queue: KeyedQueue
  /** Session id -> highest seq known to be summarised (a lower bound: coverage only grows). */
  readonly coverage: LRUCache<string, number>
  readonly counts: SummaryCounts
}

/** What the history functions of one handle work on. */
export interface HistoryEnv {
  readonly scope: SessionScope
  readonly options: HistoryOptions
  readonly shared: HistoryShared
}

const shared = new WeakMap<HistoryOptions, HistoryShared>()

/** The shared state of the kit whose parsed options are `options` (made on first use). */
export function sharedFor(options: HistoryOptions): HistoryShared {
  let state = shared.get(options)
  if (state === undefined) {
    // Each call passes its own bound (see summaryLock).
    state = {
      queue: createKeyedQueue({ waitMs: options.summarizeTimeoutMs }),
      coverage: new LRUCache({ max: 10_000 }),
      counts: { calls: 0, failures: 0, timeouts: 0 },
    }
    shared.set(options, state)
  }
  return state
}

/** A copy of the summariser counts of the kit whose parsed history options are `options`. */
export function summaryCounts(options: HistoryOptions): Readonly<SummaryCounts> {
  return { ...sharedFor(options).counts }
}

function count(counts: SummaryCounts, outcome: SummaryOutcome): void {
  counts.calls++
  if (outcome.source === 'summarizer') return
  counts.failures++
  if (outcome.timedOut === true) counts.timeouts++
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** A stored list entry as a message (an object literal of one shape: much faster than a spread). */
export function toMessage(entry: ListEntry): HistoryMessage {
  const v = entry.value as unknown as Omit<HistoryMessage, 'seq'>
  const m: Mutable<HistoryMessage> = {
    seq: entry.seq,
    id: v.id,
    createdAt: v.createdAt,
    role: v.role,
    content: v.content,
  }
  if (v.toolCalls !== undefined) m.toolCalls = v.toolCalls
  if (v.toolCallId !== undefined) m.toolCallId = v.toolCallId
  if (v.isError !== undefined) m.isError = v.isError
  if (v.isJson !== undefined) m.isJson = v.isJson
  if (v.metadata !== undefined) m.metadata = v.metadata
  return m
}

/**
 * Write options that count as activity, with the history's own expiry when `ttlMs` is set. The
 * part expiry is not clamped to the record's: the record may be extended later (by a touch), and
 * the history should then live its full `ttlMs`; the record ending first still ends it.
 */
export function historyWrite(env: HistoryEnv): WriteOptions {
  const expiresAt = env.scope.activityExpiresAt()
  const ttl = env.options.ttlMs
  if (ttl === undefined) return { expiresAt }
  return { expiresAt, partExpiresAt: env.scope.clock.now() + ttl }
}

/** A store's answer time when it states none (the Redis store's default `commandTimeoutMs`). */
const STORE_WAIT_MS = 2000

/**
 * Runs `task` alone among the summary writes of this session in this process. A call waits at
 * most as long as the task ahead of it can take: one summariser call (`summarizeTimeoutMs`) and
 * three store calls; then it fails with `STORE_UNAVAILABLE`, having written nothing.
 */
export function summaryLock<T>(env: HistoryEnv, task: () => Promise<T>): Promise<T> {
  const storeWait = env.scope.store.capabilities.commandTimeoutMs ?? STORE_WAIT_MS
  const waitMs = env.options.summarizeTimeoutMs + 3 * storeWait
  return queuePart(env.scope, env.shared.queue, SUMMARY_PART, task, waitMs)
}

/** The stored summary record, if any. */
export function readSummary(env: HistoryEnv): Promise<Versioned<HistorySummary> | undefined> {
  return env.scope.store.getValue<HistorySummary>(env.scope.sessionId, SUMMARY_PART)
}

/** A summary record after {@link extendSummary}, and how its text was made (none when nothing new was summarised). */
export interface ExtendedSummary {
  readonly record: HistorySummary
  readonly outcome: SummaryOutcome | undefined
}

/**
 * Extends `current` to cover every seq up to `toSeq`, summarising those of `messages` it does not
 * cover yet, and stores it by compare-and-set. Messages of the range that are no longer stored
 * are counted in `missed`. Losing the compare-and-set to another writer returns that writer's
 * record. Call it inside {@link summaryLock}.
 */
export async function extendSummary(
  env: HistoryEnv,
  current: Versioned<HistorySummary> | undefined,
  messages: readonly HistoryMessage[],
  toSeq: number,
  summarize: Summarizer | 'extractive',
): Promise<ExtendedSummary> {
  const before = current?.value
  const covered = before?.toSeq ?? 0
  const fresh = messages.filter((m) => m.seq > covered && m.seq <= toSeq && m.role !== 'system')
  const firstAvailable = messages.find((m) => m.seq > covered)?.seq ?? toSeq + 1
  const missed = (before?.missed ?? 0) + Math.max(0, Math.min(firstAvailable, toSeq + 1) - covered - 1)
  const previous = before === undefined || before.text === '' ? undefined : before.text
  const { options } = env
  const outcome =
    fresh.length === 0
      ? undefined
      : await runSummarizer(summarize, fresh, previous, options.summarizeTimeoutMs, options.maxSummaryChars)
  if (outcome !== undefined && summarize !== 'extractive') count(env.shared.counts, outcome)
  if (outcome?.error !== undefined) options.onSummaryFailed?.(outcome.error, outcome.cause)
  const record: HistorySummary = {
    text: outcome?.text ?? previous ?? '',
    fromSeq: before?.fromSeq ?? 1,
    toSeq,
    source: outcome?.source ?? before?.source ?? 'extractive',
    missed,
    updatedAt: env.scope.clock.now(),
  }
  const { sessionId, store } = env.scope
  const written = await store.setValue(sessionId, SUMMARY_PART, record, {
    ifVersion: current?.version ?? 0,
    ...historyWrite(env),
  })
  if (!written.ok) {
    const latest = await readSummary(env)
    return { record: latest?.value ?? record, outcome }
  }
  env.shared.coverage.set(sessionId, toSeq)
  return { record, outcome }
}
