/**
 * The provider SDKs, loaded on first use. The local answerer, the local
 * embedder and the retrieval path need neither, so they stay out of a cold
 * start: the bundler puts each dynamic import in a chunk of its own (see
 * `infra/constructs/parley-function.ts`), ~400 KB apiece; the Bedrock runtime
 * client likewise, so chat-stream's cold start does not pay for it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';

/** `load`, run on the first call and shared by every later one; a failed load is tried again next time. */
const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
};

/** The `openai` package's client class (its error classes hang off it). */
export const loadOpenAi = once(async (): Promise<typeof OpenAI> => (await import('openai')).default);

/** The `@anthropic-ai/sdk` package's client class (its error classes hang off it). */
export const loadAnthropic = once(async (): Promise<typeof Anthropic> => (await import('@anthropic-ai/sdk')).default);

/** `@aws-sdk/client-bedrock-runtime`: its client, commands and error classes. */
export const loadBedrock = once(async () => import('@aws-sdk/client-bedrock-runtime'));

/** The Bedrock runtime module, as {@link loadBedrock} gives it. */
export type BedrockSdk = Awaited<ReturnType<typeof loadBedrock>>;
