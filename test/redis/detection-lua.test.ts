import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { detectionScripts } from '../../src/redis/detection/lua/scripts.js'

const dir = join(import.meta.dirname, '../../src/redis/detection/lua')

// Pinned like the store's scripts (test/redis/lua-scripts.test.ts): a change to a script is a
// deliberate one, with its pin bumped in the same change.
const pinned: Record<string, string> = {
  bind: '82b7646ed66da092b94962e29e63c5118fc09f16',
  explicit: '601c22bc427a60824ddf0835d491aa8065c23b37',
  forget: '2a5158be1ee6fbe31a7ccb88fe0ae8d4e8ef9674',
  place: '66c1f192362adc6acc878d26aa5cd654d185b10e',
  seed: '8340c673d05c75c67460008cab9bedf5596b5d05',
}

describe('Redis detection-index Lua scripts', () => {
  it('the generated scripts.ts matches the .lua sources (run `npm run gen:lua` after editing them)', () => {
    const check = spawnSync(process.execPath, [
      join(import.meta.dirname, '../../scripts/gen-detection-lua.mjs'),
      '--check',
    ])
    expect(check.stderr.toString()).toBe('')
    expect(check.status).toBe(0)
  })

  it('has one script per .lua file, each its own prelude followed by the script', () => {
    const lib = readFileSync(join(dir, '_lib.lua'), 'utf8')
    const files = readdirSync(dir).filter((f) => f.endsWith('.lua') && !f.startsWith('_'))
    expect(Object.keys(detectionScripts).sort()).toEqual(files.map((f) => f.slice(0, -4)).sort())
    for (const file of files) {
      const script = detectionScripts[file.slice(0, -4) as keyof typeof detectionScripts]
      expect(script.source).toBe(`${lib}\n${readFileSync(join(dir, file), 'utf8')}`)
    }
  })

  it('each SHA-1 is the hash of its source and equals its pin', () => {
    const shas: Record<string, string> = {}
    for (const [name, script] of Object.entries(detectionScripts)) {
      expect(createHash('sha1').update(script.source).digest('hex')).toBe(script.sha1)
      shas[name] = script.sha1
    }
    expect(shas).toEqual(pinned)
  })
})
