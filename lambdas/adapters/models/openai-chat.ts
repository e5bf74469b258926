/**
 * Chat through OpenAI's Chat Completions API, streamed, with the real SDK. The
 * same adapter serves any OpenAI-compatible endpoint: an owner-supplied base URL
 * is reached only through the guarded fetch, so it cannot point at the platform's
 * own network.
 */
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ProviderCallFailed } from '../../core/errors.ts';
import type { ChatModel, ChatModelEvent } from '../../core/ports.ts';
import type { ProvidersSpeaking } from '../../core/providers.ts';
import type { GuardedFetch } from '../net/guarded-fetch.ts';
import { loadOpenAi } from './provider-sdks.ts';
import { describeCallFailure, guardStream } from './provider-stream.ts';

/** What {@link createOpenAiChat} needs: one provider, model and key per adapter. */
export interface OpenAiChatOptions {
  readonly provider: ProvidersSpeaking<'openai'>;
  readonly model: string;
  readonly apiKey: string;
  /** The platform's override for OpenAI, or the owner's endpoint for `openai-compatible`. @default OpenAI's own */
  readonly baseUrl?: string | undefined;
  /** Required whenever the base URL came from an owner: the guarded fetch. */
  readonly fetch?: GuardedFetch | undefined;
}

/** A {@link ChatModel} over Chat Completions; it throws `ProviderCallFailed` and never retries on its own. */
export const createOpenAiChat = (opts: OpenAiChatOptions): ChatModel => {
  // Built on the first call: the SDK is loaded only then.
  let sdk: { client: OpenAI; describe: (error: unknown) => ProviderCallFailed } | undefined;
  const open = async () => {
    if (sdk) return sdk;
    const Sdk = await loadOpenAi();
    const client = new Sdk({
      apiKey: opts.apiKey,
      baseURL: opts.baseUrl ?? null,
      // The operator's environment must not leak into an owner's call (org headers) or turn on request logging.
      organization: null,
      project: null,
      logLevel: 'off',
      maxRetries: 0,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    return (sdk ??= { client, describe: (error: unknown) => describeCallFailure(error, Sdk, [opts.apiKey]) });
  };

  return {
    provider: opts.provider,
    model: opts.model,
    async *stream(request, options): AsyncGenerator<ChatModelEvent> {
      const { client, describe } = await open();
      const messages: ChatCompletionMessageParam[] = [
        ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
        ...request.messages.map((m) => ({ role: m.role, content: m.content })),
      ];
      const chunks = guardStream((signal) => client.chat.completions.create({
        model: opts.model,
        messages,
        max_completion_tokens: request.maxOutputTokens,
        // Reasoning models (o-series, GPT-5) accept only their default temperature.
        ...(/^(o\d|gpt-5)/.test(opts.model) ? {} : { temperature: request.temperature }),
        stream: true,
        // Ask OpenAI not to keep the completion for its dashboards and evals (compatible servers ignore it).
        store: false,
        // Without it the stream carries no token counts.
        stream_options: { include_usage: true },
      }, { signal }), options, describe);

      let finished = false;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of chunks) {
        for (const choice of chunk.choices) {
          if (choice.delta?.content) yield { type: 'text', text: choice.delta.content };
          if (choice.finish_reason) finished = true;
        }
        if (chunk.usage) usage = chunk.usage;
      }
      if (options.signal?.aborted) return;
      // A stream that just stops (a proxy cut it, a budget ran out) is a cut answer, not a short one.
      if (!finished) throw new ProviderCallFailed('unavailable', 'The provider ended the answer before it was complete.');
      // Some OpenAI-compatible servers send no usage; then there is nothing to report.
      if (usage) yield { type: 'usage', inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
    },
  };
};
