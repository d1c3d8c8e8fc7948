// An outfit generator's scoring loop with decaying seen penalties: three gym outfits in a row
// share no item, and the log explains every penalty. Run it: `npx tsx examples/outfit-scoring.ts`.
import { pathToFileURL } from 'node:url'
import { createManualClock, createSessionKit, type SeenView } from '../src/index.js'

type Slot = 'top' | 'bottom' | 'shoes'

interface Item {
  readonly id: string
  readonly name: string
  readonly slot: Slot
  /** How well the item suits a gym outfit, before any seen penalty. */
  readonly gym: number
  readonly attributes: readonly string[]
}

const catalogue: readonly Item[] = [
  {
    id: 'tee-stride-black',
    name: 'Stride Tee',
    slot: 'top',
    gym: 2.5,
    attributes: ['color:black', 'brand:stride'],
  },
  { id: 'tee-apex-grey', name: 'Apex Tee', slot: 'top', gym: 2.3, attributes: ['color:grey', 'brand:apex'] },
  { id: 'tank-white', name: 'White Tank', slot: 'top', gym: 2.2, attributes: ['color:white', 'brand:north'] },
  {
    id: 'shirt-oxford',
    name: 'Oxford Shirt',
    slot: 'top',
    gym: 0.4,
    attributes: ['color:blue', 'brand:north'],
  },
  {
    id: 'shorts-stride',
    name: 'Stride Shorts',
    slot: 'bottom',
    gym: 2.4,
    attributes: ['color:black', 'brand:stride'],
  },
  {
    id: 'joggers-apex',
    name: 'Apex Joggers',
    slot: 'bottom',
    gym: 2.2,
    attributes: ['color:grey', 'brand:apex'],
  },
  {
    id: 'pants-track',
    name: 'Track Pants',
    slot: 'bottom',
    gym: 2.0,
    attributes: ['color:navy', 'brand:north'],
  },
  { id: 'chinos', name: 'Chinos', slot: 'bottom', gym: 0.3, attributes: ['color:beige', 'brand:north'] },
  {
    id: 'sneakers-stride',
    name: 'Stride Sneakers',
    slot: 'shoes',
    gym: 2.6,
    attributes: ['color:white', 'brand:stride'],
  },
  {
    id: 'runners-apex',
    name: 'Apex Runners',
    slot: 'shoes',
    gym: 2.4,
    attributes: ['color:grey', 'brand:apex'],
  },
  {
    id: 'trainers-north',
    name: 'North Trainers',
    slot: 'shoes',
    gym: 2.1,
    attributes: ['color:black', 'brand:north'],
  },
  { id: 'loafers', name: 'Loafers', slot: 'shoes', gym: 0.1, attributes: ['color:brown', 'brand:north'] },
]

const slots: readonly Slot[] = ['top', 'bottom', 'shoes']

/** The kit option `seen` of this service: the default decay plus a light brand discount. */
const seenOptions = { policy: { kind: 'decay', attributes: { brand: { weight: 0.3 } } } } as const

/**
 * Generates three gym outfits in one session, two minutes apart, logging the top candidates of
 * each slot with their penalty explanations. Resolves the outfits (item ids, top/bottom/shoes).
 *
 * @example
 * const outfits = await runOutfitScoring(console.log)
 */
export async function runOutfitScoring(log: (line: string) => void): Promise<string[][]> {
  // A manual clock makes the log reproducible; a service leaves it out.
  const clock = createManualClock(Date.parse('2026-01-01T09:00:00Z'))
  const kit = createSessionKit({ clock, seen: seenOptions })
  const session = await kit.create({ userId: 'shopper-1' })
  const outfits: string[][] = []
  for (let n = 1; n <= 3; n++) {
    const view = await session.seen.view()
    log(`Outfit #${n} (gym)`)
    const outfit = slots.map((slot) => pickForSlot(slot, view, log))
    outfits.push(outfit.map((item) => item.id))
    log(`  -> ${outfit.map((item) => item.name).join(', ')}`)
    await session.seen.mark(
      outfit.map((item) => item.id),
      { attributes: Object.fromEntries(outfit.map((item) => [item.id, item.attributes])) },
    )
    clock.advance(2 * 60_000)
  }
  await kit.close()
  return outfits
}

function pickForSlot(slot: Slot, view: SeenView, log: (line: string) => void): Item {
  const ranked = catalogue
    .filter((item) => item.slot === slot)
    .map((item) => ({ item, penalty: view.penalty(item.id, item.attributes) }))
    .map((c) => ({ ...c, score: c.item.gym + c.penalty }))
    .sort((a, b) => b.score - a.score)
  log(`  ${slot}:`)
  ranked.slice(0, 3).forEach(({ item, penalty, score }, i) => {
    const seenText = penalty === 0 ? 'new' : view.explain(item.id, item.attributes).text
    log(
      `    ${i + 1}. ${item.name}: ${score.toFixed(2)} (base ${item.gym.toFixed(2)}, seen ${penalty.toFixed(2)}) ${seenText}`,
    )
  })
  return (ranked[0] as { item: Item }).item
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runOutfitScoring((line) => console.log(line))
}
