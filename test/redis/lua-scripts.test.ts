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
  create: '71eb8c7505edbb1db257987e130c1aac41019b15',
  deletePart: '1b69f737687981dc55b789a41e30f3f0a7757f7a',
  delete: '5ebe3c8eff9252820459facb67ec703c7a723c5e',
  getMap: '7b62993c656a4904da867f3400c3db14657445cd',
  getValue: '48d298df79b04809c8e123507405ab4ae75cc77d',
  meta: '4d4407d4512e4ca11fedd599a8321a8630a03d6b',
  patchMeta: '5066b6a42205630ad13c832206ef70e20f8c9c38',
  push: '655771e3d7bca0fa75d6b01a99007ff2b07db0f9',
  rangeBySeq: '7b86226c0477f7be42464759d06dde137c819170',
  range: '9dbe38a4f11083b28a2f4c4e5e0e2b9b52ad40de',
  scan: '09a0441b5bc4aa02a213c2062a72c1588942d05b',
  setValue: 'fbda7e66d0ef6a115a442b54dc974b676bbd31ac',
  touch: 'a0eccb8f8f0231301e228a538253fa721dcaf97f',
  updateMap: 'ced924d3e84a555e4cecabaeb5d9681750c45e07',
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
