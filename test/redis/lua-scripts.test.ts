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
  create: '53991b41dbb91a07183f780264a1de77b0c0b4cb',
  deletePart: 'fc3fb643f27c5bff28207d0b271af044fc58caa2',
  delete: '1a6f84ce15c0dfc61c7328dabf0fd57ce185d059',
  getMap: '222057276a048a051fb26394949a0a0b5680d6bd',
  getValue: '663fcdcbfe05fd0a021ac9d4d2bd7239f65b3823',
  live: 'de2bb4250f25add7c45397eceb447cc68fc8fb1d',
  mergeValue: 'be9eaf2fee698203c49606a30f292a55161d318b',
  meta: '0f74cd51407516423716f50ab47cf26bde1c4261',
  patchMeta: '56089a5f6bb0ec019d5668921ab210a56f765a7c',
  push: '9a30366dcabc32ba26c41babca1cbb2a8059b5b2',
  rangeBySeq: 'b7143b4b3506e0cf8162216573e778678ba7d47c',
  range: 'b98865f3e228d38d18c7393e88e0868ee5537c8d',
  scan: 'ec82da2595b2caadea809b51dc374602ec1fa536',
  setValue: 'c421014a3caf471e054c2ccc6a3ecc260a635351',
  touchMeta: 'd78cac92b983db392cb71cebe1732703275f057b',
  touch: 'fdc5faebfc7326609da35e0035c616fed0cb1bc9',
  updateMap: 'be25ac042f167f7407921edf333eabb4e375ece2',
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
