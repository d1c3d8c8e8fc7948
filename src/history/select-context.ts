import { invalidArgument } from '../errors.js'
import { assertMessageList } from '../message/shape.js'
import { checkCallOptions } from '../options.js'
import type { MessageInput } from './message.js'
import { createTokenCounter, type TokenCounter, type Tokenizer } from './tokens.js'
import { groupUnits, type MessageUnit } from './tool-pairs.js'

/**
 * How to pick the messages of the next prompt. With neither `maxMessages` nor `maxTokens`,
 * every sendable message is kept.
 *
 * @example
 * selectContext(messages, { maxTokens: 3000, reserveTokens: 500 })
 */
export interface SelectContextOptions {
  /** Most messages in the context, pinned ones included. Default: no limit. */
  readonly maxMessages?: number
  /** Token budget of the whole context (messages and summary). Default: no limit. */
  readonly maxTokens?: number
  /** Tokens of `maxTokens` kept free (the reply, a system prompt you add yourself). Default 0. */
  readonly reserveTokens?: number
  /** Counts tokens of a text. Default {@link estimateTokens}. */
  readonly tokenizer?: Tokenizer
  /** Keep system messages first, before any other message competes for the budget. Default `true`. */
  readonly pinSystem?: boolean
  /** Leave out messages before the first user message kept (some providers want a user turn first). Default `false`. */
  readonly startOnUser?: boolean
  /** Relevance of each message (same length as `messages`), higher is better; mixed with recency. */
  readonly scores?: readonly number[]
  /** Weight of relevance against recency, 0 to 1. Default 0.5. */
  readonly relevanceWeight?: number
  /** With `scores`: units taken by recency before any by score. Default 1 (the newest). */
  readonly keepLast?: number
}

/** The options `selectContext` knows; any other key is refused (a typo would drop a limit silently). */
export const SELECT_KEYS: readonly string[] = [
  'maxMessages',
  'maxTokens',
  'reserveTokens',
  'tokenizer',
  'pinSystem',
  'startOnUser',
  'scores',
  'relevanceWeight',
  'keepLast',
]

/** What {@link selectContext} picked. */
export interface Selection<M extends MessageInput> {
  /** The messages kept, in their original (chronological) order. */
  readonly messages: M[]
  /** Tokens of the messages kept. */
  readonly tokens: number
  /** Messages of the input left out. */
  readonly dropped: number
  /** The token budget for messages (`maxTokens - reserveTokens`), or `undefined` when unlimited. */
  readonly budget: number | undefined
  /** False when even the newest unit did not fit the budget or the message cap. */
  readonly fits: boolean
  /** Index of the first message of the newest unbroken run of kept units (`messages.length` if none). */
  readonly tailStart: number
  /** Short sentences on what was left out and why. */
  readonly notes: string[]
}

/**
 * Picks the messages for the next prompt in linear time (plus one sort with `scores`): system
 * messages pinned, then units (an assistant message with its tool results counts as one) from the
 * newest back while they fit the message cap and the token budget; with `scores`, the newest
 * `keepLast` units and then the best by relevance mixed with recency. Never exceeds the budget:
 * when even the newest unit cannot fit, the result says so (`fits: false`) instead. Tool calls
 * without results and results without calls are never sent.
 *
 * @example
 * const { messages, tokens } = selectContext(history, { maxTokens: 3000 })
 */
export function selectContext<M extends MessageInput>(
  messages: readonly M[],
  options: SelectContextOptions = {},
): Selection<M> {
  assertMessageList(messages, 'selectContext')
  checkCallOptions(options, SELECT_KEYS, 'selectContext()')
  checkSelectOptions(options, messages.length)
  return selectWith(messages, options, createTokenCounter(options.tokenizer), 0)
}

/** Checks the numbers of context options; `INVALID_ARGUMENT` names the option. */
export function checkSelectOptions(options: SelectContextOptions, length: number): void {
  const int = (name: string, v: unknown, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min)) {
      throw invalidArgument(`context option ${name} must be an integer >= ${min}; got ${String(v)}`)
    }
  }
  int('maxMessages', options.maxMessages, 1)
  int('maxTokens', options.maxTokens, 1)
  int('reserveTokens', options.reserveTokens, 0)
  int('keepLast', options.keepLast, 0)
  if ((options.reserveTokens ?? 0) >= (options.maxTokens ?? Number.POSITIVE_INFINITY)) {
    throw invalidArgument('context option reserveTokens must be smaller than maxTokens')
  }
  const w = options.relevanceWeight
  if (w !== undefined && !(w >= 0 && w <= 1)) {
    throw invalidArgument(`context option relevanceWeight must be between 0 and 1; got ${String(w)}`)
  }
  if (options.tokenizer !== undefined && typeof options.tokenizer !== 'function') {
    throw invalidArgument('context option tokenizer must be a function (text) => number')
  }
  const s = options.scores
  if (s !== undefined && (!Array.isArray(s) || s.length !== length || !s.every(Number.isFinite))) {
    throw invalidArgument(`relevance scores must be ${length} finite numbers, one per message`)
  }
}

