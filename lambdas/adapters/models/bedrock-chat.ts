/**
 * Chat through Amazon Bedrock's Converse streaming API (`ConverseStream`), with
 * the real SDK: one request shape for every model Bedrock serves (Claude, Nova,
 * Llama, Mistral), a foundation model id or an inference profile id (`eu.…`).
 * The system prompt goes in `system`, the turns in `messages`, and the token
 * counts of the closing `metadata` event come out as one usage event at the end.
 */
import { ProviderCallFailed } from '../../core/errors.ts';
import type { ChatModel, ChatModelEvent } from '../../core/ports.ts';
import { describeBedrockFailure, type OpenBedrock } from './bedrock-runtime.ts';
import { guardStream } from './provider-stream.ts';

/** What {@link createBedrockChat} needs: the model (or inference profile) and the shared runtime client. */
export interface BedrockChatOptions {
  readonly model: string;
  readonly open: OpenBedrock;
}

/** A {@link ChatModel} over ConverseStream; it throws `ProviderCallFailed` and never retries on its own. */
export const createBedrockChat = (opts: BedrockChatOptions): ChatModel => ({
  provider: 'bedrock',
  model: opts.model,
  async *stream(request, options): AsyncGenerator<ChatModelEvent> {
    if (options.signal?.aborted) return;
    const { sdk, client } = await opts.open();
    const events = guardStream(async (signal) => {
      const output = await client.send(new sdk.ConverseStreamCommand({
        modelId: opts.model,
        // Converse refuses an empty system block; none at all is fine.
        ...(request.system ? { system: [{ text: request.system }] } : {}),
        messages: request.messages.map((m) => ({ role: m.role, content: [{ text: m.content }] })),
        inferenceConfig: { maxTokens: request.maxOutputTokens, temperature: request.temperature },
      }), { abortSignal: signal });
      if (!output.stream) throw new ProviderCallFailed('unavailable', 'The provider answered without a stream.');
      return output.stream;
    }, options, describeBedrockFailure);

    let finished = false;
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    for await (const event of events) {
      const text = event.contentBlockDelta?.delta?.text;
      if (text) yield { type: 'text', text };
      else if (event.messageStop) finished = true;
      else if (event.metadata?.usage) usage = { inputTokens: event.metadata.usage.inputTokens ?? 0, outputTokens: event.metadata.usage.outputTokens ?? 0 };
    }
    if (options.signal?.aborted) return;
    // A stream that just stops without `messageStop` is a cut answer, not a short one.
    if (!finished) throw new ProviderCallFailed('unavailable', 'The provider ended the answer before it was complete.');
    if (usage) yield { type: 'usage', ...usage };
  },
});
