// The converters' outputs against the official SDK types, under `strict` and
// `exactOptionalPropertyTypes` (test/formats/tsconfig.sdk-types.json; `npm run typecheck` checks
// them again without it). The SDKs are devDependencies: the library itself imports none of them.
import type Anthropic from '@anthropic-ai/sdk'
import type {
  Base64ImageSource,
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  RedactedThinkingBlockParam,
  TextBlockParam,
  ThinkingBlockParam,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from '@anthropic-ai/sdk/resources/messages'
import type { LanguageModel, ModelMessage } from 'ai'
import { streamText } from 'ai'
import type OpenAI from 'openai'
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions'
import type {
  ResponseCreateParamsNonStreaming,
  ResponseInput,
  ResponseInputItem,
  ResponseReasoningItem,
} from 'openai/resources/responses/responses'
import { describe, expectTypeOf, test } from 'vitest'
import {
  type AiModelMessage,
  type AnthropicBlock,
  type AnthropicImageBlock,
  type AnthropicPayload,
  type AnthropicRedactedThinkingBlock,
  type AnthropicTextBlock,
  type AnthropicThinkingBlock,
  type AnthropicToolResultBlock,
  type AnthropicToolUseBlock,
  type MessageInput,
  type OpenAIMessage,
  type ResponsesInputItem,
  type ResponsesReasoningItem,
  toAnthropicMessages,
  toModelMessages,
  toOpenAIMessages,
  toResponsesInput,
} from '../../src/index.js'

declare const history: readonly MessageInput[]

describe('openai chat completions', () => {
  test('toOpenAIMessages returns ChatCompletionMessageParam[]', () => {
    expectTypeOf(toOpenAIMessages(history)).toExtend<ChatCompletionMessageParam[]>()
    expectTypeOf<OpenAIMessage>().toExtend<ChatCompletionMessageParam>()
    const messages: ChatCompletionMessageParam[] = toOpenAIMessages(history, { systemRole: 'developer' })
    expectTypeOf(messages).toEqualTypeOf<ChatCompletionMessageParam[]>()
  })

  test('the output goes straight into chat.completions.create', () => {
    const params = {
      model: 'gpt-4o',
      messages: toOpenAIMessages(history),
    } satisfies ChatCompletionCreateParamsNonStreaming
    expectTypeOf<OpenAI['chat']['completions']['create']>().toBeFunction()
    expectTypeOf(params.messages).toExtend<ChatCompletionCreateParamsNonStreaming['messages']>()
  })
})

describe('openai responses', () => {
  test('toResponsesInput returns a ResponseInput', () => {
    expectTypeOf(toResponsesInput(history)).toExtend<ResponseInput>()
    expectTypeOf<ResponsesInputItem>().toExtend<ResponseInputItem>()
    expectTypeOf<ResponsesReasoningItem>().toExtend<ResponseReasoningItem>()
    const params = {
      model: 'o4-mini',
      input: toResponsesInput(history),
    } satisfies ResponseCreateParamsNonStreaming
    expectTypeOf(params.input).toExtend<ResponseCreateParamsNonStreaming['input']>()
  })
})

describe('anthropic messages', () => {
  test('toAnthropicMessages returns MessageParam[] and the system parameter', () => {
    const payload = toAnthropicMessages(history)
    expectTypeOf(payload.messages).toExtend<MessageParam[]>()
    expectTypeOf<NonNullable<AnthropicPayload['system']>>().toExtend<string | TextBlockParam[]>()
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      ...payload,
    } satisfies MessageCreateParamsNonStreaming
    expectTypeOf(params).toExtend<Anthropic.MessageCreateParamsNonStreaming>()
  })

  test('each block is the SDK block', () => {
    expectTypeOf<AnthropicBlock>().toExtend<ContentBlockParam>()
    expectTypeOf<AnthropicTextBlock>().toExtend<TextBlockParam>()
    expectTypeOf<AnthropicImageBlock['source']>().toExtend<Anthropic.ImageBlockParam['source']>()
    expectTypeOf<Extract<AnthropicImageBlock['source'], { type: 'base64' }>>().toExtend<Base64ImageSource>()
    expectTypeOf<AnthropicThinkingBlock>().toExtend<ThinkingBlockParam>()
    expectTypeOf<AnthropicRedactedThinkingBlock>().toExtend<RedactedThinkingBlockParam>()
    expectTypeOf<AnthropicToolUseBlock>().toExtend<ToolUseBlockParam>()
    expectTypeOf<AnthropicToolResultBlock>().toExtend<ToolResultBlockParam>()
  })

  test('media types are the SDK union, not any string', () => {
    type MediaType = Extract<AnthropicImageBlock['source'], { type: 'base64' }>['media_type']
    expectTypeOf<MediaType>().toEqualTypeOf<Base64ImageSource['media_type']>()
  })
})

describe('vercel ai sdk', () => {
  test('toModelMessages returns ModelMessage[]', () => {
    expectTypeOf(toModelMessages(history)).toExtend<ModelMessage[]>()
    expectTypeOf<AiModelMessage>().toExtend<ModelMessage>()
  })

  test('the output goes straight into streamText', () => {
    const run = (model: LanguageModel) => streamText({ model, messages: toModelMessages(history) })
    expectTypeOf(run).toBeFunction()
  })
})
