/** The schema and table a store lives in, checked; every SQL name derives from them. */
export interface StoreNames {
  readonly schema: string
  readonly table: string
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
