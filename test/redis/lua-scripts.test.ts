import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { prelude, scripts } from '../../src/redis/lua/scripts.js'

const dir = join(import.meta.dirname, '../../src/redis/lua')

// A script's SHA is how a running Redis caches it: pinning them makes every change to a script
// a deliberate one (bump the pin in the same change), never a side effect.
const pinned: Record<string, string> = {
  create: 'd1dd5e1223dc45c7745d3b674559a15edb627b0b',
  deletePart: 'a77fb1113a092a5a2b5ddcb48a0dab8bc55acc64',
  delete: 'e496788ec4529f1b25cace0e730466e226447ed3',
  getMap: '9bb00d627645ce1cda1fcd84cd40c63ec7829785',
  getValue: 'b7488bf8739e5f3ba66e67a21fabcb54e7b15245',
  live: '683cc8dfbdaddd2c84eb6f610d796e19b37aa1f7',
  mergeValue: 'f1a3b20d96ab27e8697aa52f4360556763f3a22a',
  meta: '6f84314706176300bf35c36c8f58d01decb64533',
  patchMeta: '0dc00a54c1206f1cfd23516401cc20d3b1d6c045',
  push: '96948a89d0cc98bb5f3123a56d32cbf7662b0d04',
  rangeBySeq: '482b7c68ac2cc5946f4cc55066a583e6b3449264',
  range: '4c11fb543f65d973c87bede7e74b7f422cb8bfe4',
  readRecord: '9e21dade810229942e850b592a2050056e94654f',
  rename: '7ae363b183563956991eae59269d6b269bbb42c5',
  scan: '955a62e24c43871cf381c51d5fd2563090e9a8cb',
  setValue: '5fe99e2fc253274c73911cf08dadfeb88b8aa01c',
  touchMeta: '32d784a00028c911be896eb540ce1408cc3c477d',
  touch: '52be00e98f4632cb1303d0a48c0b898642fab51c',
  updateMap: 'efe6bfd2caaaa3578a8479f8361d8fc382f3bedb',
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

  it('holds the prelude once (so does every bundle), joined to each body only when its source is needed', () => {
    const generated = readFileSync(join(dir, 'scripts.ts'), 'utf8')
    const marker = '-- Shared prelude'
    expect(prelude.startsWith(marker)).toBe(true)
    expect(generated.split(marker)).toHaveLength(2)
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
