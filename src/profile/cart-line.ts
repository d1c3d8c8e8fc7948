import { z } from 'zod'
import { invalidArgument, SessionKitError } from '../errors.js'
import type { JsonValue } from '../store/contract.js'
import { checkJson } from '../util/json.js'

/** What a caller adds to a cart. Prices are integers in minor units (cents), so sums never drift. */
export interface CartLineInput {
  /** Stock-keeping unit: 1 to 64 of `A-Z a-z 0-9 _ - . : /`. */
  readonly sku: string
  readonly name: string
  /** Price of one unit in minor units (999_00 for 999.00). */
  readonly unitPrice: number
  /** How many to add. Default 1. */
  readonly quantity?: number
  readonly category?: string
  /** Any small JSON (colour, size, image url). */
  readonly metadata?: { readonly [key: string]: JsonValue }
}

/** A line as stored and listed. */
export interface CartLine {
  readonly sku: string
  readonly name: string
  readonly unitPrice: number
  readonly quantity: number
  readonly category?: string
  readonly metadata?: { readonly [key: string]: JsonValue }
  /** When the line was first added (epoch ms). */
  readonly addedAt: number
  /** `unitPrice * quantity`. */
  readonly lineTotal: number
}

/** The default `cart.maxUnitPrice`: 100,000,000.00 in a currency with cents. */
export const DEFAULT_MAX_UNIT_PRICE = 10_000_000_000

const skuSchema = z.string().regex(/^[A-Za-z0-9_\-.:/]{1,64}$/, 'must be 1 to 64 of A-Z a-z 0-9 _ - . : /')

const lineSchema = z.strictObject({
  sku: skuSchema,
  name: z.string().min(1).max(200),
  unitPrice: z.number().int('must be an integer in minor units (cents)').min(0),
  quantity: z.number().int().min(1).optional(),
  category: z.string().min(1).max(100).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
})

/**
 * Checks a line a caller adds; `INVALID_ARGUMENT` names the field; quantity over `maxQuantity`
 * or a price over `maxUnitPrice` is `LIMIT_EXCEEDED`.
 */
export function parseCartLine(
  input: unknown,
  limits: { readonly maxQuantity: number; readonly maxUnitPrice: number },
): Required<Pick<CartLineInput, 'quantity'>> & CartLineInput {
  // Plain JSON first: refuses `__proto__` keys that a schema would silently drop.
  checkJson(input, { maxBytes: 4096 }, 'cart line')
  const parsed = lineSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw invalidArgument(`cart line ${issue?.path.join('.') || 'value'} ${issue?.message ?? 'is invalid'}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    })
  }
  const line = parsed.data
  if (line.unitPrice > limits.maxUnitPrice) {
    throw new SessionKitError(
      'LIMIT_EXCEEDED',
      `unitPrice ${line.unitPrice} is over cart.maxUnitPrice (${limits.maxUnitPrice} minor units)`,
      { details: { limit: 'cart.maxUnitPrice', maxUnitPrice: limits.maxUnitPrice } },
    )
  }
  const quantity = line.quantity ?? 1
  assertQuantity(quantity, limits.maxQuantity)
  return { ...(line as CartLineInput), quantity }
}

/** Checks a SKU given on its own (`remove`, `setQuantity`). */
export function parseSku(sku: unknown): string {
  const parsed = skuSchema.safeParse(sku)
  if (!parsed.success) throw invalidArgument(`sku ${parsed.error.issues[0]?.message ?? 'is invalid'}`)
  return parsed.data
}

/** Throws `LIMIT_EXCEEDED` past `maxQuantity`, `INVALID_ARGUMENT` for a non-integer. */
export function assertQuantity(
  quantity: unknown,
  maxQuantity: number,
  allowZero = false,
): asserts quantity is number {
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < (allowZero ? 0 : 1)) {
    throw invalidArgument(
      `quantity must be an integer of at least ${allowZero ? 0 : 1}; got ${String(quantity)}`,
    )
  }
  if (quantity > maxQuantity) {
    throw new SessionKitError(
      'LIMIT_EXCEEDED',
      `quantity ${quantity} is over the limit of ${maxQuantity} per line`,
      {
        details: { limit: 'cart.maxQuantity', maxQuantity },
      },
    )
  }
}
