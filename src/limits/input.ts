import { invalidArgument, SessionKitError } from '../errors.js'
import { assertRecordId, isReservedName } from '../ids.js'
import type { Charges } from './charges.js'
import type { Reservation } from './result.js'
import { type CompiledRule, MAX_AMOUNT } from './rules.js'

/**
 * Who a `consume` is for, by kind: `{ session: s.id, user: 'u1', tenant: apiKeyId }`. Each id is
 * 1 to 128 of `A-Z a-z 0-9 _ - . : @` (hash anything else, an API key above all, before passing it).
 */
export type Subjects = Readonly<Record<string, string | undefined>>

/** Costs by key: `{ requests: 1, tokens: 800 }`; each a whole number from 0 to 10^12. */
export type Costs = Readonly<Record<string, number>>

/** The value a {@link NameIndex} holds for each of its names. */
const KNOWN = 1

/**
 * Names as the keys of a plain object: `index[name] === KNOWN` is one keyed load, which V8 caches
 * for the few names a call site passes (cheaper than hashing into a set or comparing strings).
 * Inherited keys (`toString`, `__proto__`) hold something else, so they are never known.
 */
export type NameIndex = Readonly<Record<string, unknown>>

/** A {@link NameIndex} of `names`. */
export function nameIndex(names: Iterable<string>): NameIndex {
  const index: Record<string, unknown> = {}
  for (const name of names) index[name] = KNOWN
  return index
}

/** What the limiter checks calls against: its rules, and the kinds and cost keys they use. */
export interface LimiterShape {
  readonly rules: readonly CompiledRule[]
  readonly kinds: readonly string[]
  readonly costKeys: readonly string[]
  readonly kindIndex: NameIndex
  readonly costIndex: NameIndex
}

/**
 * Fills `into` with the charges of a `consume`: one per rule whose subject is named and whose
 * cost is given. `INVALID_ARGUMENT` for an unknown kind or cost key (a typo would silently skip a
 * rule), a bad id or cost; `LIMIT_EXCEEDED` for a cost no window or bucket of its rule could ever
 * admit. With `checkIds` false the ids are left to the backend: the memory backend checks an id it
 * holds no state for (one it holds passed the check when it came), which saves the check on most calls.
 */
export function chargesOf(
  shape: LimiterShape,
  subjects: Subjects,
  costs: Costs,
  into: Charges,
  checkIds = true,
): void {
  if (typeof subjects !== 'object' || subjects === null) {
    throw invalidArgument('consume needs subjects: { session: id } or { user, tenant, ... }')
  }
  if (typeof costs !== 'object' || costs === null) {
    throw invalidArgument('consume needs costs: { requests: 1 } or { tokens: 800 }')
  }
  // for-in, not Object.keys: no array per call on the hot path (inherited keys are checked too).
  for (const kind in subjects) {
    if (shape.kindIndex[kind] !== KNOWN) {
      throw invalidArgument(
        `subject kind "${kind.slice(0, 40)}" is used by no rule; known kinds: ${shape.kinds.join(', ')}`,
      )
    }
  }
  for (const key in costs) {
    if (shape.costIndex[key] !== KNOWN) {
      throw invalidArgument(
        `cost "${key.slice(0, 40)}" is charged by no rule; rules charge: ${shape.costKeys.join(', ') || 'nothing (configure them: createSessionKit({ limits: { rules } }) or createRateLimiter({ rules }))'}`,
      )
    }
    const cost = costs[key]
    // The message is built only for a bad amount: a template per call costs more than the check.
    if (!isAmount(cost)) checkAmount(cost, `cost ${key}`)
  }
  let n = 0
  for (let slot = 0; slot < shape.rules.length; slot++) {
    const rule = shape.rules[slot]!
    const id = subjects[rule.per]
    const cost = costs[rule.cost]
    if (id === undefined || cost === undefined) continue
    if (checkIds) checkSubjectId(id, rule)
    if (cost > rule.burst) {
      // A bad id anywhere in the call is named before the cost, on every store alike.
      checkEveryId(shape, subjects, costs)
      throw new SessionKitError(
        'LIMIT_EXCEEDED',
        `cost ${rule.cost} = ${cost} is more than rule "${rule.name}" can ever admit (${rule.burst}); split the request or raise the rule's ${rule.algorithm === 'token-bucket' ? 'burst' : 'limit'}`,
        { details: { rule: rule.name, cost, limit: rule.burst } },
      )
    }
    into.rules[n] = rule
    into.slots[n] = slot
    into.ids[n] = id
    into.costs[n] = cost
    n++
  }
  into.n = n
}

