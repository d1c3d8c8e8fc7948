import { expect, it } from 'vitest'
import { runOutfitScoring } from '../../examples/outfit-scoring.js'

it('examples/outfit-scoring: three gym outfits in a row share no item, and the log explains each penalty', async () => {
  const lines: string[] = []
  const outfits = await runOutfitScoring((line) => lines.push(line))
  expect(outfits).toHaveLength(3)
  const all = outfits.flat()
  expect(all).toHaveLength(9)
  expect(new Set(all).size).toBe(9)
  expect(outfits[0]).toEqual(['tee-stride-black', 'shorts-stride', 'sneakers-stride'])
  const log = lines.join('\n')
  expect(log).toContain(
    'tee-stride-black -1.50: item -1.36 (session 1x, 2m ago, 0 gen ago) + brand:stride -0.14',
  )
  expect(log).toContain('(session 1x, 4m ago, 1 gen ago)')
  // the next morning, in a new session, yesterday's outfits count at the user level only
  expect(log).toContain('tee-stride-black -0.48: item -0.44 (user 1x, 1d ago, 2 gen ago)')
})
