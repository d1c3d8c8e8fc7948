import { describe, expect, it } from 'vitest'
import { directPiece } from '../../src/detect/canonical.js'
import { framedSketch, pieceSketch } from '../../src/detect/reply-sketch.js'
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
