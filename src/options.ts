import type { z } from 'zod'
import { invalidArgument, invalidConfig, type SessionKitError } from './errors.js'

/**
 * Who reports a bad option: a factory (`createMemoryStore`, `INVALID_CONFIG`) or a call
 * (`history.context()`, `INVALID_ARGUMENT`). Every option error of the library reads
 * `<what> option "<path>" <problem>`, so one format serves logs and tests.
 */
export interface OptionSource {
  readonly what: string
  readonly code: 'INVALID_CONFIG' | 'INVALID_ARGUMENT'
}

/**
 * The error for a bad option: the message names the option's dotted path and says what is wrong;
 * `details.option` holds the path.
 *
 * @example
 * throw optionError({ what: 'createSessionKit', code: 'INVALID_CONFIG' }, 'ttl.absoluteMs', 'must be ...')
 */
export function optionError(
  source: OptionSource,
  path: string,
  problem: string,
  details: Readonly<Record<string, unknown>> = {},
): SessionKitError {
  const text = `${source.what} option "${path}" ${problem}`
  const all = { option: path, ...details }
  return source.code === 'INVALID_CONFIG' ? invalidConfig(text, all) : invalidArgument(text, all)
}

/**
 * An unknown option key, with the closest valid name (`details.closest`).
 *
 * @example
 * unknownOption(source, 'maxToken', ['maxTokens', 'reserveTokens']) // ... did you mean "maxTokens"?
 */
export function unknownOption(source: OptionSource, path: string, valid: readonly string[]): SessionKitError {
  const name = path.slice(path.lastIndexOf('.') + 1)
  const closest = closestName(name, valid)
  const hint = closest === undefined ? 'it takes no options' : `did you mean "${closest}"?`
  return optionError(source, path, `is not an option; ${hint}`, { closest })
}

/**
 * Refuses a key of `options` that is not in `valid` (a typo would otherwise be ignored
 * silently), naming the closest valid one. For options checked by hand, without a schema.
 *
 * @example
 * checkKnownKeys(options, ['maxTokens', 'query'], { what: 'history.context()', code: 'INVALID_ARGUMENT' })
 */
export function checkKnownKeys(
  options: object,
  valid: readonly string[],
  source: OptionSource,
  prefix = '',
): void {
  for (const key of Object.keys(options)) {
    if (!valid.includes(key)) throw unknownOption(source, prefix === '' ? key : `${prefix}.${key}`, valid)
  }
}

/**
 * Checks the options argument of a call: absent, or a plain object holding only `valid` keys;
 * otherwise `INVALID_ARGUMENT` naming the call (and, for an unknown key, the closest valid one).
 *
 * @example
 * checkCallOptions(options, ['userId', 'touch'], 'kit.get()')
 */
export function checkCallOptions(options: unknown, valid: readonly string[], what: string): void {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(`${what} options must be an object; got ${describe(options)}`)
  }
  checkKnownKeys(options, valid, { what, code: 'INVALID_ARGUMENT' })
}

/**
 * Parses `input` with `schema` (a strict zod object), or throws the first problem as
 * {@link optionError}: an unknown key names the closest valid one, a bad value says what it must
 * be and what it got. `prefix` is the path of `input` inside a bigger options object (`history`).
 *
 * @example
 * const o = parseOptions(schema, options ?? {}, { what: 'createMemoryStore', code: 'INVALID_CONFIG' })
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source: OptionSource,
  prefix: readonly string[] = [],
): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  throw zodOptionError(source, schema, parsed.error, input, prefix)
}

/** The first issue of a failed parse as {@link optionError}. */
export function zodOptionError(
  source: OptionSource,
  schema: z.ZodType,
  error: z.ZodError,
  input: unknown,
  prefix: readonly string[] = [],
): SessionKitError {
  const { issue, at } = firstIssue(error.issues, [])
  if (issue?.code === 'unrecognized_keys') {
    const path = [...prefix, ...at, issue.keys[0] ?? ''].join('.')
    return unknownOption(source, path, keysAt(schema, at))
  }
  const path = [...prefix, ...at].join('.') || 'options'
  if (at.length === 0 && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    return optionError(source, path, `must be an object; got ${describe(input)}`)
  }
  return optionError(source, path, `${problemOf(issue)}; got ${describe(valueAt(input, at))}`, {
    issues: error.issues.map((i) => ({
      path: [...prefix, ...i.path.map(String)].join('.'),
      message: i.message,
    })),
  })
}

/**
 * The first issue to report and its path: an unknown key before anything else (`{ rule: [] }`
 * is a typo of `rules`, not a missing `rules`). In a union (`false | { ... }`), the issue of the
 * branch the input was meant for: not one that only says the input has another type.
 */
function firstIssue(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly string[],
): { readonly issue: z.core.$ZodIssue | undefined; readonly at: string[] } {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]
  const at = [...prefix, ...(issue?.path ?? []).map(String)]
  if (issue?.code !== 'invalid_union' || issue.errors.length === 0) return { issue, at }
  const typeOnly = (branch: readonly z.core.$ZodIssue[]) =>
    branch[0] !== undefined &&
    branch[0].path.length === 0 &&
    (branch[0].code === 'invalid_type' || branch[0].code === 'invalid_value')
  const branch = issue.errors.find((b) => !typeOnly(b)) ?? issue.errors[0]!
  return firstIssue(branch, at)
}

/**
 * The name of `valid` nearest to `name` by edit distance, ignoring case first (`idleMS` is
 * `idleMs`), or `undefined` when there is none to offer.
 *
 * @example
 * closestName('maxSesions', ['maxSessions', 'maxBytes']) // 'maxSessions'
 */
export function closestName(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of valid) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase()) * 1000 + distance(name, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** What a failed check expects, in words (zod's own message for anything unusual). */
function problemOf(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'is invalid'
  switch (issue.code) {
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'below' : 'at most'} ${String(issue.maximum)}`
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'above' : 'at least'} ${String(issue.minimum)}`
    case 'invalid_type':
      return issue.expected === 'int' ? 'must be an integer' : `must be ${article(issue.expected)}`
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    default:
      return issue.message.startsWith('must') ? issue.message : `is invalid: ${issue.message}`
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** The valid keys of the object schema found by following `path` through wrappers, unions and arrays. */
function keysAt(schema: z.ZodType, path: readonly string[]): string[] {
  const keys = new Set<string>()
  const visit = (node: z.core.$ZodType | undefined, rest: readonly string[]): void => {
    const def = node?._zod.def as
      | { type: string; innerType?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType> }
      | { type: string; options?: readonly z.core.$ZodType[] }
      | { type: string; element?: z.core.$ZodType }
      | undefined
    if (def === undefined) return
    if ('element' in def && def.element !== undefined) {
      // `rules.0.name`: the step past an array is an index.
      if (rest.length > 0) visit(def.element, rest.slice(1))
      return
    }
    if ('innerType' in def && def.innerType !== undefined) {
      visit(def.innerType, rest)
      return
    }
    if ('options' in def && def.options !== undefined) {
      for (const option of def.options) visit(option, rest)
      return
    }
    if ('shape' in def && def.shape !== undefined) {
      if (rest.length === 0) for (const key of Object.keys(def.shape)) keys.add(key)
      else visit(def.shape[rest[0]!], rest.slice(1))
    }
  }
  visit(schema, path)
  return [...keys]
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let value = input
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

function describe(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value)
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)
    case 'undefined':
      return 'undefined'
    case 'function':
      return 'a function'
    default:
      if (value === null) return 'null'
      return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value
  }
}

/** Levenshtein distance, two rows. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}
