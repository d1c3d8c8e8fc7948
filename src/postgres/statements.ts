import type { StoreNames } from './names.js'
import { readRecordText } from './read-record.js'

/** One statement the store sends: prepared once per connection under `name`. */
export interface Statement {
  readonly name: string
  readonly text: string
}

/** Every statement of one store, by operation. */
export type Statements = ReturnType<typeof buildStatements>

/**
 * The statements of a store on `names`. Writes call the functions the migrations installed (one
 * statement each, so one round trip, and atomic); reads are plain statements on one snapshot.
 * Parameters carry explicit types, so a prepared statement never guesses.
 */
export function buildStatements(names: StoreNames) {
  const records = `"${names.schema}"."${names.table}"`
  const parts = `"${names.schema}"."${names.table}_parts"`
  const fields = `"${names.schema}"."${names.table}_fields"`
  const call = (name: string, params: string): string =>
    `"${names.schema}"."${names.table}_${name}"(${params})`
  const fn = (name: string, params: string): string => `SELECT ${call(name, params)} AS r`
  const statement = (op: string, text: string): Statement => ({
    name: `sessionkit:${names.schema}.${names.table}:${op}`,
    text,
  })
  // Each fact of `$5` absent or equal: the facts are JSON strings (or null for "absent"), so the
  // header with them written over it still holds all of it exactly when none differs.
  const held = '(t.data || $5::jsonb) @> t.data'
  const cap = `CASE WHEN t.data ->> $4::text ~ '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$' THEN (t.data ->> $4::text)::float8 END`
  // The expiry a touch moves to: `$3`, capped by the `notAfter` fact.
  const target = `least($3::float8, ${cap})`
  // A new expiry that is earlier, or later by at least the touch step, is written; one later by
  // less is not (a session read on every request is written at most once per step).
  const moves = (to: string, from: string, step: string): string =>
    `NOT (${to} >= ${from} AND ${to} - ${from} < ${step}::float8)`
  // The expiry `$6` a merge done by the function moves the record to: none (NULL) when later than
  // the stored one by less than the touch step `$10`, as the statement's own path decides.
  const stepped = `SELECT CASE WHEN ${moves('$6::float8', 'x.expires_at', '$10')} THEN $6::float8 END FROM ${records} x WHERE x.id = $1`
  // mergeValue's statement; `moveHere`: the expiry moved by the statement itself, else by the
  // merge function only (the statement's own write is skipped when the expiry must move).
  const mergeValue = (moveHere: boolean): string => `WITH r AS (
      SELECT id, ${moveHere ? 'false' : moves('$6::float8', 'expires_at', '$10')} AS moving FROM ${records}
        WHERE id = $1 AND expires_at > $3::float8 AND $8::text IS NOT NULL
      FOR NO KEY UPDATE
    ), w AS (
      UPDATE ${parts} p SET version = p.version + 1, value = $9::text, expires_at = coalesce($7::float8, p.expires_at)
        FROM r WHERE r.moving IS NOT TRUE AND p.record_id = r.id AND p.name = $2 AND p.kind = 'v'
          AND p.value = $8::text AND (p.expires_at IS NULL OR p.expires_at > $3::float8)
        RETURNING p.version
    )${
      moveHere
        ? `, m AS (
      UPDATE ${records} t SET expires_at = $6::float8 FROM w
        WHERE t.id = $1 AND $6::float8 IS NOT NULL AND ${moves('$6::float8', 't.expires_at', '$10')}
    )`
        : ''
    }
    SELECT CASE WHEN w.version IS NULL
      THEN ${call('merge_value', `$1::text, $2::text, $3::float8, $4::text, $5::bigint, (${stepped}), $7::float8`)}
      ELSE '["ok",' || w.version || ']' END AS r
    FROM (SELECT 1) one LEFT JOIN w ON true`
  const livePart = `FROM ${records} r JOIN ${parts} p ON p.record_id = r.id AND p.name = $2
    WHERE r.id = $1 AND r.expires_at > $3 AND (p.expires_at IS NULL OR p.expires_at > $3)`
  return {
    create: statement('create', fn('create', '$1::text, $2::float8, $3::float8, $4::jsonb, $5::float8')),
    meta: statement(
      'meta',
      `SELECT created_at, expires_at, data FROM ${records} WHERE id = $1 AND expires_at > $2::float8`,
    ),
    patchMeta: statement(
      'patch_meta',
      fn('patch_meta', '$1::text, $2::float8, $3::float8, $4::jsonb, $5::jsonb, $6::text[]'),
    ),
    // The header, and an UPDATE that moves the expiry (capped by the `notAfter` fact `$4` when that
    // holds a number) only when each `ifDataAbsentOr` fact of `$5` is absent or equal, and unless it
    // would move later by less than the touch step `$6` (then no row is written). The UPDATE checks
    // its conditions again on the row it locks; the header comes from it when it wrote, else from
    // the statement's snapshot (nothing was written, so that is the state it answers for).
    touchMeta: statement(
      'touch_meta',
      `WITH cur AS (
          SELECT t.created_at, t.expires_at, t.data, ${held} AS touched FROM ${records} t
            WHERE t.id = $1 AND t.expires_at > $2::float8
        ), u AS (
          UPDATE ${records} t SET expires_at = ${target}
            WHERE t.id = $1 AND t.expires_at > $2::float8 AND ${held} AND ${moves(target, 't.expires_at', '$6')}
            RETURNING t.created_at, t.expires_at, t.data
        )
        SELECT coalesce(u.created_at, cur.created_at) AS created_at, coalesce(u.expires_at, cur.expires_at) AS expires_at,
          coalesce(u.data, cur.data) AS data, (u.expires_at IS NOT NULL OR cur.touched) AS touched
        FROM cur LEFT JOIN u ON true`,
    ),
    // The record's expiry moved unless later by less than the touch step `$4`; the row counts when
    // the record is live (from the statement's snapshot, written or not).
    touch: statement(
      'touch',
      `WITH u AS (
          UPDATE ${records} t SET expires_at = $3::float8
            WHERE t.id = $1 AND t.expires_at > $2::float8 AND ${moves('$3::float8', 't.expires_at', '$4')}
        )
        SELECT 1 FROM ${records} WHERE id = $1 AND expires_at > $2::float8`,
    ),
    delete: statement('delete', fn('delete', '$1::text, $2::float8')),
    rename: statement(
      'rename',
      fn(
        'rename',
        '$1::text, $2::text, $3::float8, $4::float8, $5::jsonb, $6::jsonb, $7::text[], $8::float8',
      ),
    ),
    readRecord: statement('read_record', readRecordText(names)),
    getValue: statement(
      'get_value',
      `SELECT p.kind, p.version, p.value ${livePart.replaceAll('$3', '$3::float8')}`,
    ),
    setValue: statement(
      'set_value',
      fn('set_value', '$1::text, $2::text, $3::float8, $4::text, $5::bigint, $6::float8, $7::float8'),
    ),
    // The caller's merge (`$9`, merged into `$8`) stored when `$8` is still the stored text: the
    // record's row locked, then the part compared and written, then the expiry moved, in one plain
    // statement (a function call costs about twice the server time). Otherwise, or without a copy
    // (`$8` NULL), the merge function (009) does it all, in the same statement: nothing was changed
    // before it, only the row locked. The record's expiry `$6` follows the touch step `$10` on
    // both paths (the function is handed none when the step says not to move it).
    mergeValue: statement('merge_value', mergeValue(true)),
    // The same under a touch step, where the expiry rarely moves: no `UPDATE` of the record in the
    // statement (an `UPDATE` costs the server even when it matches nothing); the write that must
    // move the expiry, once per step, is left to the merge function.
    mergeValueStepped: statement('merge_value_stepped', mergeValue(false)),
    deletePart: statement('delete_part', fn('delete_part', '$1::text, $2::text, $3::float8, $4::float8')),
    push: statement(
      'push',
      fn(
        'push',
        '$1::text, $2::text, $3::float8, $4::bigint, $5::text, $6::integer, $7::float8, $8::float8, $9::text[]',
      ),
    ),
    range: statement('range', fn('range', '$1::text, $2::text, $3::float8, $4::bigint, $5::bigint')),
    rangeBySeq: statement(
      'range_by_seq',
      fn('range_by_seq', '$1::text, $2::text, $3::float8, $4::bigint, $5::bigint, $6::bigint, $7::boolean'),
    ),
    getMap: statement(
      'get_map',
      `SELECT p.kind, p.version, (SELECT string_agg(f.field || ',' || f.value, ',') FROM ${fields} f
        WHERE f.record_id = $1 AND f.part = $2) AS fields
      ${livePart.replaceAll('$3', '$3::float8')}`,
    ),
    getMapFields: statement(
      'get_map_fields',
      `SELECT p.kind, p.version, (SELECT string_agg(f.field || ',' || f.value, ',') FROM ${fields} f
        WHERE f.record_id = $1 AND f.part = $2 AND f.field = ANY ($4::text[])) AS fields
      ${livePart.replaceAll('$3', '$3::float8')}`,
    ),
    updateMap: statement(
      'update_map',
      fn(
        'update_map',
        '$1::text, $2::text, $3::float8, $4::bigint, $5::bigint, $6::numeric, $7::float8, $8::float8, ' +
          '$9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[]',
      ),
    ),
    scan: statement(
      'scan',
      `SELECT id FROM ${records} WHERE id >= $1 AND id > $2 AND id < $3 AND expires_at > $4::float8
        ORDER BY id LIMIT $5::integer`,
    ),
    count: statement(
      'count',
      `SELECT count(*)::integer AS n FROM ${records} WHERE id >= $1 AND id < $2 AND expires_at > $3::float8`,
    ),
    sweep: statement(
      'sweep',
      `SELECT records, parts, tombstones FROM "${names.schema}"."${names.table}_sweep"($1::float8, $2::integer)`,
    ),
  }
}
