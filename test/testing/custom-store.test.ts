import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createDocumentStore } from '../../examples/custom-store.js'
import { defineStoreSuite } from '../../src/testing/index.js'

// A store written on the public entries only passes the whole contract: the toolkit holds every
// check the built-in stores make.
defineStoreSuite({ describe, it, expect }, ({ clock }) => createDocumentStore({ clock }), {
  title: 'examples/custom-store.ts (document store on sessionkit/adapter)',
})

it('examples/custom-store.ts imports nothing but the public entries', () => {
  const source = readFileSync(join(import.meta.dirname, '../../examples/custom-store.ts'), 'utf8')
  const from = [...source.matchAll(/^} from '([^']+)'|^import .* from '([^']+)'/gm)].map((m) => m[1] ?? m[2])
  expect(from.sort()).toEqual(['../src/adapter/index.js', '../src/index.js'])
})
