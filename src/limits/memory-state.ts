/**
 * What the memory backend keeps with each rule's state of one subject, besides the algorithm's
 * own figures: whose it is, and its place in the eviction order.
 * Both algorithms' states extend it, so a lookup reaches everything in one object.
 */
export abstract class MemoryState {
  /** The subject's id (its key in the rule's map) and `<kind>:<id>` (what results name), made once. */
  id = ''
  subject = ''
  /** After this time the state is back to empty: it can go without losing anything. */
  expiresAt = 0
  /** Operation count when last used, and when last placed at the young end of its map. */
  used = 0
  placed = 0
}
