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
  bind: 'b7c4b096eb7f55184c5525d2d44c0efd9168f63e',
  explicit: '69b26b454a8d0c70aa82dd5e759ccaec79119e2b',
  forget: '8e424789e3077ebf4e48e8e93c53ce889984f54f',
  place: '65123eed834645ed9c8d1f2dda9c139e3761bf23',
  seed: '7f0af798d7e17b47be6f3a0c246958733ff7402e',
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
