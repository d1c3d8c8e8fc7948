import { isSessionKitError } from '../../errors.js'
import type {
  RateCharge,
  RateFailure,
  RateLimitBackend,
  RateOutcome,
  RateRuleSpec,
  RateSettlement,
} from '../../store/rate-limit-backend.js'
import { asArray, type RedisContext } from '../context.js'
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
    if (oneNode || items.length === 1) return [items.map((_, i) => i)]
    const bySlot = new Map<number, number[]>()
    items.forEach((item, i) => {
      const slot = keySlot(`{${prefix}|${item.subject}}`)
      const group = bySlot.get(slot)
      if (group === undefined) bySlot.set(slot, [i])
      else group.push(i)
    })
    return [...bySlot.values()]
  }

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
    const keys: string[] = []
    const args = [String(now), grace, String(group.length)]
    for (const i of group) {
      const { rule, subject, cost } = charges[i]!
      keys.push(keyOf(subject, rule))
      args.push(...ruleArgs(rule), String(cost))
    }
    try {
      const reply = asArray(await ctx.call(scripts.rateLimitConsume, keys, args), 'rate-limit consume')
      const taken = Number(reply[0]) === 1
      group.forEach((i, k) => {
        const o = 1 + k * 6
        outcomes[i] = {
          fits: Number(reply[o]) === 1,
          taken,
          at: Number(reply[o + 1]),
          remaining: Number(reply[o + 2]),
          resetAt: Number(reply[o + 3]),
          retryAfterMs: Number(reply[o + 4]),
          seq: Number(reply[o + 5]),
        }
      })
    } catch (error) {
      // Only an unreachable store is answered by the rules' onStoreError; anything else is a bug.
      if (!isSessionKitError(error, 'STORE_UNAVAILABLE')) throw error
      for (const i of group) outcomes[i] = { error }
    }
  }

  return {
    async consume(charges, now) {
      const outcomes: (RateOutcome | RateFailure)[] = new Array(charges.length)
      await Promise.all(groups(charges).map((group) => consumeGroup(charges, group, now, outcomes)))
      return outcomes
    },
    async settle(settlements: readonly RateSettlement[], now) {
      await Promise.all(
        groups(settlements).map((group) => {
          const keys: string[] = []
          const args = [String(now), grace, String(group.length)]
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
