// Estimated bytes of the state the memory backend keeps, for `memory.maxBytes`. Measured on
// Node 20 and rounded up (bench/limits.bench.ts prints the heap per subject beside them).

/** One slot of a sliding-window log: sequence number, time and cost, three doubles. */
export const ENTRY_BYTES = 24

/**
 * One rule's state of one subject, beside its log's ring: its map entry, the object (a log's
 * header, or a bucket) and its id; plus two bytes per character of `<kind>:<id>`.
 */
export const STATE_BYTES = 400
