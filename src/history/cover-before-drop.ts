import type { PushResult } from '../store/contract.js'
import type { SummaryOutcome } from './summary.js'
import {
  extendSummary,
  HISTORY_PART,
  type HistoryEnv,
  readSummary,
  summaryLock,
  toMessage,
} from './summary-store.js'

/**
 * After an append, with a summariser configured: when the log is near its cap and the messages
 * next in line to fall off are not summarised yet, summarise the older half now, so what the
 * cap drops is always covered by the summary. Near the cap means within a quarter of it; the
 * summary then runs about once per `maxMessages / 4` appends. A known coverage is cached per
 * session, so most appends cost no extra store call.
 */
export async function coverBeforeDrop(
  env: HistoryEnv,
  push: PushResult,
): Promise<SummaryOutcome | undefined> {
  const summarize = env.options.summarize
  const max = env.options.maxMessages
  if (summarize === undefined) return undefined
  const margin = Math.max(1, Math.floor(max / 4))
  if (push.length < max - margin) return undefined
  const oldest = push.lastSeq - push.length + 1
  const needed = Math.min(push.lastSeq, oldest + margin - 1)
  const { sessionId, store } = env.scope
  const cached = env.shared.coverage.get(sessionId)
  if (cached !== undefined && cached <= push.lastSeq && cached >= needed) return undefined
  return summaryLock(env, async () => {
    const current = await readSummary(env)
    const covered = current?.value.toSeq ?? 0
    if (covered >= needed) {
      env.shared.coverage.set(sessionId, covered)
      return undefined
    }
    const target = Math.max(needed, push.lastSeq - Math.floor(max / 2))
    const range = await store.rangeBySeq(sessionId, HISTORY_PART, {
      afterSeq: covered,
      beforeSeq: target + 1,
      limit: max,
      newest: false,
    })
    const { outcome } = await extendSummary(env, current, range.entries.map(toMessage), target, summarize)
    return outcome
  })
}
