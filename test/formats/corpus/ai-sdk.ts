// AI SDK `ModelMessage` arrays in the shapes apps pass to `streamText` / `generateText` and get
// back in `response.messages`: tool calls and results (text, json, errors, content), parallel
// calls in one tool message, reasoning with each provider's data, images and PDFs.
export interface AiCase {
  readonly name: string
  readonly messages: readonly unknown[]
}

export const aiSdkCorpus: readonly AiCase[] = [
  {
    name: 'text and a tool loop from response.messages',
    messages: [
      { role: 'system', content: 'You are a shop assistant.' },
      { role: 'user', content: 'Is the blue tee in stock?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          {
            type: 'tool-call',
            toolCallId: 'call_1',
            toolName: 'stock',
            input: { sku: 'TEE-BLUE-M', warehouses: ['BLR', 'DEL'] },
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_1',
            toolName: 'stock',
            output: { type: 'json', value: { inStock: true, qty: 4 } },
          },
        ],
      },
      { role: 'assistant', content: 'Yes, 4 left.' },
    ],
  },
  {
    name: 'parallel calls answered in one tool message, with errors and content',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Price and reviews of item 9?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'a', toolName: 'price', input: { id: 9 } },
          { type: 'tool-call', toolCallId: 'b', toolName: 'reviews', input: { id: 9 } },
          { type: 'tool-call', toolCallId: 'c', toolName: 'stock', input: {} },
          { type: 'tool-call', toolCallId: 'd', toolName: 'notes', input: {} },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'a',
            toolName: 'price',
            output: { type: 'text', value: '₹499' },
          },
          {
            type: 'tool-result',
            toolCallId: 'b',
            toolName: 'reviews',
            output: { type: 'error-text', value: 'timeout' },
          },
          {
            type: 'tool-result',
            toolCallId: 'c',
            toolName: 'stock',
            output: { type: 'error-json', value: { code: 503 } },
          },
          {
            type: 'tool-result',
            toolCallId: 'd',
            toolName: 'notes',
            output: { type: 'content', value: [{ type: 'text', text: 'gift wrap available' }] },
          },
        ],
      },
    ],
  },
  {
    name: 'Anthropic reasoning with a signature and redacted data',
    messages: [
      { role: 'user', content: 'Plan a trip.' },
      {
        role: 'assistant',
        content: [
          {
            type: 'reasoning',
            text: 'The user wants a plan; ask for dates first.',
            providerOptions: { anthropic: { signature: 'ErUBCkYIBRgCIkA' } },
          },
          {
            type: 'reasoning',
            text: '',
            providerOptions: { anthropic: { redactedData: 'EmwKAhgBEgy3va3pzix' } },
          },
          { type: 'tool-call', toolCallId: 'toolu_9', toolName: 'calendar', input: { month: 'May' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_9',
            toolName: 'calendar',
            output: { type: 'text', value: 'free 3-7 May' },
          },
        ],
      },
    ],
  },
  {
    name: 'OpenAI reasoning, text and calls with item ids',
    messages: [
      { role: 'user', content: 'Sum 2 and 3 with the tool.' },
      {
        role: 'assistant',
        content: [
          {
            type: 'reasoning',
            text: 'Use add.',
            providerOptions: { openai: { itemId: 'rs_1', reasoningEncryptedContent: 'gAAAAB' } },
          },
          { type: 'text', text: 'Adding.', providerOptions: { openai: { itemId: 'msg_1' } } },
          {
            type: 'tool-call',
            toolCallId: 'call_x',
            toolName: 'add',
            input: { a: 2, b: 3 },
            providerOptions: { openai: { itemId: 'fc_1' } },
          },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'call_x', toolName: 'add', output: { type: 'json', value: 5 } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Plain reasoning from another model.' },
          { type: 'text', text: '5' },
        ],
      },
    ],
  },
  {
    name: 'images and a PDF',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Read these.' },
          { type: 'image', image: 'https://example.com/receipt.jpg' },
          { type: 'image', image: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' },
          {
            type: 'file',
            data: 'data:application/pdf;base64,JVBERi0xLjQK',
            mediaType: 'application/pdf',
            filename: 'invoice.pdf',
          },
        ],
      },
    ],
  },
]
