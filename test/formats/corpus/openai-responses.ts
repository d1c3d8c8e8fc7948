// Responses API `input` arrays in the shapes clients send: output items of earlier responses fed
// back (reasoning with encrypted content, messages and function calls with their ids), calls and
// outputs written by hand, images and files, refusals. Ids and payloads are made up.
export interface ResponsesCase {
  readonly name: string
  readonly input: string | readonly unknown[]
  readonly systemRole?: 'developer'
}

export const responsesCorpus: readonly ResponsesCase[] = [
  { name: 'a string input', input: 'Tell me a joke.' },
  {
    name: 'a tool loop fed back with reasoning, ids and encrypted content',
    systemRole: 'developer',
    input: [
      { role: 'developer', content: 'Use the tools.' },
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        type: 'reasoning',
        id: 'rs_68af2b1c',
        summary: [
          { type: 'summary_text', text: '**Checking two cities**\n\nI will call the weather tool twice.' },
          { type: 'summary_text', text: 'Both calls can run in parallel.' },
        ],
        encrypted_content: 'gAAAAABor2sc4Lq0Jr8Wn5fVgG1n2Fj3oI6QwE=',
      },
      {
        type: 'function_call',
        id: 'fc_68af2b1d',
        call_id: 'call_p1',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      },
      {
        type: 'function_call',
        id: 'fc_68af2b1e',
        call_id: 'call_r1',
        name: 'get_weather',
        arguments: '{"city":"Rome","id":12345678901234567890}',
        status: 'completed',
      },
      { type: 'function_call_output', call_id: 'call_p1', output: '18°C' },
      { type: 'function_call_output', call_id: 'call_r1', output: [{ type: 'input_text', text: '25°C' }] },
      { type: 'reasoning', id: 'rs_68af2b1f', summary: [], encrypted_content: 'gAAAAABor2sdQm9K' },
      {
        type: 'message',
        id: 'msg_68af2b20',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Paris 18°C, Rome 25°C.', annotations: [] }],
      },
      { role: 'user', content: 'Thanks!' },
    ],
  },
  {
    name: 'calls written by hand, without item ids',
    input: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Look up order 7.' },
      { role: 'assistant', content: 'Looking it up.' },
      { type: 'function_call', call_id: 'c1', name: 'order', arguments: '{"id":7}' },
      { type: 'function_call_output', call_id: 'c1', output: '{"status":"shipped"}' },
      { role: 'assistant', content: 'It has shipped.' },
    ],
  },
  {
    name: 'images and files',
    input: [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'What is in these?' },
          { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'auto' },
          { type: 'input_image', image_url: 'data:image/webp;base64,UklGRhYAAABXRUJQ', detail: 'high' },
          { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'menu.pdf' },
          { type: 'input_file', file_url: 'https://example.com/terms.pdf' },
        ],
      },
    ],
  },
  {
    name: 'a refusal fed back',
    input: [
      { role: 'user', content: 'Write malware.' },
      {
        type: 'message',
        id: 'msg_01',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'refusal', refusal: "I can't help with that." }],
      },
      { role: 'user', content: 'OK, explain firewalls.' },
    ],
  },
]
