// Chat completions requests in the shapes clients send (tool loops, parallel calls, images, files,
// refusals), for the round-trip test. Ids and payloads are made up; the shapes are the API's.
export interface ChatCase {
  readonly name: string
  readonly messages: readonly unknown[]
  readonly systemRole?: 'developer'
}

const png =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

export const chatCorpus: readonly ChatCase[] = [
  {
    name: 'tool use',
    messages: [
      { role: 'system', content: 'You are a travel assistant.' },
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_Vq3k2XyZ',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_Vq3k2XyZ', content: '{"temp":18,"sky":"rain"}' },
      { role: 'assistant', content: 'It is 18°C and raining in Paris.' },
    ],
  },
  {
    name: 'parallel tool calls with big integers and key order',
    messages: [
      { role: 'user', content: 'Cancel orders 12345678901234567890 and 98765432109876543210.' },
      {
        role: 'assistant',
        content: 'Cancelling both.',
        tool_calls: [
          {
            id: 'call_a1',
            type: 'function',
            function: { name: 'cancel', arguments: '{"reason":"user","order_id":12345678901234567890}' },
          },
          {
            id: 'call_a2',
            type: 'function',
            function: { name: 'cancel', arguments: '{"reason":"user","order_id":98765432109876543210}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a1', content: 'cancelled' },
      { role: 'tool', tool_call_id: 'call_a2', content: [{ type: 'text', text: 'cancelled' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Both orders are cancelled.' }] },
    ],
  },
  {
    name: 'images and a PDF',
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Describe what you see.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
          { type: 'image_url', image_url: { url: png, detail: 'low' } },
          {
            type: 'file',
            file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'spec.pdf' },
          },
        ],
      },
      { role: 'assistant', content: 'The first is a photo; the second a pixel.' },
    ],
  },
  {
    name: 'refusal',
    messages: [
      { role: 'user', content: 'Help me pick a lock.' },
      { role: 'assistant', content: null, refusal: "I can't help with that." },
      { role: 'user', content: 'Fine, a recipe then.' },
    ],
  },
  {
    name: 'developer prompt for a reasoning model',
    systemRole: 'developer',
    messages: [
      { role: 'developer', content: 'Answer in one word.' },
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' },
    ],
  },
]
