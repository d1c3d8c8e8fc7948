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
  create: '46906738950fd43d690bb07bb3e33964c68ec013',
  deletePart: '9422c621e1bd084c8b166ffd984561531cfd392a',
  delete: 'bf57b5383ff4a709a8edf1284cf54719e2863615',
  getMap: '4fa883a9532c929b1f4837ea19e0e9949a5a6a42',
  getValue: 'b544c75566bf1638793a6288f9cd457820443448',
  meta: '632acd9c736c12d97d471ddb600226cb2d192bd7',
  patchMeta: 'c0b9840ee24145df33dd89f55df6817fd09727cb',
  push: '2151ef4bd553cec2130d94e60e9d97fb335daefa',
  rangeBySeq: 'f6debd784bc338096eb726937f738b3de4e27fca',
  range: '236ca8cd405ac2a2044640b5346c014eb75666a5',
  scan: 'c4fe329e857951220d554857ef30f5cc0c7f2f87',
  setValue: 'c593fec6bc0e8e4e4de73edae45d08e6d355983d',
  touch: '58a0ae660610ea5c2f897fa1bb931b3c59693969',
  updateMap: 'a8b3f3841c51669c7de20bcecdda60a00653a74f',
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
