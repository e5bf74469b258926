/**
 * Chat through Anthropic's Messages API, streamed, with the real SDK: the system
 * prompt goes in `system`, the turns in `messages`, and the token counts from
 * `message_start` and `message_delta` come out as one usage event at the end.
 * `request.temperature` is not sent: the API version this SDK speaks refuses it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { ProviderCallFailed } from '../../core/errors.ts';
import type { ChatModel, ChatModelEvent } from '../../core/ports.ts';
import { loadAnthropic } from './provider-sdks.ts';
import { describeCallFailure, guardStream } from './provider-stream.ts';

/** What {@link createAnthropicChat} needs: one model and key per adapter. */
export interface AnthropicChatOptions {
  readonly model: string;
  readonly apiKey: string;
  /** The operator's override of Anthropic's API (the fake provider in tests). @default Anthropic's own */
  readonly baseUrl?: string | undefined;
}

interface TokenCounts {
  readonly input_tokens: number | null;
  readonly cache_creation_input_tokens: number | null;
  readonly cache_read_input_tokens: number | null;
}

/** Anthropic counts cached input apart; the prompt's size is the three together. */
const inputTokensOf = (u: TokenCounts): number =>
  (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);

/** A {@link ChatModel} over Anthropic Messages; it throws `ProviderCallFailed` and never retries on its own. */
export const createAnthropicChat = (opts: AnthropicChatOptions): ChatModel => {
  // Built on the first call: the SDK is loaded only then.
  let sdk: { client: Anthropic; describe: (error: unknown) => ProviderCallFailed } | undefined;
  const open = async () => {
    if (sdk) return sdk;
    const Sdk = await loadAnthropic();
    const client = new Sdk({
      apiKey: opts.apiKey,
      baseURL: opts.baseUrl ?? null,
      // The environment must not turn on the SDK's request logging, which would print prompts.
      logLevel: 'off',
      maxRetries: 0,
    });
    return (sdk ??= { client, describe: (error: unknown) => describeCallFailure(error, Sdk, [opts.apiKey]) });
  };

  return {
    provider: 'anthropic',
    model: opts.model,
    async *stream(request, options): AsyncGenerator<ChatModelEvent> {
      const { client, describe } = await open();
      const events = guardStream((signal) => client.messages.create({
        model: opts.model,
        // Anthropic refuses an empty system text; none at all is fine.
        ...(request.system ? { system: request.system } : {}),
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        max_tokens: request.maxOutputTokens,
        // No `temperature`: API version 2026-10-21, which this SDK sends, answers 400 to any
        // sampling parameter (even 1.0), and the SDK's types no longer have it.
        stream: true,
      }, { signal }), options, describe);

      let finished = false;
      let inputTokens = 0;
      let outputTokens = 0;
      for await (const event of events) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          yield { type: 'text', text: event.delta.text };
        } else if (event.type === 'message_start') {
          inputTokens = inputTokensOf(event.message.usage);
          outputTokens = event.message.usage.output_tokens;
        } else if (event.type === 'message_delta') {
          // Counts here are cumulative, and final; input only when the API repeats it.
          if (event.usage.input_tokens !== null) inputTokens = inputTokensOf(event.usage);
          outputTokens = event.usage.output_tokens;
        } else if (event.type === 'message_stop') {
          finished = true;
        }
      }
      if (options.signal?.aborted) return;
      // A stream that just stops without `message_stop` is a cut answer, not a short one.
      if (!finished) throw new ProviderCallFailed('unavailable', 'The provider ended the answer before it was complete.');
      yield { type: 'usage', inputTokens, outputTokens };
    },
  };
};
