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
 * what applications inject per request, so a session survives its own clock. ISO 8601 date-times,
 * dates (2024-01-20, 20/01/2024, January 20, 2024, 20 January 2024), times (10:30, 10:30:45 PM),
 * weekday names, 10- and 13-digit epoch stamps, UUIDs.
 *
 * @example
 * createDetector({ volatilePatterns: [...defaultVolatilePatterns, /request #\d+/g] })
 */
export const defaultVolatilePatterns: readonly RegExp[] = [
  /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2}\b)?/g,
  /\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b/g,
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b/gi,
  /\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,? \d{4}\b/gi,
  /\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[ap]\.?m\.?)?(?: ?(?:utc|gmt|[ecmpa][sd]t|cet|cest|ist|jst|bst))?\b/gi,
  /\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b/gi,
  /\b1\d{9}(?:\d{3})?\b/g,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
]

/** Message fields hashed besides `role` and `content` (default of option `messageKeys`). */
export const defaultMessageKeys: readonly string[] = ['function_call', 'name', 'tool_call_id', 'tool_calls']

/** Keys dropped at any depth before hashing (default of option `ignoredKeys`). */
export const defaultIgnoredKeys: readonly string[] = ['cache_control']
