/**
 * The provider SDKs, loaded on first use. The local answerer, the local
 * embedder and the retrieval path need neither, so they stay out of a cold
 * start: the bundler puts each dynamic import in a chunk of its own (see
 * `infra/constructs/parley-function.ts`), ~400 KB apiece; the Bedrock runtime
 * client likewise, so chat-stream's cold start does not pay for it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { loadOnce } from '../../shared/load-once.ts';

/** The `openai` package's client class (its error classes hang off it). */
export const loadOpenAi = loadOnce(async (): Promise<typeof OpenAI> => (await import('openai')).default);

/** The `@anthropic-ai/sdk` package's client class (its error classes hang off it). */
export const loadAnthropic = loadOnce(async (): Promise<typeof Anthropic> => (await import('@anthropic-ai/sdk')).default);

/** `@aws-sdk/client-bedrock-runtime`: its client, commands and error classes. */
export const loadBedrock = loadOnce(async () => import('@aws-sdk/client-bedrock-runtime'));

/** The Bedrock runtime module, as {@link loadBedrock} gives it. */
export type BedrockSdk = Awaited<ReturnType<typeof loadBedrock>>;
