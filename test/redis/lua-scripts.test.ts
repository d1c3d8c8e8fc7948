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
  create: '6e60af41c8609bc4148067faaef47eb470fe9c74',
  deletePart: '2d056728e3f8d40c0966f69be1c4cb387d144e39',
  delete: '7f6977a4eda3baff74abaf1795e2730f111f3e8f',
  getMap: '6bcee46c6ef4c8a6f0f1641c3ce2bc97a736bded',
  getValue: 'e0518c0271584d87fca581ee8b44e9fffa3d77ae',
  meta: 'f96dd7af0472d96ef8c6cbb0fb6adbf5890916e6',
  patchMeta: 'eb541660a745dcd296d77efd54c8ee307dc58ce0',
  push: 'fb77709077bc3d9c9222c9ac6fb75828670215b2',
  rangeBySeq: '30ff76726c8c963778ca5f482dde00a226bea39f',
  range: 'dd494705879086e653ea26650c5634d3415c57c1',
  scan: '1a988eb4095c47c6875d2191b6603895fdf1c5ac',
  setValue: 'ed63bc8806be9997bd77e9c2f9323b50d67042ee',
  touch: '5711f958c419e04547de31d12515f71f3ba369cd',
  updateMap: 'f58643883970b8fa1b306afdba2e2bed951120f5',
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
