import { expect, it } from 'vitest'
import { demoSeen } from '../../examples/demo-seen.js'

it('examples/demo-seen: flat gets stuck on one top, decay never shows the same top twice in a row', async () => {
  const lines: string[] = []
  await demoSeen((line) => lines.push(line))
  const picks = (name: string) =>
    (lines.find((l) => l.trim().startsWith(name)) ?? '').trim().split(/\s+/).slice(-8)
  const flat = picks('flat -1.5')
  expect(flat.slice(3)).toEqual(Array(5).fill('stride-tee'))
  for (const name of ['decay (default)', 'decay, time only']) {
    const decay = picks(name)
    expect(decay).toHaveLength(8)
    expect(decay.every((id, i) => i === 0 || id !== decay[i - 1])).toBe(true)
  }
  expect(
    lines.some((l) => l.startsWith('why: stride-tee -1.05: item -0.93 (session 1x, 4m ago, 1 gen ago)')),
  ).toBe(true)
  expect(lines.at(-1)).toBe(
    'rerank k=3, one per brand, after seen penalties: stride-shorts (2.28), white-tank (1.20), apex-tee (0.87)',
  )
})
