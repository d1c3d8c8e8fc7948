import { describe, expect, it } from 'vitest'
import type { Detection } from '../../src/detect/index.js'
import { rng } from '../helpers/rng.js'
import { type Category, type CorpusRequest, generateCorpus } from './corpus.js'
import { setup } from './helpers.js'

interface Replay {
  readonly accuracy: Map<Category, { ok: number; total: number }>
  readonly requests: number
  readonly sessions: number
  readonly crossTenant: number
  /** Sessions holding requests of two different conversations. */
  readonly merged: number
  /** Sessions holding two segments (split by a reset) of one conversation. */
  readonly rejoined: number
  readonly systemChanged: number
}

/**
 * Replays the corpus through one detector as a gateway would: detect each request, and (with
 * `bind`) bind the upstream's answer once it "arrives", 0 to 3 other requests later, but always
 * before the same conversation's next request (its client waits for the answer).
 */
function replay(corpus: readonly CorpusRequest[], bind: boolean): Replay {
  const { detector, clock } = setup({ maxSessions: 100_000 })
  const r = rng(7)
  const pending: { due: number; d: Detection; c: CorpusRequest }[] = []
  const flush = (i: number, conversation?: string) => {
    for (let k = pending.length - 1; k >= 0; k--) {
      const p = pending[k]!
      if (p.due > i && p.c.truth.split('#')[0] !== conversation) continue
      detector.bindReply(p.d, p.c.reply!)
      pending.splice(k, 1)
    }
  }
  const accuracy = new Map<Category, { ok: number; total: number }>()
  const sessionOf = new Map<string, string>()
  const ownerOf = new Map<string, string>()
  const tenantOf = new Map<string, string>()
  const mergedPairs = new Set<string>()
  const rejoinedPairs = new Set<string>()
  let crossTenant = 0
  let systemChanged = 0
  corpus.forEach((c, i) => {
    clock.advance(c.advanceMs)
    flush(i, c.truth.split('#')[0])
    const d = detector.detect(c.request)
    if (bind && c.reply !== undefined) pending.push({ due: i + Math.floor(r() * 4), d, c })
    const tenant = c.request.tenant ?? ''
    const seenTenant = tenantOf.get(d.sessionId)
    if (seenTenant === undefined) tenantOf.set(d.sessionId, tenant)
    else if (seenTenant !== tenant) crossTenant++
    if (d.systemChanged) systemChanged++
    const owner = ownerOf.get(d.sessionId)
    if (owner === undefined) ownerOf.set(d.sessionId, c.truth)
    else if (owner !== c.truth) {
      const same = owner.split('#')[0] === c.truth.split('#')[0]
      ;(same ? rejoinedPairs : mergedPairs).add(`${owner}|${c.truth}`)
    }
    if (c.first) sessionOf.set(c.truth, d.sessionId)
    const ok = c.first
      ? owner === undefined || owner === c.truth
      : sessionOf.get(c.truth) === d.sessionId && owner === c.truth
    for (const label of c.labels) {
      const a = accuracy.get(label) ?? { ok: 0, total: 0 }
      a.total++
      if (ok) a.ok++
      accuracy.set(label, a)
    }
  })
  return {
    accuracy,
    requests: corpus.length,
    sessions: ownerOf.size,
    crossTenant,
    merged: mergedPairs.size,
    rejoined: rejoinedPairs.size,
    systemChanged,
  }
}

function print(title: string, r: Replay): void {
  const rows = [...r.accuracy.entries()].sort((a, b) => a[0].localeCompare(b[0]))
  const lines = rows.map(
    ([k, a]) => `  ${k.padEnd(18)} ${String(a.total).padStart(6)}  ${(a.ok / a.total).toFixed(4)}`,
  )
  console.log(
    `${title}: ${r.requests} requests, ${r.sessions} sessions; conversations merged ${r.merged}, reset segments rejoined ${r.rejoined}, cross-tenant ${r.crossTenant}, false systemChanged ${r.systemChanged}\n  category           requests  grouping accuracy\n${lines.join('\n')}`,
  )
}

const rate = (r: Replay, c: Category) => {
  const a = r.accuracy.get(c)!
  return a.ok / a.total
}

describe('grouping accuracy on a generated corpus', () => {
  const corpus = generateCorpus({ seed: 20260101, conversations: 1_200, tenants: 8, concurrency: 40 })

  it('holds at least 1,000 interleaved conversations across tenants, every category present', () => {
    const conversations = new Set(corpus.map((c) => c.truth.split('#')[0]))
    expect(conversations.size).toBeGreaterThanOrEqual(1_000)
    expect(new Set(corpus.map((c) => c.request.tenant)).size).toBe(8)
    const labels = new Set(corpus.flatMap((c) => c.labels))
    for (const c of [
      'exact',
      'retry',
      'fork',
      'edited',
      'truncated',
      'identical-opening',
      'timestamp',
      'reset',
    ] as const)
      expect(labels).toContain(c)
    expect(labels).toContain('reset-lookalike')
    expect(labels).toContain('tool-reordered')
  })

  it('groups requests as a gateway with bindReply sees them (the recipe)', () => {
    const r = replay(corpus, true)
    print('with bindReply', r)
    expect(r.crossTenant).toBe(0)
    expect(r.merged).toBe(0)
    expect(r.systemChanged).toBe(0)
    expect(rate(r, 'exact')).toBeGreaterThanOrEqual(0.99)
    expect(rate(r, 'retry')).toBeGreaterThanOrEqual(0.99)
    expect(rate(r, 'edited')).toBeGreaterThanOrEqual(0.95)
    expect(rate(r, 'truncated')).toBeGreaterThanOrEqual(0.95)
    expect(rate(r, 'tool-reordered')).toBeGreaterThanOrEqual(0.99)
    expect(rate(r, 'reset')).toBeGreaterThanOrEqual(0.99)
    expect(rate(r, 'reset-lookalike')).toBeGreaterThanOrEqual(0.99)
  })

  // Without bindReply the detector learns a reply only when the client echoes it: two users who
  // open with the same words cannot be told apart at their second request (it becomes a fragment),
  // and the same opening inside retryWindowMs of an unanswered one is taken as its retry. Printed
  // for the record; what must hold is tenant isolation and no false "system changed".
  it('never merges tenants without bindReply either', () => {
    const r = replay(corpus, false)
    print('without bindReply', r)
    expect(r.crossTenant).toBe(0)
    expect(r.systemChanged).toBe(0)
    expect(r.merged).toBeLessThanOrEqual(6)
    expect(rate(r, 'first')).toBeGreaterThanOrEqual(0.99)
    expect(rate(r, 'reset')).toBeGreaterThanOrEqual(0.99)
  })
})
