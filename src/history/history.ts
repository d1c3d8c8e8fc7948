import { randomUUID } from 'node:crypto'
import { invalidArgument, SessionKitError } from '../errors.js'
import { validateMessage } from '../message/validate.js'
import { checkKnownKeys } from '../options.js'
import { assertParsed, assertScope, type SessionScope } from '../session-scope.js'
import type { JsonValue } from '../store/contract.js'
import { buildContext, type ContextOptions, type ContextResult } from './context.js'
import { coverBeforeDrop } from './cover-before-drop.js'
import type { HistoryMessage, MessageInput } from './message.js'
import type { HistoryOptions } from './options.js'
import { computeHistoryStats, type HistoryStats } from './stats.js'
import type { HistorySummary, SummaryOutcome } from './summary.js'
import {
  HISTORY_PART,
  type HistoryEnv,
  historyWrite,
  SUMMARY_PART,
  sharedFor,
  summaryLock,
  toMessage,
} from './summary-store.js'
import type { Tokenizer } from './tokens.js'

/** Options of `append`, passed after the messages. */
export interface AppendOptions {
  /** A retry with the same key (among the session's last 256 keyed appends) stores nothing again. */
  readonly idempotencyKey?: string
}

/** Outcome of `append`. */
export interface AppendResult {
  /** The stored messages with `seq`, `id`, `createdAt` (on a duplicate: those of the first append still stored). */
  readonly messages: HistoryMessage[]
  /** True when the idempotency key was seen before and nothing was added. */
  readonly duplicate: boolean
  /** Old messages this append pushed off the `maxMessages` cap. */
  readonly dropped: number
  /** Messages stored now. */
  readonly length: number
  /** With a configured summariser: how the summary was extended, when this append extended it. */
  readonly summary?: SummaryOutcome
}

/** Options of `list`. */
export interface ListOptions {
  /** Page size, 1 to 1000. Default 20. */
  readonly limit?: number
  /** Only messages with a seq below this (the page before a cursor). */
  readonly before?: number
  /** Only messages with a seq above this (the page after a cursor); then the oldest come first. */
  readonly after?: number
}

/** A page of messages, oldest first, with cursors. */
export interface HistoryPage {
  readonly messages: HistoryMessage[]
  /** Pass as `before` for the older page; `undefined` when there is none. */
  readonly nextBefore: number | undefined
  /** Pass as `after` for the newer page; `undefined` when there is none. */
  readonly nextAfter: number | undefined
  /** Messages stored now. */
  readonly total: number
  /** Seq of the newest message ever appended (0 when none). */
  readonly lastSeq: number
}

/**
 * A session's conversation: `session.history`. An append-only log of messages, capped at
 * `maxMessages`, plus context building, stats and a stored summary.
 *
 * @example
 * await session.history.append({ role: 'user', content: q }, { idempotencyKey: requestId })
 */
export interface HistoryModule {
  /** Stores messages in one atomic step, in order, with consecutive seqs. Validates all first: on error nothing is stored. */
  append(
    ...args: [...messages: MessageInput[], options: AppendOptions] | MessageInput[]
  ): Promise<AppendResult>
  /** A page of stored messages by seq. */
  list(options?: ListOptions): Promise<HistoryPage>
  /** The messages for the next prompt within a message cap and/or token budget. */
  context(options?: ContextOptions): Promise<ContextResult>
  /** Removes every message and the summary; seqs keep counting. */
  clear(): Promise<void>
  /** Counts, times, tokens and top topics of the stored messages. */
  stats(options?: { readonly topTopics?: number; readonly tokenizer?: Tokenizer }): Promise<HistoryStats>
  /** The stored summary of older messages, or `undefined`. */
  summary(): Promise<HistorySummary | undefined>
}

/** Largest `list` page. */
export const MAX_PAGE = 1_000

/**
 * The history module of one session handle. Cheap: the facade makes one per handle; state
 * shared across handles (summary writes in progress) hangs off `options`.
 *
 * @example
 * const history = createHistory(scope, parseHistoryOptions({ maxMessages: 200 }))
 */
