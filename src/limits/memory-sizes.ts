// Estimated bytes of the state the memory backend keeps, for `memory.maxBytes`. Measured on
// Node 20 and rounded up (bench/limits.bench.ts prints the heap per subject beside them).

/** One slot of a sliding-window log: sequence number, time and cost, three doubles. */
export const ENTRY_BYTES = 24

/** A subject's map entry and bookkeeping, plus two bytes per character of its key. */
export const SUBJECT_BYTES = 320

/** One rule's state under a subject (a log's header, or a bucket). */
export const RULE_STATE_BYTES = 240
