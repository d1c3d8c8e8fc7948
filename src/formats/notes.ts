/** Why a converter left something out or changed it. */
export type FormatNoteKind =
  /** A reasoning part the target cannot take (another provider's, or a format with no reasoning input). */
  | 'reasoning-dropped'
  /** A part the target cannot take (a PDF by URL in chat completions, for example). */
  | 'part-dropped'
  /** A field the target has no place for (a reasoning item's raw `content`, for example). */
  | 'field-dropped'
  /** An integer beyond 2^53 in tool arguments became the nearest double (runtimes without `JSON.rawJSON`). */
  | 'number-rounded'
  /** A tool call id the target refuses was replaced, in the call and its result alike. */
  | 'id-renamed'

/** One thing a converter left out or changed, and where. */
export interface FormatNote {
  readonly kind: FormatNoteKind
  /** Index of the message in the converter's input array. */
  readonly index: number
  /** What happened, in a sentence for a log. */
  readonly message: string
}

/** Options every converter takes. */
export interface FormatOptions {
  /**
   * Called for each thing left out or changed (reasoning another provider produced, a part the
   * target cannot take, a renamed tool call id). Default: nothing is reported.
   */
  readonly onNote?: (note: FormatNote) => void
}

/** Sends a note to `options.onNote`, if any. */
export function note(options: FormatOptions, kind: FormatNoteKind, index: number, message: string): void {
  options.onNote?.({ kind, index, message })
}
