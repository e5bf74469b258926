/**
 * A fake Amazon Bedrock runtime for tests: one loopback server speaking the
 * wire formats the real `@aws-sdk/client-bedrock-runtime` reads, so the Bedrock
 * adapters are tested through the SDK they ship with and no test calls AWS.
 *
 * It speaks HTTP/2 in clear text, as the SDK's default handler (`NodeHttp2Handler`)
 * does against an `http://` endpoint; the real service is HTTP/2 over TLS.
 *
 * - `POST /model/{modelId}/converse-stream` (ConverseStream, restJson1): the
 *   answer as `application/vnd.amazon.eventstream` frames (prelude, headers
 *   `:event-type`, `:message-type`, `:content-type`, CRC32s), encoded with
 *   `@smithy/core`'s `EventStreamCodec`: `messageStart`, `contentBlockDelta` (one
 *   word each, with the `p` padding field the service adds), `contentBlockStop`,
 *   `messageStop`, `metadata` (usage, latency). A failure midway is the
 *   `modelStreamErrorException` exception frame, as the service sends.
 * - `POST /model/{modelId}/invoke` for Titan Text Embeddings V2
 *   (`{"inputText","dimensions","normalize"}` → `{"embedding","inputTextTokenCount","embeddingsByType"}`),
 *   one text a request, as the model takes.
 * - `POST /model/{modelId}/invoke` for Cohere Embed v3 (`cohere.embed-english-v3`,
 *   `cohere.embed-multilingual-v3`): `{"texts","input_type","truncate"}` →
 *   `{"id","texts","embeddings":[[1024 numbers]…],"response_type":"embeddings_floats"}`,
 *   at most 96 texts of at most 2,048 characters, `input_type` required, vectors
 *   not of unit length (as the model's are not promised to be).
 * - Errors as restJson1 sends them: the status, `x-amzn-errortype:
 *   <Type>:http://internal.amazon.com/coral/com.amazon.bedrock/` and `{"message"}`
 *   (429 ThrottlingException, 400 ValidationException, 403 AccessDeniedException, …).
 *
 * Requests must carry a SigV4 `Authorization` header; the access key id it names
 * is recorded, and keys in `deniedAccessKeys` get the service's 403.
 * Tokens are counted as whitespace-separated words.
 */
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { createServer, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakeEmbedding } from './provider-server.ts';
import { receiveRequest } from './received-request.ts';

/** The embeddings model the fake serves, as Bedrock names it. */
export const TITAN_EMBED_V2 = 'amazon.titan-embed-text-v2:0';
const TITAN_DIMENSIONS = new Set([256, 512, 1024]);
/** Titan Text Embeddings V2 takes at most 50,000 characters (8,192 tokens). */
const TITAN_MAX_CHARS = 50_000;
/** The Cohere Embed v3 models the fake serves, and their limits on Bedrock. */
export const COHERE_EMBED_V3 = ['cohere.embed-english-v3', 'cohere.embed-multilingual-v3'] as const;
const COHERE_LIMITS = { texts: 96, chars: 2048, dimensions: 1024 } as const;
const COHERE_INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering']);

/** The errors the fake can answer with, by the type name the service gives them, and their status. */
export const BEDROCK_ERRORS = {
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ThrottlingException: 429,
  ServiceQuotaExceededException: 400,
  ModelTimeoutException: 408,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
} as const;

export type BedrockErrorType = keyof typeof BEDROCK_ERRORS;

const ERROR_MESSAGES: Readonly<Record<BedrockErrorType, string>> = {
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  UnrecognizedClientException: 'The security token included in the request is invalid.',
  ValidationException: 'The provided model identifier is invalid.',
  ResourceNotFoundException: 'Model not found.',
  ThrottlingException: 'Too many requests, please wait before trying again.',
  ServiceQuotaExceededException: 'Your request exceeds the service quota for your account.',
  ModelTimeoutException: 'Model has timed out in processing the request.',
  InternalServerException: 'The server encountered an internal error.',
  ServiceUnavailableException: 'Bedrock is unable to process your request.',
};

