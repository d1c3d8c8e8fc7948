import pg from 'pg'
import { postgresMigrations } from './src/postgres/index.ts'
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:54919/postgres' })
const m = postgresMigrations({ schema: 'dev' }).find((x) => x.version === 10)!
const sql = m.sql.replace(/CREATE TABLE[\s\S]*?CREATE INDEX[^\n]*\n/, '').replaceAll('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION')
await pool.query(sql)
await pool.end()
