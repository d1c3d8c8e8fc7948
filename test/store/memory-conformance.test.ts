import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../src/store/memory.js'
import { defineStoreSuite } from '../../src/testing/index.js'

defineStoreSuite({ describe, it, expect }, ({ clock }) => createMemoryStore({ clock }), {
  title: 'memory store conformance',
})