/** {@link selectContext} with a given counter and `extraTokens` already spent (a summary). */
export function selectWith<M extends MessageInput>(
  messages: readonly M[],
  options: SelectContextOptions,
  counter: TokenCounter,
  extraTokens: number,
): Selection<M> {
  const units = groupUnits(messages)
  const budget =
    options.maxTokens === undefined
      ? undefined
      : Math.max(0, options.maxTokens - (options.reserveTokens ?? 0) - extraTokens)
  const tokenLimit = budget ?? Number.POSITIVE_INFINITY
  const cap = options.maxMessages ?? Number.POSITIVE_INFINITY
  const pin = options.pinSystem ?? true
  const chosen = new Uint8Array(units.length)
  const unitTokens = new Float64Array(units.length)
  const notes: string[] = []
  let used = 0
  let count = 0
  const tryTake = (k: number): boolean => {
    const unit = units[k]!
    let t = 0
    for (const i of unit.indices) t += counter.count(messages[i]!)
    unitTokens[k] = t
    if (used + t > tokenLimit || count + unit.indices.length > cap) return false
    chosen[k] = 1
    used += t
    count += unit.indices.length
    return true
  }

  const candidates: number[] = []
  let orphans = 0
  let incomplete = 0
  for (let k = 0; k < units.length; k++) {
    const kind = units[k]!.kind
    if (kind === 'orphan') orphans++
    else if (kind === 'incomplete') incomplete++
    else if (kind !== 'system' || !pin) candidates.push(k)
  }
  if (pin) {
    for (let k = units.length - 1; k >= 0; k--) {
      if (units[k]!.kind === 'system' && !tryTake(k))
        notes.push(`a pinned system message (${where(messages, units[k]!)}) did not fit`)
    }
  }
  if (orphans > 0) notes.push(`left out ${orphans} tool result(s) with no matching call`)
  if (incomplete > 0)
    notes.push(`left out ${incomplete} assistant message(s) whose tool calls have no result yet`)

  let fits = true
  const keepLast = options.scores === undefined ? candidates.length : (options.keepLast ?? 1)
  let taken = 0
  for (let c = candidates.length - 1; c >= 0 && taken < keepLast; c--, taken++) {
    if (tryTake(candidates[c]!)) continue
    if (taken === 0) {
      fits = false
      const u = units[candidates[c]!]!
      notes.push(
        `the newest message unit (${where(messages, u)}: ${u.indices.length} message(s), ${unitTokens[candidates[c]!]} tokens) does not fit ${limits(budget, cap)}; it was left out`,
      )
    }
    break
  }
  if (options.scores !== undefined) pickByScore(units, candidates, options, chosen, tryTake)

  if (options.startOnUser === true) {
    const firstUser = candidates.find(
      (k) => chosen[k] === 1 && messages[units[k]!.indices[0]!]!.role === 'user',
    )
    let cut = 0
    for (const k of candidates) {
      if (k === firstUser || firstUser === undefined) break
      if (chosen[k] === 1) {
        chosen[k] = 0
        used -= unitTokens[k]!
        cut += units[k]!.indices.length
      }
    }
    if (cut > 0) notes.push(`left out ${cut} message(s) before the first user message`)
  }

  let tailStart = messages.length
  for (let c = candidates.length - 1; c >= 0 && chosen[candidates[c]!] === 1; c--) {
    tailStart = units[candidates[c]!]!.indices[0]!
  }
  const out: M[] = []
  for (let k = 0; k < units.length; k++)
    if (chosen[k] === 1) for (const i of units[k]!.indices) out.push(messages[i]!)
  return {
    messages: out,
    tokens: used,
    dropped: messages.length - out.length,
    budget,
    fits,
    tailStart,
    notes,
  }
}

function pickByScore(
  units: readonly MessageUnit[],
  candidates: readonly number[],
  options: SelectContextOptions,
  chosen: Uint8Array,
  tryTake: (k: number) => boolean,
): void {
  const scores = options.scores!
  const weight = options.relevanceWeight ?? 0.5
  const rel = candidates.map((k) => Math.max(...units[k]!.indices.map((i) => scores[i]!)))
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const r of rel) {
    lo = Math.min(lo, r)
    hi = Math.max(hi, r)
  }
  const span = hi - lo
  const last = Math.max(1, candidates.length - 1)
  const mixed = candidates.map(
    (_, c) => weight * (span > 0 ? (rel[c]! - lo) / span : 1) + (1 - weight) * (c / last),
  )
  const order = candidates.map((_, c) => c).sort((a, b) => mixed[b]! - mixed[a]! || b - a)
  for (const c of order) if (chosen[candidates[c]!] === 0) tryTake(candidates[c]!)
}

function limits(budget: number | undefined, cap: number): string {
  const parts: string[] = []
  if (budget !== undefined) parts.push(`the budget of ${budget} tokens`)
  if (cap !== Number.POSITIVE_INFINITY) parts.push(`the cap of ${cap} messages`)
  return parts.join(' with ')
}

function where(messages: readonly MessageInput[], unit: MessageUnit): string {
  const first = messages[unit.indices[0]!] as { seq?: number }
  const last = messages[unit.indices[unit.indices.length - 1]!] as { seq?: number }
  if (first.seq === undefined) return `index ${unit.indices[0]}`
  return first.seq === last.seq ? `seq ${first.seq}` : `seq ${first.seq}-${last.seq}`
}
