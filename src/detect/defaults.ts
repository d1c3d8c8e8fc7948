/**
 * Phrases that, alone at the start of a short last user message, mean "start a new conversation"
 * (default of option `reset.phrases`). Matched case-insensitively, anchored at the start, and only
 * when the phrase is followed by the end of the message or punctuation: "Start over. What's the
 * weather?" resets; "Reset my password" and "clearly" do not.
 *
 * @example
 * createDetector({ reset: { phrases: [...defaultResetPhrases, 'nuevo chat'] } })
 */
export const defaultResetPhrases: readonly string[] = [
  'start over',
  'start again',
  'start fresh',
  'start from scratch',
  'begin again',
  'restart',
  'restart the conversation',
  'reset',
  'reset the conversation',
  'reset chat',
  'reset the chat',
  'reset context',
  'new conversation',
  'new chat',
  'new topic',
  'new session',
  'clear chat',
  'clear the chat',
  'clear history',
  'clear the history',
  'clear context',
  'clear the context',
  'forget everything',
  'forget all that',
  'forget our conversation',
]

/**
 * Patterns blanked from the system prompt before hashing (default of option `volatilePatterns`):
 * what applications inject per request, so a session survives its own clock. Every run of digits
 * with date and time punctuation (2026-01-20T10:30:45Z, 20/01/2026, 10:30 PM, epoch stamps), and
 * English month and weekday names, also abbreviated ("Mon, 20 Jan 2026" goes whole). Numbers elsewhere in the prompt are blanked too: a prompt that
 * changes only a number is not reported as changed. Two passes of about 1 ns per character; add
 * your own (request ids, UUIDs) as needed.
 *
 * @example
 * createDetector({ volatilePatterns: [...defaultVolatilePatterns, /req-[0-9a-f]{16}/g] })
 */
export const defaultVolatilePatterns: readonly RegExp[] = [
  /\d+(?:[-/.:T, ]+\d+)*(?:Z|[+-]\d\d:?\d\d)?(?: ?[AaPp]\.?[Mm]\b\.?)?/g,
  /[ADFJMNOSTW](?:onday|uesday|ednesday|hursday|riday|aturday|unday|anuary|ebruary|arch|pril|ay|une|uly|ugust|eptember|ctober|ovember|ecember|an|eb|ar|pr|un|ul|ug|ept?|ct|ov|ec|on|ues?|ed|hur?|ri|at)\b\.?/g,
]

/** Message fields hashed besides `role` and `content` (default of option `messageKeys`). */
export const defaultMessageKeys: readonly string[] = ['function_call', 'name', 'tool_call_id', 'tool_calls']

/** Keys dropped at any depth before hashing (default of option `ignoredKeys`). */
export const defaultIgnoredKeys: readonly string[] = ['cache_control']
