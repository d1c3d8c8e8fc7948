// `npm run demo`: every module of sessionkit on the embedded in-memory default, printing what happens.
import { demoFacade } from './demo-facade.js'

const sections: [string, (log: (line: string) => void) => Promise<void>][] = [
  ['Sessions, users across devices, preferences, cart, typed state', demoFacade],
]

for (const [title, run] of sections) {
  console.log(`\n## ${title}`)
  await run((line) => console.log(line))
}
