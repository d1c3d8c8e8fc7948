/**
 * Jaccard overlap of two attribute lists, `|a ∩ b| / |a ∪ b|`, in [0, 1]; 0 when both are empty.
 * Lists are short (a few `key:value` each), so a nested loop beats building sets and allocates
 * nothing. Values are assumed distinct within a list.
 *
 * @example
 * attributeOverlap(['color:blue', 'brand:acme'], ['color:blue']) // 0.5
 */
export function attributeOverlap(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  const na = a?.length ?? 0
  const nb = b?.length ?? 0
  if (na === 0 || nb === 0 || a === undefined || b === undefined) return 0
  let shared = 0
  for (let i = 0; i < na; i++) {
    const v = a[i]
    for (let j = 0; j < nb; j++) {
      if (b[j] === v) {
        shared++
        break
      }
    }
  }
  return shared / (na + nb - shared)
}
