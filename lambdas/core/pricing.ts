/**
 * List prices, for budgets and usage in money. Budgets bind owner keys as well
 * as the platform's: an owner who sets a monthly limit wants it kept whoever
 * pays. A model missing from the table is priced as the dearest one listed, so
 * a budget is never under-counted.
 */
import { foundationModelOf } from './bedrock-models.ts';
import { isProvider, KEYLESS_PROVIDER, LOCAL, PROVIDER_API } from './providers.ts';
import type { TokenUsage } from './records.ts';

/** US dollars per million tokens, input and output (providers' public list prices). */
const PRICES: Readonly<Record<string, readonly [number, number]>> = {
  'anthropic/claude-opus-4-1': [15, 75],
  'anthropic/claude-sonnet-4-5': [3, 15],
  'anthropic/claude-haiku-4-5': [1, 5],
  'anthropic/claude-3-5-haiku-latest': [0.8, 4],
  'openai/gpt-5': [1.25, 10],
  'openai/gpt-5-mini': [0.25, 2],
  'openai/gpt-5-nano': [0.05, 0.4],
  'openai/gpt-4.1': [2, 8],
  'openai/gpt-4.1-mini': [0.4, 1.6],
  'openai/gpt-4o': [2.5, 10],
  'openai/gpt-4o-mini': [0.15, 0.6],
  // Amazon Bedrock on demand, by foundation model (an inference profile is priced as its model).
  // What AWS's own pages confirm (read 2026-12-06):
  // - Claude Sonnet 4.5 through global. costs about 10% less than through a geographic (eu., us.)
  //   profile, and any profile is priced at the rate of the region the request is made from
  //   (https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html):
  //   the geographic price, Anthropic's list plus 10%, is the one listed, so a budget is never
  //   under-counted. Haiku 4.5 is listed the same way; its premium was not found on AWS's pages.
  // - The per-model figures themselves could not be read from https://aws.amazon.com/bedrock/pricing/
  //   (the page fills its tables in the browser); Nova's match the us-east-1 list that third-party
  //   copies of that page agree on. Rates in EU regions may be higher and are not listed here.
  'bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0': [3.3, 16.5],
  'bedrock/anthropic.claude-haiku-4-5-20251001-v1:0': [1.1, 5.5],
  'bedrock/amazon.nova-pro-v1:0': [0.8, 3.2],
  'bedrock/amazon.nova-lite-v1:0': [0.06, 0.24],
  'bedrock/amazon.nova-micro-v1:0': [0.035, 0.14],
  'bedrock/meta.llama3-3-70b-instruct-v1:0': [0.72, 0.72],
  'bedrock/mistral.mistral-large-2407-v1:0': [2, 6],
  // Embedding models: input tokens only (read 2026-12-06).
  // - text-embedding-3-small, $0.02 per million: https://openai.com/api/pricing/ (OpenAI's embeddings table).
  // - Titan Text Embeddings V2, $0.00002 and Cohere Embed v3 (English and Multilingual), $0.0001 per thousand
  //   input tokens on demand: the us-east-1 list of https://aws.amazon.com/bedrock/pricing/ as third-party copies of
  //   that page agree on (the page fills its tables in the browser, as above); EU regions may charge more.
  'openai/text-embedding-3-small': [0.02, 0],
  'bedrock/amazon.titan-embed-text-v2:0': [0.02, 0],
  'bedrock/cohere.embed-english-v3': [0.1, 0],
  'bedrock/cohere.embed-multilingual-v3': [0.1, 0],
};

const DEAREST: readonly [number, number] = [15, 75];

/** Price per million tokens of a provider's model (an endpoint is priced by the list of the API it speaks); the local answerer is free. */
export const priceOf = (provider: string, model: string): readonly [number, number] =>
  provider === LOCAL ? [0, 0] : (PRICES[`${isProvider(provider) ? PROVIDER_API[provider] : provider}/${provider === KEYLESS_PROVIDER ? foundationModelOf(model) : model}`] ?? DEAREST);

/** Cost in millionths of a dollar, rounded up. */
export const costMicros = (provider: string, model: string, usage: TokenUsage): number => {
  const [input, output] = priceOf(provider, model);
  return Math.ceil(usage.inputTokens * input + usage.outputTokens * output);
};

/** Cost in millionths of a dollar of embedding `tokens` input tokens with a provider's model; the local embedder is free. */
export const embeddingCostMicros = (provider: string, model: string, tokens: number): number =>
  costMicros(provider, model, { inputTokens: tokens, outputTokens: 0 });
