import pg from 'pg'
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:54919/postgres', max: 1 })
const text = `SELECT dev.records_rate_consume($1::float8, $2::float8, $3::text[], $4::text[], $5::"char"[], $6::float8[], $7::float8[], $8::float8[], $9::float8[]) AS r`
async function run(label: string, n: number, key: (i: number) => string, kind: string, limit = 1e9) {
  await pool.query('SELECT pg_stat_statements_reset()')
  for (let i = 0; i < n; i++) await pool.query({ name: 'c', text, values: [1e12 + Date.now() % 1e9 + i, 60000, [key(i)], ['r'], [kind], [limit], [60000], [limit], [1]] })
  const s = await pool.query(`SELECT calls, total_exec_time FROM pg_stat_statements WHERE query LIKE '%rate_consume%'`)
  return (s.rows[0].total_exec_time / s.rows[0].calls * 1000)
}
const tag = process.argv[2] ?? 'a'
const out: Record<string, number[]> = {}
for (let k = 0; k < 3; k++) {
  (out.newS ??= []).push(await run('new sliding', 1000, (i) => `user:${tag}${k}n${i}`, 's'))
  ;(out.newB ??= []).push(await run('new bucket', 1000, (i) => `user:${tag}${k}m${i}`, 'b'))
  ;(out.oldS ??= []).push(await run('existing sliding', 1000, (i) => `user:${tag}e${i % 100}`, 's'))
}
console.log(Object.entries(out).map(([k, v]) => `${k} ${v.map((x) => x.toFixed(0)).join(' ')}`).join('\n'))
await pool.end()
