// Messages API requests in the shapes clients send (tool use, parallel tool use, images,
// documents, extended thinking with signatures, redacted thinking, tool errors), for the
// round-trip test. Signatures and data are made up; the shapes are the API's.
export interface AnthropicCase {
  readonly name: string
  readonly request: { readonly system?: unknown; readonly messages: readonly unknown[] }
}

export const anthropicCorpus: readonly AnthropicCase[] = [
  {
    name: 'tool use',
    request: {
      system: 'You are a travel assistant.',
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            {
              type: 'tool_use',
              id: 'toolu_01A09q90qw90lq917835lq9',
              name: 'get_weather',
              input: { city: 'Paris', unit: 'celsius' },
            },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: '18°C, rain' },
          ],
        },
        { role: 'assistant', content: 'It is 18°C and raining.' },
      ],
    },
  },
  {
    name: 'parallel tool use, an error and a follow-up question',
    request: {
      messages: [
        { role: 'user', content: 'Weather and time in Tokyo?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Tokyo' } },
            { type: 'tool_use', id: 'toolu_02', name: 'get_time', input: { tz: 'Asia/Tokyo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: '22°C' }] },
            { type: 'tool_result', tool_use_id: 'toolu_02', content: 'clock service down', is_error: true },
            { type: 'text', text: 'Also, is it raining?' },
          ],
        },
      ],
    },
  },
  {
    name: 'extended thinking with a signature across a tool call',
    request: {
      system: [{ type: 'text', text: 'Think before you answer.' }],
      messages: [
        { role: 'user', content: 'Is 2^31-1 prime? Check with the tool.' },
        {
          role: 'assistant',
          content: [
            {
              type: 'thinking',
              thinking:
                'The user wants a primality check; 2^31-1 is a Mersenne number. I will call is_prime.',
              signature: 'EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV',
            },
            { type: 'tool_use', id: 'toolu_01Ab', name: 'is_prime', input: { n: 2147483647 } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01Ab', content: 'true' }] },
      ],
    },
  },
  {
    name: 'redacted thinking',
    request: {
      messages: [
        { role: 'user', content: 'Plan the itinerary.' },
        {
          role: 'assistant',
          content: [
            {
              type: 'redacted_thinking',
              data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP',
            },
            { type: 'text', text: 'Day 1: Louvre. Day 2: Versailles.' },
          ],
        },
        { role: 'user', content: 'Shorter please.' },
      ],
    },
  },
  {
    name: 'images and a PDF document',
    request: {
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQSkZJRgABAQ==' },
            },
            { type: 'image', source: { type: 'url', url: 'https://example.com/chart.png' } },
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' },
              title: 'report.pdf',
            },
            { type: 'text', text: 'Summarise the chart and the report.' },
          ],
        },
      ],
    },
  },
]
