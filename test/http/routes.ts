import type { HttpSession } from '../../src/http/context.js'
import type { Seen } from './suite.js'

type TestSession = HttpSession<Record<string, never>, string>

/** What the test routes answer: the session now, who it is for, and the note it holds. */
export async function seen(http: TestSession): Promise<Seen> {
  return {
    sessionId: http.session.id,
    created: http.created,
    userId: http.userId ?? null,
    note: (await http.session.state.get()) ?? null,
  }
}

/**
 * The routes of every test app, whatever the framework: `route(method, path, body)` resolves
 * the status and the JSON answer (none for 204).
 */
export async function route(
  http: TestSession,
  method: string,
  path: string,
  body: { text?: string; user?: string } | undefined,
): Promise<{ status: number; json?: Seen }> {
  if (method === 'GET' && path === '/whoami') return { status: 200, json: await seen(http) }
  if (method === 'POST' && path === '/note') {
    await http.session.state.replace(String(body?.text))
    return { status: 200, json: await seen(http) }
  }
  if (method === 'POST' && path === '/login') {
    // A real app checks the password first: here the test is the identity provider.
    await http.login(String(body?.user))
    return { status: 200, json: await seen(http) }
  }
  if (method === 'POST' && path === '/ask') {
    // Charged before the work: a refused call does nothing and says when to come back.
    const limit = await http.limit({ asks: 1 })
    if (!limit.allowed) return { status: 429 }
    return { status: 200, json: await seen(http) }
  }
  if (method === 'POST' && path === '/logout') {
    await http.logout()
    return { status: 204 }
  }
  return { status: 404 }
}
