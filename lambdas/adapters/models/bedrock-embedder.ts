/**
 * The Bedrock embedder, through `InvokeModel` with the real SDK:
 * - Amazon Titan Text Embeddings V2 at 256, 512 or 1,024 dimensions. The model
 *   takes one text a request, so texts go in batches of concurrent requests.
 * - Cohere Embed v3 (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`),
 *   1,024 dimensions, up to 96 texts of at most 2,048 characters a request
 *   (`{"texts","input_type","truncate"}` → `{"embeddings":[[…]],"response_type":"embeddings_floats",…}`,
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html).
 *   Documents are embedded as `search_document` and questions as `search_query`,
 *   as Cohere asks for retrieval.
 * Texts keep their order. Throttling,
 * 5xxs, model timeouts and connection failures are retried here with
 * exponential backoff and jitter (the SDK's own retries are off), like the
 * OpenAI embedder; a refusal of the function's role is `ProviderRefusedKey`.
 * Every vector comes back unit length, in input order.
 *
 * What each request used is reported as it is answered: Titan's answer counts its
 * input (`inputTextTokenCount`); Cohere's answer body counts nothing, but Bedrock
 * sends the count in the `x-amzn-bedrock-input-token-count` response header, which
 * the SDK does not model (aws/aws-sdk-js-v3#5917, #8172), so it is read from the raw
 * response; where neither is there, the tokens are estimated from characters (4 a token).
 */
import { foundationModelOf } from '../../core/bedrock-models.ts';
import { ProviderRefusedKey } from '../../core/errors.ts';
import type { Embedder, EmbeddingTokens } from '../../core/ports.ts';
import { bedrockFailureKind, type OpenBedrock } from './bedrock-runtime.ts';
import { backoffMs, defaultSleep, estimateTokens, truncateToBudget } from './openai-embedder.ts';

/** Titan Text Embeddings V2, as Bedrock names it. */
export const TITAN_EMBED_TEXT_V2 = 'amazon.titan-embed-text-v2:0';

/** The sizes Titan V2 makes. */
export const TITAN_DIMENSIONS = [256, 512, 1024] as const;

/** Requests in flight at once: well under the default on-demand quota, and enough to keep ingestion moving. */
export const EMBED_CONCURRENCY = 8;

/** Cohere Embed v3 on Bedrock, as Bedrock names the two. */
export const COHERE_EMBED_MODELS = ['cohere.embed-english-v3', 'cohere.embed-multilingual-v3'] as const;

/** Cohere Embed v3's size. */
export const COHERE_DIMENSIONS = 1024;

/** Texts a Cohere request may carry, and characters a text may have (Bedrock refuses more). */
export const COHERE_MAX_TEXTS = 96;
export const COHERE_MAX_CHARS = 2048;

