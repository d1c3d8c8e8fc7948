// `npm run demo`: every module of sessionkit on the embedded in-memory default, printing what happens.
import { demoDetect } from './demo-detect.js'
import { demoFacade } from './demo-facade.js'
import { demoHistory } from './demo-history.js'
import { demoSeen } from './demo-seen.js'

const sections: [string, (log: (line: string) => void) => Promise<void>][] = [
  ['Sessions, users across devices, preferences, cart, typed state', demoFacade],
  ['Seen items: decaying penalties, explanations, re-ranking', demoSeen],
  ['Conversation history: appends, retries, tool calls, budgets, summaries, formats, stats', demoHistory],
  ['Session detection for stateless gateways', demoDetect],
]

for (const [title, run] of sections) {
  console.log(`\n## ${title}`)
  await run((line) => console.log(line))
}
