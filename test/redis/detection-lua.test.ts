import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { preludeParts, sectionsUsed } from '../../scripts/gen-detection-lua.mjs'
import {
  detectionPrelude,
  detectionScripts,
  detectionSections,
} from '../../src/redis/detection/lua/scripts.js'

const dir = join(import.meta.dirname, '../../src/redis/detection/lua')

// Pinned like the store's scripts (test/redis/lua-scripts.test.ts): a change to a script is a
// deliberate one, with its pin bumped in the same change.
const pinned: Record<string, string> = {
  bind: 'aa5303d8c77d4ad9bad2565553446a7cc53a6928',
  explicit: 'cb4129e2d9644e6029ddfb3c76236fc8013a8c45',
  forget: 'a5ef6d9b15580d947178ad3e7a03440da0082c64',
  place: 'fe580c8932b8211c63d9adf7a44b41cc54232c9e',
  seed: '844ba215686f41aa8e450c3ec1c730014573f85f',
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

  it('has one script per .lua file: the prelude head, the prelude functions it calls, the script', () => {
    const { head, sections } = preludeParts(readFileSync(join(dir, '_lib.lua'), 'utf8'))
    expect(head).toBe(detectionPrelude)
    expect(Object.keys(detectionSections)).toEqual(sections.map((s) => s.name))
    const files = readdirSync(dir).filter((f) => f.endsWith('.lua') && !f.startsWith('_'))
    expect(Object.keys(detectionScripts).sort()).toEqual(files.map((f) => f.slice(0, -4)).sort())
    for (const file of files) {
      const body = readFileSync(join(dir, file), 'utf8')
      const script = detectionScripts[file.slice(0, -4) as keyof typeof detectionScripts]
      const uses = sectionsUsed(sections, body)
      const parts = [head, ...uses.map((u) => sections.find((s) => s.name === u)!.text), body]
      expect(script.source).toBe(parts.join('\n'))
    }
  })

  it('gives each script every prelude function it calls, and no other', () => {
    const { sections } = preludeParts(readFileSync(join(dir, '_lib.lua'), 'utf8'))
    const body = 'local s = load(id)\nflush()\n-- a comment naming ring( is a call too'
    // What the body calls, and ring: the generator reads a name followed by "(" as a call, in
    // comments too (one function too many costs little; one too few breaks the script).
    expect(sectionsUsed(sections, body)).toEqual(['load', 'flush', 'ring'])
    // add_key calls load and has; tip_of and create are not called.
    expect(sectionsUsed(sections, 'add_key(s, k, 1, 0)')).toEqual(['has', 'load', 'add_key'])
    expect(detectionScripts.seed.source).not.toContain('local function')
    expect(detectionScripts.forget.source).not.toContain('local function flush')
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
