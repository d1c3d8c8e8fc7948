import { createRateLimiter } from './src/limits/limiter.js'
import { RateLimiterMemory } from 'rate-limiter-flexible'
const keys = Array.from({ length: 10000 }, (_, i) => `k${i}`)
const l = createRateLimiter({ rules: [{ name: 'requests', per: 'user', limit: 100, windowMs: 60000 }] })
const r = new RateLimiterMemory({ points: 100, duration: 60 })
const res = []
for (let round = 0; round < 8; round++) {
  let t = performance.now()
  for (let i = 0; i < 100000; i++) await l.consume({ user: keys[i % 10000]! }, { requests: 1 })
  const a = ((performance.now() - t) / 100000) * 1e6
  t = performance.now()
  for (let i = 0; i < 100000; i++) await r.consume(keys[i % 10000]!, 1).then(() => true, () => false)
  const b = ((performance.now() - t) / 100000) * 1e6
  res.push(`${(b / a).toFixed(2)}`)
}
console.log(res.join(' '))
