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
  deletePart: 'e9bbb8170789b0f1ed845560af5839f9077a6461',
  delete: '364f7f481cbb0cf64393c42ace3cb07aafcb66ed',
  getMap: 'f061ae99d6cd4ad3a8575993c90431d73ce7588c',
  getValue: '24274c2c6bedcd73e2775801d2c6ba9335a3aea6',
  live: '30dc3a15be3059b2dc63ffa8d8b9cc0a2e3b9110',
  mergeValue: 'bbfe1940116340968e01ad20624aa32cef47a951',
  meta: 'b9056271993d2e0422e19cdb0dd81334d1720fb2',
  patchMeta: 'b8acbb5174c37d2ea667a5b479c3bec97f48abb2',
  push: '77f9b09bac65da2464d8cb1dc42127ee456b5dda',
  rangeBySeq: '2f44ddf15480b1404b2c94bb80a80942476f63ec',
  range: '6e50cc98f91485c0b62026c08bc74ba7e9455010',
  readRecord: '6b04cb7ea08e31f0dc22e18822aec2f25baa0a08',
  rename: 'b20b5bb8f295ad70b0a9991fd1dc6be4a415564c',
  scan: 'f7d911082a88e4df9e164da076b756eb52614dde',
  setValue: 'a4e327335cb1916f1f13528e6adf13a40dde7aeb',
  touchMeta: '336d57a9d406be7c9abd28492ac8d0b66d8a6158',
  touch: 'b6d35eb6752d35d2709d0d23bcadafcbcb394a81',
  updateMap: 'f1a6f0c088d40ff182770583570d3f5ee55673e6',
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