export type BedrockBehaviour =
  | {
      readonly kind: 'reply';
      /** The answer, streamed one word per `contentBlockDelta`. */
      readonly text: string;
      /** Pause before each delta. @default 0 */
      readonly delayMs?: number;
      /** Send this many deltas, then the `modelStreamErrorException` frame, and end. */
      readonly failAfterDeltas?: number;
      /** Send this many deltas, then end the stream without `messageStop` or `metadata`. */
      readonly cutAfterDeltas?: number;
    }
  | { readonly kind: 'error'; readonly type: BedrockErrorType; readonly message?: string }
  /** Never answer: the stream stays open until the client gives up or the server closes. */
  | { readonly kind: 'hang' };

export type BedrockEndpoint = 'converse-stream' | 'invoke';

export interface BedrockRequest {
  readonly endpoint: BedrockEndpoint | undefined;
  /** The `{modelId}` of the path, decoded (a model id, an inference profile id or an ARN). */
  readonly modelId: string;
  /** The access key id the SigV4 signature names; undefined when unsigned. */
  readonly accessKeyId: string | undefined;
  readonly body: unknown;
  /** Updated when the response ends; await {@link FakeBedrock.settled}. */
  outcome: 'completed' | 'disconnected' | 'pending';
}

export interface FakeBedrock {
  /** The endpoint to give the SDK (`endpoint`), e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly requests: BedrockRequest[];
  /** Access key ids answered with 403 UnrecognizedClientException; mutable. */
  readonly deniedAccessKeys: Set<string>;
  /** Queue a behaviour for the next `times` requests to an endpoint (default: converse-stream, once). */
  script(behaviour: BedrockBehaviour, options?: { times?: number; on?: BedrockEndpoint }): void;
  settled(request: BedrockRequest): Promise<'completed' | 'disconnected'>;
  reset(): void;
  close(): Promise<void>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const str = (value: string) => ({ type: 'string' as const, value });

/** One event frame of the ConverseStream output union. */
export const eventFrame = (eventType: string, payload: unknown): Uint8Array => codec.encode({
  headers: { ':event-type': str(eventType), ':message-type': str('event'), ':content-type': str('application/json') },
  body: fromUtf8(JSON.stringify(payload)),
});

/** One exception frame (a modelled error inside the stream, e.g. `modelStreamErrorException`). */
export const exceptionFrame = (exceptionType: string, message: string): Uint8Array => codec.encode({
  headers: { ':exception-type': str(exceptionType), ':message-type': str('exception'), ':content-type': str('application/json') },
  body: fromUtf8(JSON.stringify({ message })),
});

const countTokens = (text: string): number => text.split(/\s+/).filter(Boolean).length;
const words = (text: string): string[] => text.match(/\S+\s*/g) ?? [];

/** The padding the service adds to each delta so its size does not give the token away. */
const padding = (n: number): string => 'abcdefghijklmnopqrstuvwxyz'.slice(0, 1 + (n % 26));

/** `Credential=AKID/date/region/bedrock/aws4_request` → `AKID`. */
const accessKeyIdOf = (authorization: string | undefined): string | undefined =>
  /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];

const textOf = (content: unknown): string =>
  Array.isArray(content) ? content.map((b) => (typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : '')).join('') : '';

