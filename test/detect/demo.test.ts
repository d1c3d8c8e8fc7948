import { describe, expect, it } from 'vitest'
import { demoDetect } from '../../examples/demo-detect.js'

describe('examples/demo-detect.ts', () => {
  it('runs and shows every kind it walks through', async () => {
    const lines: string[] = []
    await demoDetect((line) => lines.push(line))
    const text = lines.join('\n')
    for (const kind of ['new', 'continued', 'retry', 'fork', 'fuzzy', 'reset'])
      expect(text).toContain(`-> ${kind}`)
    expect(text).toContain('gateway over HTTP: new S7, then continued S7')
    expect(text).not.toContain('system prompt changed')
  })
})
