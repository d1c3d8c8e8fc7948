import { invalidArgument } from '../errors.js'

// Weights of the token estimate, per feature of the text. Fitted by linear programming on a mixed
// corpus (English, code, JSON tool traffic, CJK, Cyrillic, emoji; test/message/token-corpus.ts)
// so that the estimate is at least 1.12x the larger of the o200k_base and cl100k_base counts on
// every sample while staying as low as possible, with floors from how those tokenizers split (at
// most 3 digits or 4 punctuation marks per token) and for random ids. Rounded up.
const BASE = 1.44 // each non-empty text: its first and last pieces rarely merge with neighbours
const WORD = 0.94 // a run of ASCII letters (a word or an identifier piece)
const LETTER = 0.05 // each ASCII letter
const LONG_LETTER = 0.25 // each letter past the 6th of a run: long words split
const VERY_LONG_LETTER = 0.25 // and again past the 12th: such runs are mostly random ids (not fitted: only adds)
const UPPER_AFTER_UPPER = 0.15 // acronyms and random ids split often
const DIGIT = 0.34
const DIGIT_RUN = 0.91
const PUNCT = 0.25
const PUNCT_RUN = 1.05
const SPACE_RUN = 0.92 // a newline or tab run, or a run of two or more spaces
const CYRILLIC = 0.45
const CYRILLIC_RUN = 1.6
const CJK = 1.47 // Han, kana, Hangul, full-width forms
const OTHER = 1.39 // other characters of the basic plane (accents, symbols, other scripts)
const ASTRAL = 3.05 // a code point beyond the basic plane: emoji, flags, tags
const JOINER = 2.68 // zero-width joiner, variation selector 16, keycap

enum Kind {
  None,
  Lower,
  Upper,
  Digit,
  Punct,
  Space,
  Cyrillic,
  Other,
}

/**
 * The default token estimate, with no tokenizer download: a weighted count of words, letters,
 * digits, punctuation, whitespace runs and non-Latin characters, fitted so that it is never below
 * the real `o200k_base` or `cl100k_base` count on a mixed corpus (English, code, JSON tool
 * traffic, CJK, Cyrillic, emoji) and its median per category stays within 1.5x of it. One pass
 * over the UTF-16 units; no allocation.
 *
 * @example
 * estimateTokens('Any 2BHK in Whitefield?') // 9 (o200k_base: 7)
 */
export function estimateTokens(text: string): number {
  if (typeof text !== 'string')
    throw invalidArgument(`estimateTokens takes a string; got ${text === null ? 'null' : typeof text}`)
  if (text.length === 0) return 0
  let sum = BASE
  let prev = Kind.None
  let run = 0
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    let kind: Kind
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      const upper = c <= 90
      if (prev === Kind.Lower || prev === Kind.Upper) {
        sum += upper && prev === Kind.Upper ? LETTER + UPPER_AFTER_UPPER : LETTER
        if (++run > 6) sum += run > 12 ? LONG_LETTER + VERY_LONG_LETTER : LONG_LETTER
      } else {
        sum += WORD + LETTER
        run = 1
      }
      prev = upper ? Kind.Upper : Kind.Lower
      continue
    } else if (c >= 48 && c <= 57) {
      kind = Kind.Digit
      sum += prev === Kind.Digit ? DIGIT : DIGIT + DIGIT_RUN
    } else if (c === 32) {
      kind = Kind.Space
      // The second space of a run of spaces starts an indentation token.
      if (prev === Kind.Space && text.charCodeAt(i - 1) === 32 && (i < 2 || text.charCodeAt(i - 2) !== 32)) {
        sum += SPACE_RUN
      }
    } else if (c === 10 || c === 13 || c === 9) {
      kind = Kind.Space
      if (prev !== Kind.Space) sum += SPACE_RUN
    } else if (c < 128) {
      kind = Kind.Punct
      sum += prev === Kind.Punct ? PUNCT : PUNCT + PUNCT_RUN
    } else if (c >= 0x400 && c <= 0x52f) {
      kind = Kind.Cyrillic
      sum += prev === Kind.Cyrillic ? CYRILLIC : CYRILLIC + CYRILLIC_RUN
    } else {
      kind = Kind.Other
      if ((c >= 0x2e80 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff))
        sum += CJK
      else if (c >= 0xff00 && c <= 0xffef) sum += CJK
      else if (c >= 0xd800 && c <= 0xdbff) {
        sum += ASTRAL
        i++
      } else if (c === 0x200d || c === 0xfe0f || c === 0x20e3) sum += JOINER
      else sum += OTHER
    }
    prev = kind
  }
  return Math.ceil(sum)
}
