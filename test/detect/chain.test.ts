import { describe, expect, it } from 'vitest'
import { chainCuts, chainSegments, probePositions, RequestChain } from '../../src/detect/chain.js'
import { probeKey, sha256Hash } from '../../src/detect/hash.js'
import { rng } from '../helpers/rng.js'

// The key of prefix p computed the slow way: one digest of the header and pieces 1..p.
const direct = (header: string, pieces: readonly string[], p: number) =>
  probeKey(sha256Hash.digest(header + pieces.slice(0, p).join('')))

describe('request chain', () => {
  it('probes the request, the two states before it and its last answer, newest first, never below lowest', () => {
    expect(probePositions(20, 19, 5)).toEqual([20, 19, 18])
    // Parallel tool results after the answer at 15: its state and the one before are probed too.
    expect(probePositions(20, 15, 5)).toEqual([20, 19, 18, 15, 14])
    expect(probePositions(20, 15, 16)).toEqual([20, 19, 18])
    expect(probePositions(1, 0, 1)).toEqual([1])
    // No assistant message: only the request.
    expect(probePositions(6, 0, 6)).toEqual([6])
  })

  it('copies the state at every probe below the request and at the two states before it, ascending', () => {
    expect(chainCuts([20, 19, 18], 20)).toEqual([18, 19])
    expect(chainCuts([20, 19, 18, 15, 14], 20)).toEqual([14, 15, 18, 19])
    expect(chainCuts([6], 6)).toEqual([4, 5])
    expect(chainCuts([2, 1], 2)).toEqual([1])
    expect(chainCuts([1], 1)).toEqual([])
    expect(chainSegments('h', ['a', 'b', 'c', 'd'], [2, 3])).toEqual(['hab', 'c', 'd'])
  })

  it('gives every kept prefix the key of a direct digest, and extends the request for bindReply', () => {
    const r = rng(5)
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(r() * 24)
      const pieces = Array.from({ length: n }, (_, i) => `m${i}:${'x'.repeat(Math.floor(r() * 40))}`)
      const lastAssistant = Math.floor(r() * (n + 1))
      const lowest = 1 + Math.floor(r() * n)
      const probes = probePositions(n, lastAssistant, lowest)
      const cuts = chainCuts(probes, n)
      const chain = new RequestChain(
        sha256Hash,
        'seed|t|',
        pieces,
        cuts,
        chainSegments('seed|t|', pieces, cuts),
      )
      for (const p of probes) {
        expect(chain.has(p)).toBe(true)
        expect(chain.key(p)).toBe(direct('seed|t|', pieces, p))
      }
      for (const p of cuts) expect(chain.key(p)).toBe(direct('seed|t|', pieces, p))
      // The base state survives the digests above: the extended key is still exact.
      const extended = chain.extendedKey('reply')
      expect(probeKey(extended.key)).toBe(direct('seed|t|', [...pieces, 'reply'], n + 1))
    }
  })
})
