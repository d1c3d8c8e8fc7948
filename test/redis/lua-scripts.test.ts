import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scripts } from '../../src/redis/lua/scripts.js'

const dir = join(import.meta.dirname, '../../src/redis/lua')

// A script's SHA is how a running Redis caches it: pinning them makes every change to a script
// a deliberate one (bump the pin in the same change), never a side effect.
const pinned: Record<string, string> = {
  create: '91fc5634cc5e8f0272217d41010d1e7283906879',
  deletePart: 'ece59e5484a0acbf9844aaa2430edf3be2a58e34',
  delete: '0437bae9aa5dfe232e7a987404a3cefc673464ee',
  getMap: 'f4adef16be51817ca3878dd3bd5bfa418a00d416',
  getValue: '85d9fd5b936129993e129022e253972d288c5465',
  meta: '1e6a3dcebe54258929260915ba30ac9c4f877823',
  patchMeta: '02b646f12b49200c3a6eb897f673757a53bf778a',
  push: '4ee33e903a8d1cf1020f4466991d220bb19cbcb8',
  rangeBySeq: '86f7ed1c6a7ee59a9dae23987b989816982304bf',
  range: '9a88db4d28f522e3eaa8fed52f9a809f95ca2604',
  scan: '385e3dc589ea492a5579399743e96fe9067dc0d0',
  setValue: 'a1fc104087099dd300e8d5536527609bf2778900',
  touch: '1afbf3cb2ccd9b39061c8f67eb3503aa5289d79e',
  updateMap: '1245235f40972c36fbcd627347a895075c0586ac',
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

  it('has one script per .lua file, each the shared prelude followed by the operation', () => {
    const lib = readFileSync(join(dir, '_lib.lua'), 'utf8')
    const files = readdirSync(dir).filter((f) => f.endsWith('.lua') && !f.startsWith('_'))
    expect(Object.keys(scripts)).toHaveLength(files.length)
    for (const file of files) {
      const name = file.slice(0, -4).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
      const script = scripts[name as keyof typeof scripts]
      expect(script.source).toBe(`${lib}\n${readFileSync(join(dir, file), 'utf8')}`)
    }
  })

  it('each SHA-1 is the hash of its source and equals its pin', () => {
    for (const script of Object.values(scripts)) {
      expect(createHash('sha1').update(script.source).digest('hex')).toBe(script.sha1)
    }
    const shas = Object.fromEntries(Object.values(scripts).map((s) => [s.name, s.sha1]))
    expect(shas).toEqual(pinned)
  })
})
