import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createHistory, parseHistoryOptions } from '../../src/history/index.js'
import {
  checkToolPairs,
  countMessageTokens,
  type MessageInput,
  selectContext,
  toOpenAIMessages,
} from '../../src/index.js'
import { expectOpenAIMessages } from '../formats/provider-shapes.js'
import { makeScope } from '../helpers/scope.js'
import { forEachStore, type StoreFixture } from '../helpers/stores.js'
import { history } from './arbitraries.js'
import { IDLE_MS, T0 } from './scope.js'

const limits = fc.record({
  maxTokens: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
  reserve: fc.integer({ min: 0, max: 100 }),
  maxMessages: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  pinSystem: fc.boolean(),
  startOnUser: fc.boolean(),
})

/** The limits as call options: `reserve` is this test's own (turned into `reserveTokens` by budgetOf). */
function optionsOf(l: { reserve: number } & Record<string, unknown>) {
  const { reserve: _, ...options } = l
  return options
}

function budgetOf(l: { maxTokens: number | undefined; reserve: number }) {
  if (l.maxTokens === undefined) return { options: {}, budget: Number.POSITIVE_INFINITY }
  const reserveTokens = Math.min(l.reserve, l.maxTokens - 1)
  return { options: { maxTokens: l.maxTokens, reserveTokens }, budget: l.maxTokens - reserveTokens }
}

/** The invariants every context keeps, whatever the history and limits. */
function expectSound(
  out: readonly MessageInput[],
  input: readonly MessageInput[],
  tokens: number,
  budget: number,
) {
  // Checked twice: by the library and by the independent shape check of the provider's rules.
  expect(checkToolPairs(out).ok).toBe(true)
  expectOpenAIMessages(toOpenAIMessages(out))
  expect(tokens).toBeLessThanOrEqual(budget)
  let at = -1
  for (const m of out) {
    const i = input.indexOf(m, at + 1)
    expect(i, 'messages come from the input, in order').toBeGreaterThan(at)
    at = i
  }
}

describe('selectContext under random histories and limits', () => {
  it('never splits tool calls from results, never exceeds the budget or the cap, keeps order', () => {
    fc.assert(
      fc.property(
        history(40),
        limits,
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        (log, l, w) => {
          const { options, budget } = budgetOf(l)
          const scores = w === undefined ? undefined : log.map((_, i) => Math.sin(i * 7.3))
          const sel = selectContext(log, { ...options, ...optionsOf(l), scores, relevanceWeight: w })
          expectSound(sel.messages, log, sel.tokens, budget)
          expect(sel.tokens).toBe(sel.messages.reduce((s, m) => s + countMessageTokens(m), 0))
          expect(sel.messages.length).toBeLessThanOrEqual(l.maxMessages ?? Number.POSITIVE_INFINITY)
          expect(sel.dropped).toBe(log.length - sel.messages.length)
        },
      ),
      { numRuns: 500 },
    )
  })
})

/** A fresh store of `fixture`; each call stores a log in a new session and reads it back. */
async function logStore(fixture: StoreFixture, prefix: string) {
  const clock = createManualClock(T0)
  const store = await fixture.make(clock)
  const options = parseHistoryOptions({ maxMessages: 300 })
  let n = 0
  return async (log: readonly MessageInput[]) => {
    const h = createHistory(
      await makeScope(store, clock, { sessionId: `${prefix}-${n++}`, idleMs: IDLE_MS }),
      options,
    )
    if (log.length > 0) await h.append(...log)
    return { h, stored: (await h.list({ limit: 1_000 })).messages }
  }
}

forEachStore((fixture) => {
  it('history.context keeps the same invariants with summaries, on stored histories', async () => {
    const storeLog = await logStore(fixture, 'sess-prop')
    await fc.assert(
      fc.asyncProperty(
        history(30),
        limits,
        fc.constantFrom('extractive' as const, false as const),
        async (log, l, summarize) => {
          const { h, stored } = await storeLog(log)
          const { options: budget, budget: limit } = budgetOf(l)
          const ctx = await h.context({ ...budget, ...optionsOf(l), summarize })
          const same = ctx.messages.map((m) => stored.find((s) => s.seq === m.seq)!)
          expect(ctx.messages).toEqual(same)
          expectSound(same, stored, ctx.tokens, limit)
          const messageTokens = ctx.messages.reduce((s, m) => s + countMessageTokens(m), 0)
          expect(ctx.tokens).toBe(messageTokens + (ctx.summary?.tokens ?? 0))
          expect(ctx.dropped).toBe(stored.length - ctx.messages.length)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('history.context picks exactly what selectContext picks on the whole stored log (it only skips building what cannot fit)', async () => {
    const storeLog = await logStore(fixture, 'sess-same')
    await fc.assert(
      fc.asyncProperty(history(30), limits, async (log, l) => {
        const { h, stored } = await storeLog(log)
        const { options: budget } = budgetOf(l)
        const limitsOnly = {
          ...budget,
          maxMessages: l.maxMessages,
          pinSystem: l.pinSystem,
          startOnUser: l.startOnUser,
        }
        const ctx = await h.context({ ...limitsOnly, summarize: false })
        const whole = selectContext(stored, limitsOnly)
        expect(ctx.messages).toEqual(whole.messages)
        expect(ctx.tokens).toBe(whole.tokens)
        expect(ctx.report.fits).toBe(whole.fits)
        expect(ctx.dropped).toBe(whole.dropped)
      }),
      { numRuns: 80 },
    )
  })
})
