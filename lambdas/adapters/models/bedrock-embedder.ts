/**
 * The Bedrock embedder: Amazon Titan Text Embeddings V2 through `InvokeModel`
 * with the real SDK, at 256, 512 or 1,024 dimensions. The model takes one text a
 * request, so texts go in batches of concurrent requests, in order. Throttling,
 * 5xxs, model timeouts and connection failures are retried here with
 * exponential backoff and jitter (the SDK's own retries are off), like the
 * OpenAI embedder; a refusal of the function's role is `ProviderRefusedKey`.
 * Every vector comes back unit length, in input order.
 */
import { ProviderRefusedKey } from '../../core/errors.ts';
import type { Embedder } from '../../core/ports.ts';
import { bedrockFailureKind, type OpenBedrock } from './bedrock-runtime.ts';
import { backoffMs, defaultSleep, truncateToBudget } from './openai-embedder.ts';

/** Titan Text Embeddings V2, as Bedrock names it. */
export const TITAN_EMBED_TEXT_V2 = 'amazon.titan-embed-text-v2:0';

/** The sizes Titan V2 makes. */
export const TITAN_DIMENSIONS = [256, 512, 1024] as const;

/** Requests in flight at once: well under the default on-demand quota, and enough to keep ingestion moving. */
export const EMBED_CONCURRENCY = 8;

export interface BedrockEmbedderOptions {
  readonly open: OpenBedrock;
  /** One of {@link TITAN_DIMENSIONS}. */
  readonly dimensions: number;
  /** Retries after the first attempt. @default 5 */
  readonly maxRetries?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const unit = (values: readonly number[]): Float32Array => {
  const v = Float32Array.from(values);
  const norm = Math.hypot(...v);
  // A zero (or non-finite) vector stays all zeros rather than turning into NaNs.
  if (!(norm > 0) || !Number.isFinite(norm)) return new Float32Array(values.length);
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
};

/** A failure that may pass: throttling, the service's or the model's trouble, or the network's (a system error code, a timeout). */
const retryable = (error: unknown): boolean => {
  const kind = bedrockFailureKind(error);
  const e = error as { name?: unknown; code?: unknown };
  if (kind === undefined) return typeof e.code === 'string' || e.name === 'TimeoutError';
  // A quota that is used up does not come back in seconds; throttling does.
  return kind === 'unavailable' || kind === 'timeout' || (kind === 'rate_limited' && e.name === 'ThrottlingException');
};

export const createBedrockEmbedder = (opts: BedrockEmbedderOptions): Embedder => {
  const { dimensions } = opts;
  if (!(TITAN_DIMENSIONS as readonly number[]).includes(dimensions)) throw new Error(`Titan Text Embeddings V2 makes 256, 512 or 1024 dimensions, not ${dimensions}.`);
  const maxRetries = opts.maxRetries ?? 5;
  const sleep = opts.sleep ?? defaultSleep;

  const embedOne = async (text: string): Promise<Float32Array> => {
    // Titan refuses an empty text; a text without characters has no direction anyway.
    if (!text.trim()) return new Float32Array(dimensions);
    const { sdk, client } = await opts.open();
    const body = JSON.stringify({ inputText: truncateToBudget(text), dimensions, normalize: true });
    for (let attempt = 0; ; attempt++) {
      try {
        const output = await client.send(new sdk.InvokeModelCommand({ modelId: TITAN_EMBED_TEXT_V2, contentType: 'application/json', accept: 'application/json', body }));
        const { embedding } = JSON.parse(new TextDecoder().decode(output.body)) as { embedding?: unknown };
        if (!Array.isArray(embedding) || embedding.length !== dimensions || !embedding.every((x) => typeof x === 'number')) {
          throw new Error(`Bedrock answered with an embedding that is not ${dimensions} numbers.`);
        }
        return unit(embedding);
      } catch (error) {
        if (bedrockFailureKind(error) === 'auth') {
          throw new ProviderRefusedKey('bedrock', `Amazon Bedrock refused this deployment's call to ${TITAN_EMBED_TEXT_V2}: its role may not invoke the model, or model access is not enabled.`);
        }
        if (attempt >= maxRetries || !retryable(error)) throw error;
        await sleep(backoffMs(attempt));
      }
    }
  };

  return {
    model: TITAN_EMBED_TEXT_V2,
    dimensions,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += EMBED_CONCURRENCY) {
        vectors.push(...(await Promise.all(texts.slice(i, i + EMBED_CONCURRENCY).map(embedOne))));
      }
      return vectors;
    },
  };
};