/** `INVALID_ARGUMENT` for the first applicable rule whose subject id is not well formed. */
function checkEveryId(shape: LimiterShape, subjects: Subjects, costs: Costs): void {
  for (const rule of shape.rules) {
    const id = subjects[rule.per]
    if (id !== undefined && costs[rule.cost] !== undefined) checkSubjectId(id, rule)
  }
}

/** `INVALID_ARGUMENT` unless `id` is a well-formed id for `rule`'s subject. */
export function checkSubjectId(id: unknown, rule: CompiledRule): asserts id is string {
  if (!isSubjectId(id)) assertRecordId(id, `subjects.${rule.per}`)
}

/**
 * The record-id rule (1 to 128 of `A-Z a-z 0-9 _ - . : @`, not a reserved word) as a character
 * loop: it runs on every consume. `assertRecordId` gives the message when it fails.
 */
function isSubjectId(id: unknown): boolean {
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) return false
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    const ok =
      (c >= 97 && c <= 122) || // a-z
      (c >= 64 && c <= 90) || // @ A-Z
      (c >= 45 && c <= 58) || // - . / 0-9 :
      c === 95 // _
    if (!ok || c === 47) return false // not /
  }
  return !isReservedName(id)
}

/** A cost or an actual amount: a whole number from 0 to 10^12. */
function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_AMOUNT
}

/** Checks a cost or an actual amount: a whole number from 0 to 10^12. */
export function checkAmount(value: unknown, what: string): asserts value is number {
  if (!isAmount(value)) {
    throw invalidArgument(`${what} must be a whole number from 0 to 10^12; got ${String(value).slice(0, 40)}`)
  }
}

/**
 * Checks a reservation handed back to `settle` (it may have crossed a process boundary as JSON):
 * every charge names one of the rules and a well-formed subject. Returns each charge with its rule.
 */
export function checkReservation(
  byName: ReadonlyMap<string, CompiledRule>,
  reservation: Reservation,
): { rule: CompiledRule; charge: Reservation['charges'][number] }[] {
  const charges = (reservation as { charges?: unknown } | null)?.charges
  if (!Array.isArray(charges) || charges.length > byName.size) {
    throw invalidArgument('settle needs the reservation that consume returned (result.reservation)')
  }
  return charges.map((charge: Reservation['charges'][number], i: number) => {
    const rule = byName.get(charge?.rule)
    if (rule === undefined) throw invalidArgument(`reservation charge [${i}] names no rule of this limiter`)
    const subject = typeof charge.subject === 'string' ? charge.subject : ''
    if (!subject.startsWith(`${rule.per}:`)) {
      throw invalidArgument(`reservation charge [${i}] has no ${rule.per} subject for rule "${rule.name}"`)
    }
    assertRecordId(subject.slice(rule.per.length + 1), `reservation charge [${i}] subject`)
    checkAmount(charge.cost, `reservation charge [${i}] cost`)
    checkAmount(charge.seq, `reservation charge [${i}] seq`)
    if (typeof charge.at !== 'number' || !Number.isFinite(charge.at)) {
      throw invalidArgument(`reservation charge [${i}] at must be a time in epoch ms`)
    }
    return { rule, charge }
  })
}
