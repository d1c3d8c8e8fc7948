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
  bind: '497a0397e03664dff1630363f008dc7f8e134816',
  explicit: '984a368de6ba2099f90bbe3462a2f59ac0820817',
  forget: '3f4ff1766dcfc101246e078176ac70da225c6c2c',
  place: '812c7b943333ae5ea220872a0f4d5002e2690091',
  seed: '2808daceb1da8a830994e9ed612fe1e788e8ce41',
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
