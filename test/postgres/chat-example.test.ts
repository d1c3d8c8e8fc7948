import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'
import { freePort } from '../integration/redis-harness.js'

const example = join(import.meta.dirname, '../../examples/chat-server.ts')

describe.runIf(postgresUrl !== undefined)('examples/chat-server.ts with DATABASE_URL', () => {
  const postgres = usePostgres()

  it('migrates, keeps its sessions in PostgreSQL, and answers over HTTP', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', example], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: postgresUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    try {
      const started = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', resolve)
        child.once('exit', (code) => reject(new Error(`example exited (${code}): ${stderr}`)))
      })
      expect(started).toBe(`chat backend on http://127.0.0.1:${port} (sessions in PostgreSQL)`)
      const base = `http://127.0.0.1:${port}`
      const created = await fetch(`${base}/sessions`, { method: 'POST' })
      expect(created.status).toBe(201)
      const cookie = created.headers.get('set-cookie')!.split(';')[0]!
      const answer = await fetch(`${base}/query`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ q: 'Any 2BHK in Whitefield?' }),
      })
      expect(answer.status).toBe(200)
      // Its rate limits hold on PostgreSQL too, in the database beside the sessions.
      expect(answer.headers.get('ratelimit-limit')).toBe('30')
      const windows = await postgres
        .pool()
        .query(`SELECT count(*)::int AS n FROM sessionkit.records_limits WHERE rule = 'queries'`)
      expect(windows.rows[0].n).toBe(1)
      const sid = cookie.slice(cookie.indexOf('=') + 1)
      const stored = await postgres
        .pool()
        .query('SELECT count(*)::int AS n FROM sessionkit.records_entries WHERE record_id = $1', [sid])
      expect(stored.rows[0].n).toBe(2)
    } finally {
      child.kill()
    }
  }, 120_000)
})
