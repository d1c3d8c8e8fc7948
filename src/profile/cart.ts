import { isSessionKitError, SessionKitError } from '../errors.js'
import { recordLabel } from '../ids.js'
import type { SessionScope } from '../session-scope.js'
import type { JsonValue } from '../store/contract.js'
import { type KeyedQueue, queuePart } from '../util/keyed-queue.js'
import { assertQuantity, type CartLine, type CartLineInput, parseCartLine, parseSku } from './cart-line.js'
import { type CasPolicy, LOST_RACE, retryOnConflict } from './cas.js'

/** Options of the cart module (kit option `cart`). */
export interface CartOptions {
  /** Most distinct SKUs in one cart. Default 100. */
  readonly maxLines: number
  /** Most units of one SKU. Default 999. */
  readonly maxQuantity: number
  /**
   * Highest unit price, in minor units. Default 10_000_000_000 (100,000,000.00). With `maxLines`
   * and `maxQuantity` it bounds every total: their product must stay within 2^53 - 1, so totals
   * are exact integers (checked at kit creation).
   */
  readonly maxUnitPrice: number
  /** ISO currency code reported by `totals()`. Default `'USD'`. */
  readonly currency: string
}

/** What `totals()` reports; `subtotal` in minor units, exact (never past 2^53 - 1). */
export interface CartTotals {
  readonly lines: number
  readonly quantity: number
  readonly subtotal: number
  readonly currency: string
}

/**
 * A session's cart: lines keyed by SKU, integer prices in minor units, quantities merged
 * atomically (one store call per `add`, so concurrent adds never lose a unit).
 *
 * @example
 * await s.cart.add({ sku: 'IPH15PRO-256', name: 'iPhone 15 Pro', unitPrice: 999_00 })
 */
export interface Cart {
  /** Adds `quantity` (default 1) of a SKU, merging with a line already there; resolves the line. */
  add(line: CartLineInput): Promise<CartLine>
  /** Sets a line's quantity; 0 removes it. `NOT_FOUND` when the SKU is not in the cart. */
  setQuantity(sku: string, quantity: number): Promise<CartLine | undefined>
  /** Removes a line; `false` when it was not there. */
  remove(sku: string): Promise<boolean>
  /** The lines, oldest first. */
  list(): Promise<CartLine[]>
  /** Empties the cart. */
  clear(): Promise<void>
  totals(): Promise<CartTotals>
}

const PART = 'cart'
// Each line is two fields, so quantity can be incremented atomically on its own.
const lineField = (sku: string) => `l:${sku}`
const qtyField = (sku: string) => `q:${sku}`
const addedField = (sku: string) => `t:${sku}`
const FIELDS_PER_LINE = 3
const fieldsOf = (sku: string) => [lineField(sku), qtyField(sku), addedField(sku)]

type StoredLine = Omit<CartLine, 'quantity' | 'lineTotal' | 'addedAt'>