export interface BedrockEmbedderOptions {
  readonly open: OpenBedrock;
  /** Titan Text Embeddings V2 or one of {@link COHERE_EMBED_MODELS}. @default Titan V2 */
  readonly model?: string;
  /** One of {@link TITAN_DIMENSIONS} for Titan; {@link COHERE_DIMENSIONS} for Cohere. */
  readonly dimensions: number;
  /** What the texts are: Cohere embeds documents and questions differently (`search_document`, `search_query`). @default document */
  readonly input?: 'document' | 'query';
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

/** The response header in which Bedrock counts a call's input tokens. */
const INPUT_TOKEN_HEADER = 'x-amzn-bedrock-input-token-count';

/** A count of tokens, or undefined for anything that is not one. */
const tokenCount = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

const isNumbers = (value: unknown, length: number): value is number[] =>
  Array.isArray(value) && value.length === length && value.every((x) => typeof x === 'number');

/** A Cohere text cut to the characters Bedrock accepts, never inside a surrogate pair. */
const cohereText = (text: string): string => {
  const cut = text.slice(0, COHERE_MAX_CHARS);
  const last = cut.charCodeAt(cut.length - 1);
  return cut.length < text.length && last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
};

export const createBedrockEmbedder = (opts: BedrockEmbedderOptions): Embedder => {
  const { dimensions } = opts;
  const model = opts.model ?? TITAN_EMBED_TEXT_V2;
  // An approved ARN names its model at its end.
  const family = foundationModelOf(model);
  const cohere = (COHERE_EMBED_MODELS as readonly string[]).includes(family);
  if (!cohere && family !== TITAN_EMBED_TEXT_V2) throw new Error(`${model} is not an embedding model Parley calls on Bedrock.`);
  if (cohere && dimensions !== COHERE_DIMENSIONS) throw new Error(`Cohere Embed v3 makes ${COHERE_DIMENSIONS} dimensions, not ${dimensions}.`);
  if (!cohere && !(TITAN_DIMENSIONS as readonly number[]).includes(dimensions)) throw new Error(`Titan Text Embeddings V2 makes 256, 512 or 1024 dimensions, not ${dimensions}.`);
  const maxRetries = opts.maxRetries ?? 5;
  const sleep = opts.sleep ?? defaultSleep;

  /** One InvokeModel call, retried by the policy above; the parsed JSON answer, and the input tokens Bedrock's header counted. */
  const invoke = async (body: string): Promise<{ answer: Record<string, unknown>; counted: number | undefined }> => {
    const { sdk, client } = await opts.open();
    for (let attempt = 0; ; attempt++) {
      try {
        const command = new sdk.InvokeModelCommand({ modelId: model, contentType: 'application/json', accept: 'application/json', body });
        let counted: number | undefined;
        command.middlewareStack.add((next) => async (args) => {
          const result = await next(args);
          const header = (result.response as { headers?: Record<string, string | undefined> }).headers?.[INPUT_TOKEN_HEADER];
          counted = tokenCount(header === undefined ? undefined : Number(header));
          return result;
        }, { step: 'deserialize', name: 'parleyInputTokenCount' });
        const output = await client.send(command);
        return { answer: JSON.parse(new TextDecoder().decode(output.body)) as Record<string, unknown>, counted };
      } catch (error) {
        if (bedrockFailureKind(error) === 'auth') {
          throw new ProviderRefusedKey('bedrock', `Amazon Bedrock refused this deployment's call to ${model}: its role may not invoke the model, or model access is not enabled.`);
        }
        if (attempt >= maxRetries || !retryable(error)) throw error;
        await sleep(backoffMs(attempt));
      }
    }
  };

  const embedTitan = async (text: string, onTokens: EmbeddingTokens | undefined): Promise<Float32Array> => {
    // Titan refuses an empty text; a text without characters has no direction anyway.
    if (!text.trim()) return new Float32Array(dimensions);
    const inputText = truncateToBudget(text);
    const { answer, counted } = await invoke(JSON.stringify({ inputText, dimensions, normalize: true }));
    onTokens?.(tokenCount(answer.inputTextTokenCount) ?? counted ?? estimateTokens(inputText));
    const { embedding } = answer;
    if (!isNumbers(embedding, dimensions)) throw new Error(`Bedrock answered with an embedding that is not ${dimensions} numbers.`);
    return unit(embedding);
  };

  const embedCohere = async (texts: readonly string[], onTokens: EmbeddingTokens | undefined): Promise<Float32Array[]> => {
    // Blank texts are not sent (they have no direction); the rest keep their places.
    const sent = texts.map((t, i) => [i, t] as const).filter(([, t]) => t.trim());
    const vectors: Float32Array[] = texts.map(() => new Float32Array(dimensions));
    for (let i = 0; i < sent.length; i += COHERE_MAX_TEXTS) {
      const batch = sent.slice(i, i + COHERE_MAX_TEXTS);
      const sentTexts = batch.map(([, t]) => cohereText(t));
      const { answer, counted } = await invoke(JSON.stringify({
        texts: sentTexts,
        input_type: opts.input === 'query' ? 'search_query' : 'search_document',
        truncate: 'END',
      }));
      // Estimated from characters only when Bedrock's header is missing: Cohere's answer body has no count.
      onTokens?.(counted ?? sentTexts.reduce((n, t) => n + estimateTokens(t), 0));
      const { embeddings } = answer;
      if (!Array.isArray(embeddings) || embeddings.length !== batch.length || !embeddings.every((e) => isNumbers(e, dimensions))) {
        throw new Error(`Bedrock answered with embeddings that are not ${batch.length} times ${dimensions} numbers.`);
      }
      batch.forEach(([at], k) => (vectors[at] = unit(embeddings[k] as number[])));
    }
    return vectors;
  };

  return {
    model,
    dimensions,
    async embed(texts, onTokens) {
      if (cohere) return embedCohere(texts, onTokens);
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += EMBED_CONCURRENCY) {
        vectors.push(...(await Promise.all(texts.slice(i, i + EMBED_CONCURRENCY).map((t) => embedTitan(t, onTokens)))));
      }
      return vectors;
    },
  };
};
