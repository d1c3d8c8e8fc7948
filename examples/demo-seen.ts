// `npm run demo` section: seen items. A small wardrobe under the classic flat -1.5 and under the
// decaying default, an explanation for the log, and a diverse re-ranked list.
import {
  createManualClock,
  createSessionKit,
  type ManualClock,
  rerank,
  type SeenPolicyInput,
} from '../src/index.js'

const wardrobe = [
  { id: 'stride-tee', score: 2.5, attributes: ['color:black', 'brand:stride'] },
  { id: 'apex-tee', score: 2.3, attributes: ['color:grey', 'brand:apex'] },
  { id: 'white-tank', score: 1.2, attributes: ['color:white', 'brand:north'] },
  { id: 'polo', score: 0.9, attributes: ['color:navy', 'brand:north'] },
]

/**
 * Prints what the seen module does, step by step.
 *
 * @example
 * await demoSeen(console.log)
 */
export async function demoSeen(log: (line: string) => void): Promise<void> {
  log('One top a minute from a wardrobe of four (two strong, two weak):')
  const policies: [string, SeenPolicyInput][] = [
    ['flat -1.5', { kind: 'flat' }],
    ['decay (default)', { kind: 'decay' }],
    ['decay, time only', { kind: 'decay', halfLifeMs: 10 * 60_000 }],
  ]
  for (const [name, policy] of policies) log(`  ${name.padEnd(16)} ${(await pickTops(policy, 8)).join(' ')}`)

  const clock = createManualClock(Date.parse('2026-01-01T09:00:00Z'))
  const { seen, close } = await openSession(clock, { kind: 'decay', attributes: { color: { weight: 0.4 } } })
  await seen.mark(['stride-tee'], { attributes: { 'stride-tee': ['color:black', 'brand:stride'] } })
  clock.advance(3 * 60_000)
  await seen.mark(['apex-tee'])
  clock.advance(60_000)
  const view = await seen.view()
  log(`why: ${view.explain('stride-tee').text}`)
  log(`why: ${view.explain('black-hoodie', ['color:black']).text}`)

  const shelf = [
    ...wardrobe,
    { id: 'stride-shorts', score: 2.4, attributes: ['color:black', 'brand:stride'] },
    { id: 'stride-cap', score: 2.2, attributes: ['color:black', 'brand:stride'] },
  ]
  const { items, scores } = rerank(shelf, { k: 3, lambda: 0.7, view, maxPerAttribute: { brand: 1 } })
  const listed = items.map((c, i) => `${c.id} (${scores[i]?.toFixed(2)})`).join(', ')
  log(`rerank k=3, one per brand, after seen penalties: ${listed}`)
  await close()
}

// Scores the wardrobe once a minute and marks the best top, as a scoring loop would.
async function pickTops(policy: SeenPolicyInput, requests: number): Promise<string[]> {
  const clock = createManualClock(Date.parse('2026-01-01T09:00:00Z'))
  const { seen, close } = await openSession(clock, policy)
  const picks: string[] = []
  for (let r = 0; r < requests; r++) {
    const view = await seen.view()
    const best = wardrobe
      .map((top) => ({ id: top.id, score: top.score + view.penalty(top.id) }))
      .reduce((a, b) => (b.score > a.score ? b : a))
    picks.push(best.id)
    await seen.mark([best.id])
    clock.advance(60_000)
  }
  await close()
  return picks
}

// A kit on a manual clock (so the demo prints the same every run) and one session of it.
async function openSession(clock: ManualClock, policy: SeenPolicyInput) {
  const kit = createSessionKit({ clock, seen: { policy } })
  const session = await kit.create()
  return { seen: session.seen, close: () => kit.close() }
}
