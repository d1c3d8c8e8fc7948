import { SessionKitError } from '../errors.js'

/**
 * The part of the Standard Schema interface sessionkit uses: zod 4, valibot, arktype and others
 * implement it, so any of them can type preferences and state.
 */
export interface StandardSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined
  }
}

/** What a Standard Schema's `validate` returns. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] }

/** One problem a schema found. */
export interface StandardIssue {
  readonly message: string
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined
}

/** The type a schema produces. */
export type InferOutput<S> = S extends StandardSchema<infer O> ? O : unknown

/** True when `value` looks like a Standard Schema (checked once, when options are parsed). */
export function isStandardSchema(value: unknown): value is StandardSchema {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false
  const std = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard']
  return typeof std === 'object' && std !== null && std.version === 1 && typeof std.validate === 'function'
}

/**
 * Runs `schema` on `value`; resolves the schema's output or throws `INVALID_ARGUMENT` whose
 * `details.issues` holds the schema's issues (`path` as dotted text).
 */
export async function validateWith<T>(schema: StandardSchema<T>, value: unknown, what: string): Promise<T> {
  const result = await schema['~standard'].validate(value)
  if (result.issues === undefined) return result.value
  const issues = result.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }))
  const first = issues[0]
  const where = first?.path ? ` at ${first.path}` : ''
  throw new SessionKitError(
    'INVALID_ARGUMENT',
    `${what} does not match its schema${where}: ${first?.message ?? 'invalid'}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
    { details: { issues } },
  )
}

function formatPath(path: StandardIssue['path']): string {
  if (!path) return ''
  return path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.')
}
