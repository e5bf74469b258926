/**
 * The OpenAI embedder: `embeddings.create` through the real SDK, in batches the
 * API accepts (at most 2,048 inputs and ~300,000 tokens a request, no input
 * over 8,191 tokens), sent one after another. The SDK's own retries are off;
 * this adapter retries 429s, 5xxs and connection failures itself with
 * exponential backoff and jitter, honouring `retry-after`, so the policy is
 * explicit and testable. Every vector comes back unit length, in input order.
 * Each answered request's `usage.prompt_tokens` is reported as it comes (an
 * OpenAI-compatible endpoint that sends no usage is estimated from characters).
 */
import type OpenAI from 'openai';
import { OPENAI_EMBEDDING_MODEL } from '../../core/embedding.ts';
import { ProviderRefusedKey } from '../../core/errors.ts';
import type { Embedder, EmbeddingTokens } from '../../core/ports.ts';
import { loadOpenAi } from './provider-sdks.ts';

export { OPENAI_EMBEDDING_MODEL };
export const OPENAI_EMBEDDING_DIMENSIONS = 512;

/** The API's limits, with tokens estimated as ceil(chars / 4). */
export const MAX_INPUTS_PER_REQUEST = 2_048;
export const MAX_TOKENS_PER_REQUEST = 300_000;
export const MAX_TOKENS_PER_INPUT = 8_191;
const CHARS_PER_TOKEN = 4;

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** Longest `retry-after` honoured; a provider asking for more is waited on for this long. */
const MAX_RETRY_AFTER_MS = 60_000;
const REQUEST_TIMEOUT_MS = 60_000;

export interface OpenAiEmbedderOptions {
  readonly apiKey: string;
  readonly baseUrl?: string | undefined;
  /** @default 'text-embedding-3-small' */
  readonly model?: string;
  /** @default 512 */
  readonly dimensions?: number;
  readonly fetch?: typeof fetch;
  /** Retries after the first attempt. @default 5 */
  readonly maxRetries?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/** Cut a text to the per-input token budget, never splitting a surrogate pair. */
export const truncateToBudget = (text: string): string => {
  const maxChars = MAX_TOKENS_PER_INPUT * CHARS_PER_TOKEN;
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
};

/** Group (already truncated) texts into request-sized batches, in order. */
export const planBatches = (texts: readonly string[]): string[][] => {
  const batches: string[][] = [];
  let current: string[] = [];
  let tokens = 0;
  for (const text of texts) {
    const t = estimateTokens(text);
    if (current.length > 0 && (current.length >= MAX_INPUTS_PER_REQUEST || tokens + t > MAX_TOKENS_PER_REQUEST)) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(text);
    tokens += t;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

const unit = (values: readonly number[]): Float32Array => {
  let norm = 0;
  for (const x of values) norm += x * x;
  norm = Math.sqrt(norm);
  const v = new Float32Array(values.length);
  // A zero (or non-finite) vector stays all zeros rather than turning into NaNs.
  if (!(norm > 0) || !Number.isFinite(norm)) return v;
  for (let i = 0; i < values.length; i++) v[i] = values[i]! / norm;
  return v;
};

const isRetryable = (Sdk: typeof OpenAI, err: unknown): boolean => {
  if (err instanceof Sdk.APIConnectionError) return true;
  if (err instanceof Sdk.APIUserAbortError) return false;
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && (status === 408 || status === 429 || status >= 500);
};

/** `retry-after` in milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
const retryAfterMs = (err: unknown): number | undefined => {
  const headers = (err as { headers?: unknown } | null)?.headers;
  const value = headers instanceof Headers ? headers.get('retry-after') : null;
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
};

/** Exponential backoff with equal jitter: half the step fixed, half random. */
export const backoffMs = (attempt: number): number => {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return step / 2 + Math.random() * (step / 2);
};

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const createOpenAiEmbedder = (opts: OpenAiEmbedderOptions): Embedder => {
  const model = opts.model ?? OPENAI_EMBEDDING_MODEL;
  const dimensions = opts.dimensions ?? OPENAI_EMBEDDING_DIMENSIONS;
  const maxRetries = opts.maxRetries ?? 5;
  const sleep = opts.sleep ?? defaultSleep;
  // Built on the first call: the SDK is loaded only then.
  let sdk: { Sdk: typeof OpenAI; client: OpenAI } | undefined;
  const open = async () => {
    if (sdk) return sdk;
    const Sdk = await loadOpenAi();
    const client = new Sdk({
      apiKey: opts.apiKey,
      baseURL: opts.baseUrl ?? null,
      maxRetries: 0,
      timeout: REQUEST_TIMEOUT_MS,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    return (sdk ??= { Sdk, client });
  };

  const request = async (input: string[]) => {
    const { Sdk, client } = await open();
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.embeddings.create({ model, input, dimensions, encoding_format: 'float' });
      } catch (err) {
        if (err instanceof Sdk.AuthenticationError || err instanceof Sdk.PermissionDeniedError) {
          throw new ProviderRefusedKey('openai', `OpenAI refused the key (${err.status}).`);
        }
        if (attempt >= maxRetries || !isRetryable(Sdk, err)) throw err;
        await sleep(retryAfterMs(err) ?? backoffMs(attempt));
      }
    }
  };

  const embedBatch = async (input: string[], onTokens: EmbeddingTokens | undefined): Promise<Float32Array[]> => {
    const response = await request(input);
    // Paid for once answered, whatever the checks below find.
    const counted = (response.usage as { prompt_tokens?: unknown } | undefined)?.prompt_tokens;
    onTokens?.(typeof counted === 'number' && counted >= 0 ? counted : input.reduce((n, t) => n + estimateTokens(t), 0));
    const out = new Array<Float32Array | undefined>(input.length);
    for (const item of response.data) {
      if (!Number.isInteger(item.index) || item.index < 0 || item.index >= input.length || out[item.index]) {
        throw new Error(`The embeddings API answered with an unexpected index ${item.index}.`);
      }
      if (item.embedding.length !== dimensions) {
        throw new Error(`The embeddings API answered with ${item.embedding.length} dimensions, not ${dimensions}.`);
      }
      out[item.index] = unit(item.embedding);
    }
    return out.map((v, i) => {
      if (!v) throw new Error(`The embeddings API sent no vector for input ${i}.`);
      return v;
    });
  };

  return {
    model,
    dimensions,
    async embed(texts, onTokens) {
      const vectors: Float32Array[] = [];
      for (const batch of planBatches(texts.map(truncateToBudget))) vectors.push(...(await embedBatch(batch, onTokens)));
      return vectors;
    },
  };
};
