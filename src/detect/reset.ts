/** Tells whether a last user message asks to start a new conversation. */
export interface ResetMatcher {
  /** True when `text` is short and opens with a reset phrase standing on its own. */
  test(text: string): boolean
}

// Fillers a user may put before the phrase ("ok, let's start over").
const lead = String.raw`^[\s"'“”‘’«(\[*_-]*(?:(?:ok|okay|please|so|alright|right|well|hey|hi|now)[\s,!.]+)*(?:(?:let'?s|let us|can we|could we|i want to|i'd like to|we should|please)\s+)?`
// The phrase must end the message or be followed by punctuation: "Start over. What's ..." resets,
// "reset my password" and "clearly" do not.
const tail = String.raw`(?:\s+(?:please|now))?\s*(?=$|[.!?,;:…\n)"'”’])`

/**
 * Compiles the reset phrases once: anchored at the start of the message, case-insensitive,
 * white space inside a phrase matching any run of white space.
 *
 * @example
 * createResetMatcher(['start over'], 120).test('Start over. What is the weather?') // true
 */
export function createResetMatcher(phrases: readonly string[], maxChars: number): ResetMatcher {
  if (phrases.length === 0) return { test: () => false }
  const body = [...phrases]
    .map((p) => p.trim().toLowerCase().replace(/[’‘]/g, "'"))
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, String.raw`\s+`))
    .join('|')
  const pattern = new RegExp(`${lead}(?:${body})${tail}`, 'i')
  return {
    test(text) {
      const t = text.trim()
      if (t.length === 0 || t.length > maxChars) return false
      return pattern.test(t.replace(/[’‘]/g, "'"))
    },
  }
}
