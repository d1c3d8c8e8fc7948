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
  create: '4ddfdd5e8ab9656f59ae49d2b21701ea8633b2cd',
  deletePart: 'aafb21f04530ce47ceb526771226a6550cf2a513',
  delete: '6fa61101d0d09829f8c43ad558fdbcebb1586c64',
  getMap: '95df8042a784ce724b7ad40cd733f5ee56c7f1dc',
  getValue: 'be53f6e9e4e2a878fded2b05bccab2639ff0bf2a',
  meta: '77091113b3eed56e9be3f08767b63483a0001b2b',
  patchMeta: '1996c6af55355b4874fed1fc83b4e8759d240ceb',
  push: '4a49c099c9b23d4d87d3cbb05d5ce1312cafa6ec',
  rangeBySeq: '8983e990f5c9e66c14400ce482279e7eb907c17e',
  range: 'c5c7ec1bf1de04d5b7a3f1fde4c16e20a45d5be6',
  readRecord: 'a1e692ab7efb264fe5fa447c7029f4261647c8d7',
  rename: '1242b3d8a0cb54be39e2e6f9ad16abeb07497ec5',
  scan: 'f169255157824213db979b64f50b552a582bb714',
  setValue: 'd6cf4185d05ad6e56793d4a45a120cb12fb7a87f',
  touch: '694467ffa48c7250741e2201a1d9216cc9c5d3d4',
  updateMap: '0605ca082d7a13510f02df868c2263037ee0e41e',
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
