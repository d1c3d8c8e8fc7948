// An outfit generator's scoring loop with decaying seen penalties: three gym outfits in a row
// share no item, and the log explains every penalty. Run it: `npx tsx examples/outfit-scoring.ts`.
import { pathToFileURL } from 'node:url'
import { createManualClock, createSessionKit, type SeenView, type Session } from '../src/index.js'

type Slot = 'top' | 'bottom' | 'shoes'

interface Item {
  readonly id: string
  readonly name: string
  readonly slot: Slot
  /** How well the item suits a gym outfit, before any seen penalty. */
  readonly gym: number
  readonly attributes: readonly string[]
}

const item = (id: string, name: string, slot: Slot, gym: number, color: string, brand: string): Item => ({
  id,
  name,
  slot,
  gym,
  attributes: [`color:${color}`, `brand:${brand}`],
})

const catalogue: readonly Item[] = [
  item('tee-stride-black', 'Stride Tee', 'top', 2.5, 'black', 'stride'),
  item('tee-apex-grey', 'Apex Tee', 'top', 2.3, 'grey', 'apex'),
  item('tank-white', 'White Tank', 'top', 2.2, 'white', 'north'),
  item('shirt-oxford', 'Oxford Shirt', 'top', 0.4, 'blue', 'north'),
  item('shorts-stride', 'Stride Shorts', 'bottom', 2.4, 'black', 'stride'),
  item('joggers-apex', 'Apex Joggers', 'bottom', 2.2, 'grey', 'apex'),
  item('pants-track', 'Track Pants', 'bottom', 2.0, 'navy', 'north'),
  item('chinos', 'Chinos', 'bottom', 0.3, 'beige', 'north'),
  item('sneakers-stride', 'Stride Sneakers', 'shoes', 2.6, 'white', 'stride'),
  item('runners-apex', 'Apex Runners', 'shoes', 2.4, 'grey', 'apex'),
  item('trainers-north', 'North Trainers', 'shoes', 2.1, 'black', 'north'),
  item('loafers', 'Loafers', 'shoes', 0.1, 'brown', 'north'),
]

const slots: readonly Slot[] = ['top', 'bottom', 'shoes']

/** The kit option `seen` of this service: the default decay plus a light brand discount. */
const seenOptions = { policy: { kind: 'decay', attributes: { brand: { weight: 0.3 } } } } as const

/**
 * Generates three gym outfits in one session, two minutes apart, then one the next morning in a
 * new session of the same user (the user level remembers yesterday), logging the top candidates
 * of each slot with their penalty explanations. Resolves the first three outfits (item ids,
 * top/bottom/shoes).
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
    outfits.push(await generateOutfit(`Outfit #${n} (gym)`, session, log))
    clock.advance(2 * 60_000)
  }
  clock.advance(24 * 3_600_000)
  const tomorrow = await kit.create({ userId: 'shopper-1' })
  await generateOutfit('Next morning, a new session of the same user (gym)', tomorrow, log)
  await kit.close()
  return outfits
}

// One request of the service: one view, score every candidate per slot, mark the outfit shown.
async function generateOutfit(
  title: string,
  session: Session,
  log: (line: string) => void,
): Promise<string[]> {
  const view = await session.seen.view()
  log(title)
  const outfit = slots.map((slot) => pickForSlot(slot, view, log))
  log(`  -> ${outfit.map((chosen) => chosen.name).join(', ')}`)
  const ids = outfit.map((chosen) => chosen.id)
  await session.seen.mark(ids, { attributes: Object.fromEntries(outfit.map((c) => [c.id, c.attributes])) })
  return ids
}

function pickForSlot(slot: Slot, view: SeenView, log: (line: string) => void): Item {
  const ranked = catalogue
    .filter((candidate) => candidate.slot === slot)
    .map((candidate) => {
      const penalty = view.penalty(candidate.id, candidate.attributes)
      return { item: candidate, penalty, score: candidate.gym + penalty }
    })
    .sort((a, b) => b.score - a.score)
  log(`  ${slot}:`)
  ranked.slice(0, 3).forEach(({ item: c, penalty, score }, i) => {
    const seenText = penalty === 0 ? 'new' : view.explain(c.id, c.attributes).text
    log(
      `    ${i + 1}. ${c.name}: ${score.toFixed(2)} (base ${c.gym.toFixed(2)}, seen ${penalty.toFixed(2)}) ${seenText}`,
    )
  })
  return (ranked[0] as { item: Item }).item
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runOutfitScoring((line) => console.log(line))
}
