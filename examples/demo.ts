// `npm run demo`: every module of sessionkit on the embedded in-memory default, printing what happens.
import { demoDetect } from './demo-detect.js'
import { demoFacade } from './demo-facade.js'
import { demoHistory } from './demo-history.js'
import { demoSeen } from './demo-seen.js'
import { runOutfitScoring } from './outfit-scoring.js'

const sections: [string, (log: (line: string) => void) => Promise<void>][] = [
  ['Sessions, users across devices, preferences, cart, typed state', demoFacade],
  ['Seen items: decaying penalties, explanations, re-ranking', demoSeen],
  [
    'Outfit scoring: three gym outfits in a row, no item twice',
    async (log) => {
      await runOutfitScoring(log)
    },
  ],
  ['Conversation history: appends, retries, tool calls, budgets, summaries, formats, stats', demoHistory],
  ['Session detection for stateless gateways', demoDetect],
]

for (const [title, run] of sections) {
  console.log(`\n## ${title}`)
  await run((line) => console.log(line))
}