/** Start the fake on 127.0.0.1 at a random port. */
export async function startFakeBedrock(options: { deniedAccessKeys?: Iterable<string> } = {}): Promise<FakeBedrock> {
  const requests: BedrockRequest[] = [];
  const scripts: Array<{ behaviour: BedrockBehaviour; remaining: number; on: BedrockEndpoint }> = [];
  const outcomes = new WeakMap<BedrockRequest, Promise<'completed' | 'disconnected'>>();
  const open = new Set<Promise<unknown>>();
  const deniedAccessKeys = new Set(options.deniedAccessKeys ?? []);
  let sequence = 0;

  const take = (endpoint: BedrockEndpoint): BedrockBehaviour | undefined => {
    const index = scripts.findIndex((s) => s.on === endpoint);
    const script = scripts[index];
    if (!script) return undefined;
    if (--script.remaining <= 0) scripts.splice(index, 1);
    return script.behaviour;
  };

  const handle = async (req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> => {
    // Ended by the fake (not reset by the client first): `writableFinished` cannot tell them apart over HTTP/2.
    const received = await receiveRequest(req, res, { open, completed: () => res.writableEnded });
    const match = /^\/model\/([^/]+)\/(converse-stream|invoke)$/.exec(new URL(req.url, 'http://fake').pathname);
    const recorded = received.track<BedrockRequest>({
      endpoint: req.method === 'POST' ? (match?.[2] as BedrockEndpoint | undefined) : undefined,
      modelId: match ? decodeURIComponent(match[1]!) : '',
      accessKeyId: accessKeyIdOf(req.headers.authorization),
      body: received.body,
      outcome: 'pending',
    });
    requests.push(recorded);
    outcomes.set(recorded, received.outcome);
    const requestId = `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;

    const fail = (type: BedrockErrorType, message = ERROR_MESSAGES[type]): void => {
      res.writeHead(BEDROCK_ERRORS[type], {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      });
      res.end(JSON.stringify({ message }));
    };

    if (!recorded.endpoint) return fail('ResourceNotFoundException', 'Unknown operation.');
    if (!recorded.accessKeyId) return fail('AccessDeniedException', 'Missing Authentication Token');
    if (deniedAccessKeys.has(recorded.accessKeyId)) return fail('UnrecognizedClientException');
    if (typeof recorded.body !== 'object' || recorded.body === null) return fail('ValidationException', 'Malformed input request, please reformat your input and try again.');

    const behaviour = take(recorded.endpoint);
    if (behaviour?.kind === 'hang') return;
    if (behaviour?.kind === 'error') return fail(behaviour.type, behaviour.message);
    const body = recorded.body as Record<string, unknown>;

    if (recorded.endpoint === 'invoke' && (COHERE_EMBED_V3 as readonly string[]).includes(recorded.modelId)) {
      const { texts, input_type: inputType, truncate = 'NONE' } = body;
      if (!Array.isArray(texts) || texts.length > COHERE_LIMITS.texts || !texts.every((t) => typeof t === 'string')) {
        return fail('ValidationException', `Malformed input request: #/texts: expected maxItems: ${COHERE_LIMITS.texts}, actual: ${Array.isArray(texts) ? texts.length : 0}, please reformat your input and try again.`);
      }
      const tooLong = (texts).find((t) => t.length > COHERE_LIMITS.chars);
      if (tooLong !== undefined) return fail('ValidationException', `Malformed input request: #/texts: expected maxLength: ${COHERE_LIMITS.chars}, actual: ${tooLong.length}, please reformat your input and try again.`);
      if (typeof inputType !== 'string' || !COHERE_INPUT_TYPES.has(inputType)) {
        return fail('ValidationException', `Malformed input request: #/input_type: ${String(inputType)} is not a valid enum value, please reformat your input and try again.`);
      }
      if (truncate !== 'NONE' && truncate !== 'START' && truncate !== 'END') return fail('ValidationException', 'Malformed input request: #/truncate: not a valid enum value, please reformat your input and try again.');
      // Not of unit length, so a client that forgets to normalise is caught.
      const embeddings = (texts).map((t) => fakeEmbedding(t, COHERE_LIMITS.dimensions).map((x) => x * 2.5));
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-bedrock-input-token-count': String((texts).reduce((n, t) => n + countTokens(t), 0)) });
      res.end(JSON.stringify({ id: requestId, texts, embeddings, response_type: 'embeddings_floats' }));
      return;
    }

    if (recorded.endpoint === 'invoke') {
      if (recorded.modelId !== TITAN_EMBED_V2) return fail('ValidationException', 'The provided model identifier is invalid.');
      const { inputText, dimensions = 1024, normalize = true } = body;
      if (typeof inputText !== 'string' || inputText.length === 0 || inputText.length > TITAN_MAX_CHARS) {
        return fail('ValidationException', `Malformed input request: expected minLength: 1, actual: ${typeof inputText === 'string' ? inputText.length : 0}, please reformat your input and try again.`);
      }
      if (typeof dimensions !== 'number' || !TITAN_DIMENSIONS.has(dimensions)) {
        return fail('ValidationException', `Malformed input request: #/dimensions: ${String(dimensions)} is not a valid enum value, please reformat your input and try again.`);
      }
      const unit = fakeEmbedding(inputText, dimensions);
      // Unnormalised, Titan's vectors are longer than one; the fake scales them so `normalize` matters.
      const embedding = normalize === false ? unit.map((x) => x * 3) : unit;
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-bedrock-input-token-count': String(countTokens(inputText)) });
      res.end(JSON.stringify({ embedding, embeddingsByType: { float: embedding }, inputTextTokenCount: countTokens(inputText) }));
      return;
    }

    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
    const last = messages.at(-1);
    if (!last || last.role !== 'user') return fail('ValidationException', 'A conversation must start with a user message. Try again with a conversation that starts with a user message.');
    const system = Array.isArray(body.system) ? textOf(body.system) : '';
    const reply = behaviour?.kind === 'reply' ? behaviour.text : `Fake answer to: ${textOf(last.content)}`;
    const maxTokens = (body.inferenceConfig as { maxTokens?: unknown } | undefined)?.maxTokens;
    const deltas = words(reply).slice(0, typeof maxTokens === 'number' ? maxTokens : undefined);
    const inputTokens = countTokens(system) + messages.reduce((n, m) => n + countTokens(textOf(m.content)), 0);

    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
    const send = (frame: Uint8Array) => res.write(frame);
    send(eventFrame('messageStart', { p: padding(0), role: 'assistant' }));
    for (const [i, delta] of deltas.entries()) {
      if (behaviour?.kind === 'reply' && behaviour.failAfterDeltas === i) {
        send(exceptionFrame('modelStreamErrorException', 'The model stopped with an error while streaming.'));
        res.end();
        return;
      }
      if (behaviour?.kind === 'reply' && behaviour.cutAfterDeltas === i) {
        res.end();
        return;
      }
      if (behaviour?.kind === 'reply' && behaviour.delayMs) {
        try {
          await sleep(behaviour.delayMs, undefined, { signal: received.signal });
        } catch {
          return;
        }
      }
      if (received.signal.aborted) return;
      send(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: delta }, p: padding(i + 1) }));
    }
    send(eventFrame('contentBlockStop', { contentBlockIndex: 0, p: padding(1) }));
    send(eventFrame('messageStop', { p: padding(2), stopReason: deltas.length < words(reply).length ? 'max_tokens' : 'end_turn' }));
    send(eventFrame('metadata', { metrics: { latencyMs: 42 }, p: padding(3), usage: { inputTokens, outputTokens: deltas.length, totalTokens: inputTokens + deltas.length } }));
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.destroyed) return;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake bedrock failed: ${String(error)}`);
    });
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    deniedAccessKeys,
    script(behaviour, { times = 1, on = 'converse-stream' } = {}) {
      scripts.push({ behaviour, remaining: times, on });
    },
    settled(request) {
      const outcome = outcomes.get(request);
      if (!outcome) throw new Error('settled() takes a request from this fake’s `requests`');
      return outcome;
    },
    reset() {
      requests.length = 0;
      scripts.length = 0;
    },
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.destroy();
      await Promise.all([stopped, ...open]);
    },
  };
}
