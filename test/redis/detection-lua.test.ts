import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { detectionPrelude, detectionScripts } from '../../src/redis/detection/lua/scripts.js'

const dir = join(import.meta.dirname, '../../src/redis/detection/lua')

// Pinned like the store's scripts (test/redis/lua-scripts.test.ts): a change to a script is a
// deliberate one, with its pin bumped in the same change.
const pinned: Record<string, string> = {
  bind: '6eb0a64779edf2bdf3906ec43430ffac78522cc7',
  explicit: 'a9cf57bfee9a7805ebbd5b5d564059fa76f111dd',
  forget: 'af5ea4c7210fe44919693d1cb2af978be06cd2b5',
  place: '61819a06cf72a6f93ca8cfebad3c96a877c1b8ad',
  seed: 'e5d61f9b2fc1d6868f06525d01d06e708f910764',
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

  it('holds the prelude once (so does every bundle), joined to each body only when its source is needed', () => {
    const generated = readFileSync(join(dir, 'scripts.ts'), 'utf8')
    const marker = '-- Detection prelude'
    expect(detectionPrelude.startsWith(marker)).toBe(true)
    expect(generated.split(marker)).toHaveLength(2)
  })

  it('has one script per .lua file, each the prelude followed by the script', () => {
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