export function createHistory(scope: SessionScope, options: HistoryOptions): HistoryModule {
  assertScope(scope, 'createHistory')
  assertParsed(options, 'maxMessages', 'number', 'createHistory', 'parseHistoryOptions')
  const env: HistoryEnv = { scope, options, shared: sharedFor(options) }
  const { store, sessionId } = scope
  return {
    async append(...args) {
      const { messages, key } = splitArgs(args as unknown[])
      if (messages.length === 0) throw invalidArgument('history.append needs at least one message')
      if (messages.length > options.maxMessages) {
        throw new SessionKitError(
          'LIMIT_EXCEEDED',
          `history.append got ${messages.length} messages; at most history.maxMessages (${options.maxMessages}) fit`,
        )
      }
      const clean = messages.map((m, i) => validateMessage(m, options, `message ${i + 1}`))
      const createdAt = scope.clock.now()
      const values = clean.map((m) => ({ id: randomUUID(), createdAt, ...m }))
      const pushed = await store.push(sessionId, HISTORY_PART, values as unknown as JsonValue[], {
        max: options.maxMessages,
        ...(key === undefined ? {} : { idempotencyKey: key }),
        ...historyWrite(env),
      })
      let stored: HistoryMessage[]
      if (pushed.duplicate) {
        const again = await store.rangeBySeq(sessionId, HISTORY_PART, {
          afterSeq: pushed.firstSeq - 1,
          beforeSeq: pushed.lastSeq + 1,
          limit: pushed.lastSeq - pushed.firstSeq + 1,
          newest: false,
        })
        stored = again.entries.map(toMessage)
      } else {
        stored = values.map((v, i) => ({ seq: pushed.firstSeq + i, ...v }))
      }
      const summary = pushed.duplicate ? undefined : await coverBeforeDrop(env, pushed)
      const result = {
        messages: stored,
        duplicate: pushed.duplicate,
        dropped: pushed.dropped,
        length: pushed.length,
      }
      return summary === undefined ? result : { ...result, summary }
    },

    async list(query = {}) {
      checkCallOptions(query, ['limit', 'before', 'after'], 'history.list()')
      const limit = query.limit ?? 20
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw invalidArgument(
          `history.list limit must be an integer from 1 to ${MAX_PAGE}; got ${String(limit)}`,
        )
      }
      for (const name of ['before', 'after'] as const) {
        const v = query[name]
        if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
          throw invalidArgument(`history.list ${name} must be a seq (an integer >= 0); got ${String(v)}`)
        }
      }
      const range = await store.rangeBySeq(sessionId, HISTORY_PART, {
        limit,
        ...(query.after === undefined ? {} : { afterSeq: query.after }),
        ...(query.before === undefined ? {} : { beforeSeq: query.before }),
        newest: query.after === undefined,
      })
      const messages = range.entries.map(toMessage)
      const oldest = range.lastSeq - range.length + 1
      const first = messages[0]
      const last = messages[messages.length - 1]
      return {
        messages,
        nextBefore: first !== undefined && first.seq > oldest ? first.seq : undefined,
        nextAfter: last !== undefined && last.seq < range.lastSeq ? last.seq : undefined,
        total: range.length,
        lastSeq: range.lastSeq,
      }
    },

    context(contextOptions) {
      return buildContext(env, contextOptions)
    },

    clear() {
      return summaryLock(env, async () => {
        const write = historyWrite(env)
        await store.deletePart(sessionId, HISTORY_PART, { expiresAt: write.expiresAt })
        const { lastSeq } = await store.range(sessionId, HISTORY_PART, 0, 0)
        const marker: HistorySummary = {
          text: '',
          fromSeq: lastSeq + 1,
          toSeq: lastSeq,
          source: 'cleared',
          missed: 0,
          updatedAt: scope.clock.now(),
        }
        await store.setValue(sessionId, SUMMARY_PART, marker, write)
        env.shared.coverage.set(sessionId, lastSeq)
      })
    },

    async stats(statsOptions = {}) {
      checkCallOptions(statsOptions, ['topTopics', 'tokenizer'], 'history.stats()')
      const top = statsOptions.topTopics
      if (top !== undefined && (!Number.isInteger(top) || top < 0 || top > 1_000)) {
        throw invalidArgument(`history.stats topTopics must be an integer from 0 to 1000; got ${String(top)}`)
      }
      const range = await store.range(sessionId, HISTORY_PART, 0, -1)
      return computeHistoryStats(range.entries.map(toMessage), {
        tokenizer: statsOptions.tokenizer ?? options.tokenizer,
        ...(statsOptions.topTopics === undefined ? {} : { topTopics: statsOptions.topTopics }),
      })
    },

    async summary() {
      const record = await store.getValue<HistorySummary>(sessionId, SUMMARY_PART)
      return record === undefined || record.value.text === '' ? undefined : record.value
    },
  }
}

function checkCallOptions(options: unknown, valid: readonly string[], what: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(`${what} options must be an object`)
  }
  checkKnownKeys(options, valid, { what, code: 'INVALID_ARGUMENT' })
}

/** Splits `append`'s arguments: messages, then an optional options object (one without `role`). */
function splitArgs(args: readonly unknown[]): { messages: unknown[]; key: string | undefined } {
  if (args.some(Array.isArray)) {
    throw invalidArgument('history.append takes messages as separate arguments: append(...messages, options)')
  }
  const last = args[args.length - 1]
  if (typeof last !== 'object' || last === null || Array.isArray(last) || 'role' in last) {
    return { messages: [...args], key: undefined }
  }
  for (const k of Object.keys(last)) {
    if (k !== 'idempotencyKey') {
      throw invalidArgument(
        `history.append: the last argument has no role, so it was read as options, and "${k}" is not an option (idempotencyKey); a message needs a role`,
      )
    }
  }
  const key = (last as AppendOptions).idempotencyKey
  if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 256)) {
    throw invalidArgument('history.append idempotencyKey must be a string of 1 to 256 characters')
  }
  return { messages: args.slice(0, -1), key }
}
