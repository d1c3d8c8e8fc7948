import { Redis } from 'ioredis'
import { createSessionKit } from '../src/kit.js'
import { createRedisStore, fromIoredis } from '../src/redis/index.js'
import { startRedisServer } from '../test/integration/redis-harness.js'

const server = await startRedisServer()
const raw = new Redis({ host: '127.0.0.1', port: server.port })
const kit = createSessionKit({ store: createRedisStore({ client: fromIoredis(raw), prefix: 'bench' }) })
const sessions = await Promise.all(Array.from({ length: 200 }, () => kit.create()))
const ops = [
  (i: number) => kit.get(sessions[i % 200]!.id),
  (i: number) => sessions[i % 200]!.touch(),
  (i: number) => sessions[i % 200]!.history.append({ role: 'user', content: `hello ${i}` }),
  (i: number) => sessions[i % 200]!.seen.mark([`a${i % 97}`, `b${i % 89}`]),
  (i: number) => sessions[i % 200]!.seen.view(),
  (i: number) => sessions[i % 200]!.cart.add({ sku: `S${i % 20}`, name: 'n', unitPrice: 1, quantity: 1 }),
]
let next = 0
const t = performance.now()
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (let i = next++; i < 60000; i = next++) await ops[i % 6]!(i)
  }),
)
console.log('ops/s', Math.round(60000 / ((performance.now() - t) / 1000)))
console.log(
  (await raw.info('commandstats'))
    .split('\n')
    .filter((l) => /eval/.test(l))
    .join('\n'),
)
await kit.close()
raw.disconnect()
await server.stop()
