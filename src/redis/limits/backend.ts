import { isSessionKitError } from '../../errors.js'
import type {
  RateCharge,
  RateFailure,
  RateLimitBackend,
  RateOutcome,
  RateRuleSpec,
  RateSettlement,
} from '../../store/rate-limit-backend.js'
import { asFields, type RedisContext } from '../context.js'
import { keySlot } from '../slots.js'
import { scripts } from './lua/scripts.js'

/**
 * The rate-limit backend of the Redis store (`store.rateLimits`). Each rule's state for a subject is
 * one key, `{<prefix>|<kind>:<id>}:<rule>`: a sliding window's a list (its state, then its log), a
 * bucket's a string. Every key of one subject is in one Cluster slot, and each expires by itself. A consume is one
 * script on a standalone server; on a Cluster, one script per slot, sent together, each all or
 * nothing (the limiter gives back what one took when another refused).
 */
export function createRedisLimits(ctx: RedisContext): RateLimitBackend {
  const { prefix, expiryGraceMs, client } = ctx.options
  const grace = String(expiryGraceMs)
  // A client that says nothing may be a Cluster: grouping by slot is right for both.
  const oneNode = client.cluster === false

  /** Indexes of `items` by Cluster slot of their subject (all in one group on a standalone server). */
  function groups(items: readonly { readonly subject: string }[]): number[][] {
    if (oneNode || items.length === 1) return [everyIndex(items.length)]
    const bySlot = new Map<number, number[]>()
    items.forEach((item, i) => {
      const slot = keySlot(`{${prefix}|${item.subject}}`)
      const group = bySlot.get(slot)
      if (group === undefined) bySlot.set(slot, [i])
      else group.push(i)
    })
    return [...bySlot.values()]
  }

  // [0 .. n - 1] for each n seen: the one group of a standalone server, made once per size.
  const indexes: number[][] = []
  const everyIndex = (n: number) => (indexes[n] ??= Array.from({ length: n }, (_, i) => i))

  const keyOf = (subject: string, rule: RateRuleSpec) => `{${prefix}|${subject}}:${rule.name}`
  // Each rule's figures as the scripts read them, made once per rule.
  const argsByRule = new WeakMap<RateRuleSpec, string[]>()
  function ruleArgs(rule: RateRuleSpec): string[] {
    let args = argsByRule.get(rule)
    if (args === undefined) {
      args = [
        rule.algorithm === 'sliding-window' ? 's' : 'b',
        String(rule.limit),
        String(rule.windowMs),
        String(rule.burst),
      ]
      argsByRule.set(rule, args)
    }
    return args
  }

  async function consumeGroup(
    charges: readonly RateCharge[],
    group: readonly number[],
    now: number,
    outcomes: (RateOutcome | RateFailure)[],
  ): Promise<void> {
    const keys: string[] = new Array(group.length)
    const args = [String(now), grace]
    for (let k = 0; k < group.length; k++) {
      const { rule, subject, cost } = charges[group[k]!]!
      keys[k] = keyOf(subject, rule)
      const figures = ruleArgs(rule)
      args.push(figures[0]!, figures[1]!, figures[2]!, figures[3]!, String(cost))
    }
    try {
      // Four numbers per charge (see rate-limit-consume.lua): seq, or -retryAfterMs when refused;
      // the decision time and resetAt as offsets; remaining. Taken when every charge fits.
      const reply = asFields(
        await ctx.call(scripts.rateLimitConsume, keys, args),
        4 * group.length,
        'rate-limit consume',
      )
      let taken = true
      for (let k = 0; k < group.length; k++) if (Number(reply[k * 4]) < 0) taken = false
      for (let k = 0; k < group.length; k++) {
        const seqOrWait = Number(reply[k * 4])
        const at = now + Number(reply[k * 4 + 1])
        outcomes[group[k]!] = {
          fits: seqOrWait >= 0,
          taken,
          at,
          remaining: Number(reply[k * 4 + 2]),
          resetAt: at + Number(reply[k * 4 + 3]),
          retryAfterMs: Math.max(-seqOrWait, 0),
          seq: Math.max(seqOrWait, 0),
        }
      }
    } catch (error) {
      // Only an unreachable store is answered by the rules' onStoreError; anything else is a bug.
      if (!isSessionKitError(error, 'STORE_UNAVAILABLE')) throw error
      for (const i of group) outcomes[i] = { error }
    }
  }

  return {
    async consume(charges, now) {
      const outcomes: (RateOutcome | RateFailure)[] = new Array(charges.length)
      const slots = groups(charges)
      if (slots.length === 1) await consumeGroup(charges, slots[0]!, now, outcomes)
      else await Promise.all(slots.map((group) => consumeGroup(charges, group, now, outcomes)))
      return outcomes
    },
    async settle(settlements: readonly RateSettlement[], now) {
      await Promise.all(
        groups(settlements).map((group) => {
          const keys: string[] = []
          const args = [String(now), grace]
          for (const i of group) {
            const { rule, subject, seq, at, from, to } = settlements[i]!
            keys.push(keyOf(subject, rule))
            args.push(...ruleArgs(rule), String(seq), String(at), String(from), String(to))
          }
          return ctx.call(scripts.rateLimitSettle, keys, args)
        }),
      )
    },
  }
}
