/** One `--@ <name>` section of the detection prelude: the text after its marker line. */
export interface PreludeSection {
  readonly name: string
  readonly text: string
}

/** The prelude's head (before its first section) and its sections, in order. */
export function preludeParts(text: string): { head: string; sections: PreludeSection[] }

/** The names of the sections `body` calls, directly or through another section, in order. */
export function sectionsUsed(sections: readonly PreludeSection[], body: string): string[]

/** The generated scripts.ts, before formatting. */
export function render(): string
