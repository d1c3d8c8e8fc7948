import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { preludeBlocks, scripts } from '../../src/redis/lua/scripts.js'

const dir = join(import.meta.dirname, '../../src/redis/lua')

// A script's SHA is how a running Redis caches it: pinning them makes every change to a script
// a deliberate one (bump the pin in the same change), never a side effect.
const pinned: Record<string, string> = {
  countLive: 'e7140e76d3dd1c51426dc00b77a8f73e9892469b',
  create: '887d033c94f1604f564b35ac7ebfa0cbf9f6fb8b',
  deletePart: '515bb1bfda2a6d1db3dc013185e015fe2dbb6483',
  delete: '364f7f481cbb0cf64393c42ace3cb07aafcb66ed',
  getMap: 'f061ae99d6cd4ad3a8575993c90431d73ce7588c',
  getValue: '24274c2c6bedcd73e2775801d2c6ba9335a3aea6',
  live: '30dc3a15be3059b2dc63ffa8d8b9cc0a2e3b9110',
  mergeValue: '09118ada83b868bfc08169d9e8b8d8eae24f6bcd',
  meta: 'b9056271993d2e0422e19cdb0dd81334d1720fb2',
  patchMeta: 'f1c21dd6fa96b5d87bd7f15f9b82933a4fd29e20',
  push: 'f8d7ee0e578092fa8257dbba4c4f5045f87ac0ea',
  rangeBySeq: '2f44ddf15480b1404b2c94bb80a80942476f63ec',
  range: '6e50cc98f91485c0b62026c08bc74ba7e9455010',
  readRecord: '6b04cb7ea08e31f0dc22e18822aec2f25baa0a08',
  rename: 'b20b5bb8f295ad70b0a9991fd1dc6be4a415564c',
  scan: 'f7d911082a88e4df9e164da076b756eb52614dde',
  setValue: 'c26849ec4d3f7c0ab4ddf293f66a32f7f4199c38',
  touchMeta: 'f5a93954535145f528b37ba23f714e68a555befd',
  touch: 'd3de6c3cf626c659ddabfa808c464c7d9ccb8fa4',
  updateMap: 'eb9b6f2b43211e626862fad13f0e08f578bd0d84',
}

describe('Redis Lua scripts', () => {
  it('the generated scripts.ts matches the .lua sources (run `node scripts/gen-lua.mjs` after editing them)', () => {
    const check = spawnSync(process.execPath, [
      join(import.meta.dirname, '../../scripts/gen-lua.mjs'),
      '--check',
    ])
    expect(check.stderr.toString()).toBe('')
    expect(check.status).toBe(0)
  })

  it('holds the prelude once (so does every bundle), in blocks that join to the whole _lib.lua', () => {
    const generated = readFileSync(join(dir, 'scripts.ts'), 'utf8')
    const marker = '-- Shared prelude'
    expect(preludeBlocks[0]!.startsWith(marker)).toBe(true)
    expect(generated.split(marker)).toHaveLength(2)
    expect(preludeBlocks.join('')).toBe(readFileSync(join(dir, '_lib.lua'), 'utf8'))
  })

  it('starts each script with only the prelude blocks it uses, then its file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.lua') && !f.startsWith('_'))
    expect(Object.keys(scripts)).toHaveLength(files.length)
    const defined = (block: string) => /^local (?:function )?(\w+)/m.exec(block)![1]!
    for (const file of files) {
      const name = file.slice(0, -4).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
      const script = scripts[name as keyof typeof scripts]
      const body = readFileSync(join(dir, file), 'utf8')
      expect(script.source.endsWith(`\n${body}`)).toBe(true)
      const prelude = script.source.slice(0, script.source.length - body.length - 1)
      const kept = preludeBlocks.filter((block) => prelude.includes(block))
      // The kept blocks, in the file's order, are the whole prelude of the script.
      expect(kept.join('')).toBe(prelude)
      // Every block left out defines a name the script never says.
      const words = new Set(script.source.replace(/--.*$/gm, '').match(/[A-Za-z_]\w*/g))
      for (const block of preludeBlocks.filter((b) => !kept.includes(b))) {
        expect([name, words.has(defined(block))]).toEqual([name, false])
      }
    }
    // A script that uses few helpers carries few: getValue needs only open_read (and `now`).
    expect(scripts.getValue.source.length).toBeLessThan(preludeBlocks.join('').length / 3)
  })

  it('each SHA-1 is the hash of its source and equals its pin', () => {
    for (const script of Object.values(scripts)) {
      expect(createHash('sha1').update(script.source).digest('hex')).toBe(script.sha1)
    }
    const shas = Object.fromEntries(Object.values(scripts).map((s) => [s.name, s.sha1]))
    expect(shas).toEqual(pinned)
  })
})
