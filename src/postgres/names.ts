import { invalidConfig } from '../errors.js'

/** The schema and table a store lives in, checked; every SQL name derives from them. */
export interface StoreNames {
  readonly schema: string
  readonly table: string
}

// Lower case, so a name never needs case-sensitive quoting; short enough that `<table>_expires_at`
// and the other derived names stay within PostgreSQL's 63 bytes.
const namePattern = /^[a-z_][a-z0-9_]{0,39}$/

/** Checks `schema` and `table` once, in a factory; errors name the option. */
export function checkNames(schema: unknown, table: unknown, where: string): StoreNames {
  for (const [option, value] of [
    ['schema', schema],
    ['table', table],
  ] as const) {
    if (typeof value !== 'string' || !namePattern.test(value)) {
      throw invalidConfig(
        `${where}: option "${option}" must be 1 to 40 of a-z 0-9 _ (not starting with a digit); got ${JSON.stringify(value)}`,
        { option },
      )
    }
  }
  return { schema: schema as string, table: table as string }
}

/**
 * A migration's SQL with the store's names in place: `{{schema}}` becomes `"<schema>"`, and
 * `{{table}}` with what follows it (`{{table}}_parts`) becomes `"<table>_parts"`.
 */
export function renderSql(template: string, names: StoreNames): string {
  return template
    .replaceAll('{{schema}}', `"${names.schema}"`)
    .replace(/\{\{table\}\}([a-z_]*)/g, (_, rest: string) => `"${names.table}${rest}"`)
}