/** Builds the cart module for one session (cheap: no parsing). */
export function createCart(
  scope: SessionScope,
  options: CartOptions,
  queue: KeyedQueue,
  cas: CasPolicy,
): Cart {
  const { store, sessionId } = scope
  const lock = <T>(task: () => Promise<T>) => queuePart(scope, queue, PART, task)

  function toLine(stored: StoredLine, quantity: number, addedAt: number): CartLine {
    return { ...stored, quantity, addedAt, lineTotal: exactProduct(stored.unitPrice, quantity) }
  }

  async function list(): Promise<CartLine[]> {
    const { entries } = await store.getMap<JsonValue>(sessionId, PART)
    const lines: CartLine[] = []
    for (const field of Object.keys(entries)) {
      if (!field.startsWith('l:')) continue
      const sku = field.slice(2)
      const quantity = entries[qtyField(sku)]
      const addedAt = entries[addedField(sku)]
      if (typeof quantity === 'number' && quantity > 0) {
        lines.push(
          toLine(
            entries[field] as unknown as StoredLine,
            quantity,
            typeof addedAt === 'number' ? addedAt : 0,
          ),
        )
      }
    }
    return lines.sort((a, b) => a.addedAt - b.addedAt || (a.sku < b.sku ? -1 : 1))
  }

  return {
    async add(input) {
      const line = parseCartLine(input, options)
      const stored: StoredLine = {
        sku: line.sku,
        name: line.name,
        unitPrice: line.unitPrice,
        ...(line.category === undefined ? {} : { category: line.category }),
        ...(line.metadata === undefined ? {} : { metadata: line.metadata }),
      }
      const now = scope.clock.now()
      const qty = qtyField(line.sku)
      const added = addedField(line.sku)
      // One atomic store call: the line's facts, its first-added time (kept if already there) and
      // the quantity increment, checked against both limits by the store.
      const result = await store
        .updateMap(
          sessionId,
          PART,
          {
            set: { [lineField(line.sku)]: stored as unknown as JsonValue },
            setIfAbsent: { [added]: now },
            incr: { [qty]: line.quantity },
          },
          {
            maxFields: options.maxLines * FIELDS_PER_LINE,
            maxNumber: options.maxQuantity,
            expiresAt: scope.activityExpiresAt(),
          },
        )
        .catch((error: unknown) => {
          throw explainLimit(error, options)
        })
      // Without `ifVersion` the update always applies: `ok` only narrows the type. The store reports
      // the merged quantity and the line's first-added time (an earlier add's, when there was one).
      if (!result.ok) return toLine(stored, line.quantity, now)
      const addedAt = result.kept[added]
      return toLine(stored, result.numbers[qty] ?? line.quantity, typeof addedAt === 'number' ? addedAt : now)
    },
    async setQuantity(sku, quantity) {
      const id = parseSku(sku)
      assertQuantity(quantity, options.maxQuantity, true)
      const attempt = async () => {
        const { entries, version } = await store.getMap<JsonValue>(sessionId, PART, [
          lineField(id),
          addedField(id),
        ])
        const stored = entries[lineField(id)] as unknown as StoredLine | undefined
        if (stored === undefined) {
          throw new SessionKitError('NOT_FOUND', `sku ${id} is not in the cart; add it first`)
        }
        const ops = quantity === 0 ? { delete: fieldsOf(id) } : { set: { [qtyField(id)]: quantity } }
        const result = await store.updateMap(sessionId, PART, ops, {
          ifVersion: version,
          expiresAt: scope.activityExpiresAt(),
        })
        if (!result.ok) return LOST_RACE
        if (quantity === 0) return undefined
        const addedAt = entries[addedField(id)]
        return toLine(stored, quantity, typeof addedAt === 'number' ? addedAt : 0)
      }
      return lock(() => retryOnConflict(cas, `cart of session ${recordLabel(sessionId)}`, attempt))
    },
    async remove(sku) {
      const id = parseSku(sku)
      return lock(async () => {
        const { entries } = await store.getMap(sessionId, PART, [lineField(id)])
        if (entries[lineField(id)] === undefined) return false
        await store.updateMap(
          sessionId,
          PART,
          { delete: fieldsOf(id) },
          {
            expiresAt: scope.activityExpiresAt(),
          },
        )
        return true
      })
    },
    list,
    async clear() {
      await lock(() => store.deletePart(sessionId, PART, { expiresAt: scope.activityExpiresAt() }))
    },
    async totals() {
      const lines = await list()
      let quantity = 0
      let subtotal = 0
      for (const line of lines) {
        quantity += line.quantity
        subtotal = exactSum(subtotal, line.lineTotal)
      }
      return { lines: lines.length, quantity, subtotal, currency: options.currency }
    },
  }
}

// Within the configured limits no total can pass 2^53 - 1 (checked at kit creation); lines stored
// under wider limits earlier could, and then the answer is an error, never an inexact number.
function exactProduct(price: number, quantity: number): number {
  return checkExact(price * quantity)
}

function exactSum(a: number, b: number): number {
  return checkExact(a + b)
}

function checkExact(total: number): number {
  if (Number.isSafeInteger(total)) return total
  throw new SessionKitError(
    'LIMIT_EXCEEDED',
    'the cart total passes 2^53 - 1 minor units and cannot be exact; remove lines or lower quantities',
    { details: { limit: 'cart.total' } },
  )
}

function explainLimit(error: unknown, options: CartOptions): unknown {
  if (!isSessionKitError(error, 'LIMIT_EXCEEDED')) return error
  const which = String(error.details?.limit ?? '')
  const message =
    which === 'maxFields'
      ? `the cart holds ${options.maxLines} lines, its limit; remove a line first`
      : `a line may hold at most ${options.maxQuantity} units`
  return new SessionKitError('LIMIT_EXCEEDED', message, {
    cause: error,
    details: { limit: which === 'maxFields' ? 'cart.maxLines' : 'cart.maxQuantity' },
  })
}
