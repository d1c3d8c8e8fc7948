import { describe, expect, it } from 'vitest'
import { directPiece } from '../../src/detect/canonical.js'
import { framedSketch, pieceSketch, ReplySketches } from '../../src/detect/reply-sketch.js'
import { rng } from '../helpers/rng.js'

const cfg = {
  extraKeys: new Set<string>(),
  ignoredKeys: new Set<string>(),
  volatilePatterns: [],
  volatileEverywhere: false,
}

describe('reply sketches', () => {
  it('reads a framed piece from its text and gets the sketch of the piece itself, at every length', () => {
    const r = rng(7)
    for (let length = 1; length < 600; length++) {
      let text = ''
      while (text.length < length) text += String.fromCharCode(0x21 + Math.floor(r() * 90))
      for (const role of ['assistant', 'user', 'tool']) {
        const piece = directPiece({ role, content: text }, cfg)!
        // The piece flattened first, as pieceSketch reads it.
        expect(framedSketch(piece, text), `${role} ${length}`).toBe(pieceSketch(piece.split('').join('')))
      }
    }
  })

  it('falls back to reading the piece when the text is not its end', () => {
    expect(framedSketch('ab', 'abc')).toBe(pieceSketch('ab'))
    expect(framedSketch('a1:Tb\u0001', 'b')).toBe(pieceSketch('a1:Tb\u0001'))
  })
})

describe('reply sketch counts', () => {
  it('answers like a counting map through random adds and removes, across growth and wrap-around', () => {
    const r = rng(11)
    const sketches = new ReplySketches()
    const model = new Map<number, number>()
    // Few distinct values in a narrow range, so runs collide, wrap and shift on removal.
    const values = Array.from({ length: 3000 }, () => Math.floor(r() * 0x3fffffff))
    for (let step = 0; step < 60_000; step++) {
      const v =
        values[Math.floor(r() * (step < 30_000 ? 3000 : 600))]! & (step % 2 === 0 ? 0x3fffffff : 0x3ff)
      const c = model.get(v) ?? 0
      if (r() < 0.55 || c === 0) {
        sketches.add(v)
        model.set(v, c + 1)
      } else {
        sketches.remove(v)
        if (c === 1) model.delete(v)
        else model.set(v, c - 1)
      }
      if (step % 997 === 0)
        for (const x of values.slice(0, 700)) expect(sketches.has(x & 0x3ff)).toBe(model.has(x & 0x3ff))
    }
    for (const v of model.keys()) expect(sketches.has(v)).toBe(true)
    for (const [v, c] of model) for (let i = 0; i < c; i++) sketches.remove(v)
    for (const v of model.keys()) expect(sketches.has(v)).toBe(false)
  })
})
