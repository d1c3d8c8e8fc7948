// Authentication for examples/chat-server.ts: a login token signed with HMAC-SHA256, carried in an
// HttpOnly cookie beside the session cookie. The session id says which conversation; the token
// says who is asking, and sessionkit checks the one against the other on every call.
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'

/** Who a login is for, or `undefined` when the credentials are wrong. */
export type Authenticate = (login: {
  readonly user: string
  readonly password: string
}) => Promise<string | undefined> | string | undefined

/**
 * Signs and checks login tokens: `<base64url user id>.<expiry epoch ms>.<base64url HMAC>`. Only a
 * holder of the secret can make one, and a token stops working at its expiry.
 *
 * @example
 * const tokens = createTokens(process.env.LOGIN_SECRET!); tokens.verify(tokens.sign('asha'))
 */
export interface Tokens {
  sign(userId: string, now?: number): string
  /** The user id of a valid, unexpired token; `undefined` for anything else. */
  verify(token: string, now?: number): string | undefined
}

/** Makes the signer; the secret must be at least 32 bytes (`openssl rand -base64 32`). */
export function createTokens(secret: string | Buffer, ttlMs: number): Tokens {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret
  if (key.length < 32) throw new Error('the login secret must be at least 32 bytes')
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest()
  return {
    sign(userId, now = Date.now()) {
      const payload = `${Buffer.from(userId, 'utf8').toString('base64url')}.${now + ttlMs}`
      return `${payload}.${mac(payload).toString('base64url')}`
    },
    verify(token, now = Date.now()) {
      if (token.length > 1024) return undefined
      const parts = token.split('.')
      if (parts.length !== 3) return undefined
      const [user, expiry, signature] = parts as [string, string, string]
      const expected = mac(`${user}.${expiry}`)
      const given = Buffer.from(signature, 'base64url')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
      if (!/^\d{1,16}$/.test(expiry) || Number(expiry) <= now) return undefined
      return Buffer.from(user, 'base64url').toString('utf8')
    },
  }
}

/** A random secret for one process: tokens stop working when it restarts (set a real one). */
export function processSecret(): Buffer {
  return randomBytes(32)
}

const demoSalt = randomBytes(16)
const demoAccounts = new Map(
  [
    ['asha', 'asha-demo-password'],
    ['ravi', 'ravi-demo-password'],
  ].map(([user, password]) => [user!, scryptSync(password!, demoSalt, 32)]),
)

/**
 * The example's accounts: `asha` / `asha-demo-password` and `ravi` / `ravi-demo-password`, kept
 * as scrypt hashes and compared in constant time. Replace it with your user store.
 */
export const demoAuthenticate: Authenticate = ({ user, password }) => {
  const hash = demoAccounts.get(user)
  if (hash === undefined || password.length > 1024) return undefined
  return timingSafeEqual(hash, scryptSync(password, demoSalt, 32)) ? user : undefined
}
