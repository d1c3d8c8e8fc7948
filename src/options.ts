import type { z } from 'zod'

/**
 * The first problem of a failed options parse, as every factory reports it: the option's dotted
 * path under `prefix` (an unknown key named in it), or `'options'` when the problem is the whole
 * object, and the schema's message.
 *
 * @example
 * const { path, message } = firstOptionIssue(parsed.error, ['history']) // { path: 'history.ttlMs', ... }
 */
export function firstOptionIssue(
  error: z.ZodError,
  prefix: readonly string[] = [],
): { readonly path: string; readonly message: string } {
  const issue = error.issues[0]
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []
  const path = [...prefix, ...(issue?.path ?? []).map(String), ...unknownKey].join('.')
  return { path: path || 'options', message: issue?.message ?? 'is invalid' }
}
