/**
 * A fake model provider for tests: one loopback HTTP server that speaks the
 * OpenAI and Anthropic wire formats closely enough for their real SDKs to run
 * against it, so adapters are tested through the SDKs they ship with and no
 * test ever calls a real provider.
 *
 * OpenAI is mounted at `/openai` (point the SDK's `baseURL` at
 * {@link FakeProvider.openaiBaseUrl}), Anthropic at `/anthropic`
 * ({@link FakeProvider.anthropicBaseUrl}); both answer `GET /v1/models`, and
 * the prefix is what keeps the two apart.
 *
 * Keys: OpenAI reads `Authorization: Bearer`; Anthropic reads `x-api-key` or, as
 * `@anthropic-ai/sdk` v1 sends it, `Authorization: Bearer`, and requires an
 * `anthropic-version` header.
 *
 * Tokens are counted as whitespace-separated words, and a streamed reply sends
 * one delta per word, so tests can compute the usage they expect.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { receiveRequest, type RequestOutcome } from './received-request.ts';

export type { RequestOutcome } from './received-request.ts';

export type Provider = 'openai' | 'anthropic';

/** The routes the fake serves, named `<provider>.<resource>`. */
export type Endpoint = 'openai.chat' | 'openai.embeddings' | 'openai.models' | 'anthropic.messages' | 'anthropic.models';

/** What the fake does with a request that a script matches. */
export type Behaviour =
  | {
      readonly kind: 'reply';
      /** The model's answer; streamed one word per delta. Ignored by embeddings and models, which answer as usual. */
      readonly text: string;
      /** Pause before each streamed delta, or once before a non-streamed answer. @default 0 */
      readonly delayMs?: number;
      /** Send this many deltas, then keep the connection open without sending more (a non-streamed request gets no answer). */
      readonly stallAfterDeltas?: number;
      /**
       * Send this many deltas, then the provider's mid-stream error (OpenAI `server_error`, Anthropic
       * `overloaded_error`) and end the stream; a non-streamed request gets that error as a 500 / 529.
       */
      readonly failAfterDeltas?: number;
    }
  | {
      readonly kind: 'error';
      /** HTTP status; the body takes the provider's error shape and type for it (e.g. 529 → `overloaded_error`). */
      readonly status: number;
      /** @default a message like the provider's own */
      readonly message?: string;
      /** Sent as `retry-after`. @default 1 for a 429, none otherwise */
      readonly retryAfterSeconds?: number;
    }
  | {
      /** Never answer: the request stays open until the client gives up or the server closes. */
      readonly kind: 'hang';
    };

export interface ScriptOptions {
  /** How many matching requests the behaviour answers; `Infinity` keeps it until {@link FakeProvider.reset}. @default 1 */
  readonly times?: number;
  /** Which endpoints it answers. @default ['openai.chat', 'anthropic.messages'] */
  readonly on?: Endpoint | readonly Endpoint[];
}

export interface RecordedRequest {
  /** `undefined` when the path is under neither provider's mount. */
  readonly provider: Provider | undefined;
  /** `undefined` for a path the provider does not serve (answered 404). */
  readonly endpoint: Endpoint | undefined;
  readonly method: string;
  /** The path as the provider would see it, without the fake's mount prefix, e.g. `/v1/messages`. */
  readonly path: string;
  /** Lower-cased request headers; `authorization` and `x-api-key` values are masked. */
  readonly headers: Readonly<Record<string, string>>;
  /** The key the client presented: `Authorization: Bearer`, or for Anthropic `x-api-key` (preferred) or `Authorization: Bearer`. */
  readonly apiKey: string | undefined;
  /** The body parsed as JSON, the raw text if it is not JSON, or `undefined` if empty. */
  readonly body: unknown;
  /** Updated in place when the response ends; await {@link FakeProvider.settled} to wait for it. */
  outcome: RequestOutcome | 'pending';
}

export interface FakeProviderOptions {
  /** Keys that get each provider's real 401; every other key is accepted. */
  readonly invalidKeys?: Iterable<string>;
}

export interface FakeProvider {
  /** Origin of the server, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** `baseURL` for the `openai` SDK (ends in `/v1`, as the SDK expects). */
  readonly openaiBaseUrl: string;
  /** `baseURL` for `@anthropic-ai/sdk` (the SDK adds `/v1` itself). */
  readonly anthropicBaseUrl: string;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Keys answered with 401; mutable, so a test can revoke a key mid-way. */
  readonly invalidKeys: Set<string>;
  /** Queue a behaviour; the oldest script matching a request's endpoint answers it. */
  script(behaviour: Behaviour, options?: ScriptOptions): void;
  /** Resolves when the request's response has ended, with how it ended. */
  settled(request: RecordedRequest): Promise<RequestOutcome>;
  /** Forget recorded requests (emptying the same array) and pending scripts. */
  reset(): void;
  /** Stop listening and destroy every open connection, hanging ones included; resolves once every request has settled. */
  close(): Promise<void>;
}

/** The reply to a chat request when nothing is scripted. */
export function defaultReply(lastUserMessage: string): string {
  return `Fake answer to: ${lastUserMessage}`;
}

/** Models listed by `GET /v1/models`. */
export const fakeModels = {
  openai: ['gpt-4o-mini', 'gpt-4.1-mini', 'text-embedding-3-small', 'text-embedding-3-large'],
  anthropic: ['claude-haiku-4-5', 'claude-sonnet-4-5'],
} as const;

const generationEndpoints: readonly Endpoint[] = ['openai.chat', 'anthropic.messages'];

interface Script {
  readonly behaviour: Behaviour;
  readonly on: readonly Endpoint[];
  remaining: number;
}

/** Start a fake provider on 127.0.0.1 at a random port. */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const scripts: Script[] = [];
  const outcomes = new WeakMap<RecordedRequest, Promise<RequestOutcome>>();
  const open = new Set<Promise<unknown>>();
  const invalidKeys = new Set(options.invalidKeys ?? []);
  let sequence = 0;

  function takeScript(endpoint: Endpoint): Behaviour | undefined {
    const index = scripts.findIndex((s) => s.on.includes(endpoint));
    const script = scripts[index];
    if (!script) return undefined;
    script.remaining -= 1;
    if (script.remaining <= 0) scripts.splice(index, 1);
    return script.behaviour;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { provider, endpoint, path } = route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://fake').pathname);
    const received = await receiveRequest(req, res, { open, completed: () => res.writableFinished });
    // Anthropic takes `x-api-key`; its SDK since v1 sends the key as `Authorization: Bearer` instead.
    const bearer = bearerToken(req.headers.authorization);
    const apiKey = provider === 'anthropic' ? (header(req, 'x-api-key') ?? bearer) : bearer;
    const recorded = received.track<RecordedRequest>({
      provider, endpoint, path, apiKey,
      method: req.method ?? 'GET',
      headers: maskedHeaders(req),
      body: received.body,
      outcome: 'pending',
    });
    requests.push(recorded);
    outcomes.set(recorded, received.outcome);

    sequence += 1;
    const ctx: Context = { res, provider: provider ?? 'openai', requestId: `req_fake${sequence}`, id: sequence, signal: received.signal };
    if (!provider) return sendJson(ctx, 404, { error: { message: `No fake provider at ${path}` } });

    if (provider === 'openai') {
      if (!apiKey) return sendError(ctx, 401, openaiMissingKeyMessage, 'missing');
      if (invalidKeys.has(apiKey)) return sendError(ctx, 401, `Incorrect API key provided: ${maskKey(apiKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_api_key');
    } else {
      if (!apiKey) return sendError(ctx, 401, 'x-api-key or Authorization header is required');
      if (invalidKeys.has(apiKey)) return sendError(ctx, 401, 'invalid x-api-key');
      if (!header(req, 'anthropic-version')) return sendError(ctx, 400, 'anthropic-version: header is required');
    }
    if (!endpoint) {
      return provider === 'openai'
        ? sendError(ctx, 404, `Invalid URL (${recorded.method} ${path})`)
        : sendError(ctx, 404, 'Not Found');
    }
    if (typeof recorded.body === 'string') return sendError(ctx, 400, 'The request body is not valid JSON.');

    const behaviour = takeScript(endpoint);
    if (behaviour?.kind === 'hang') return;
    if (behaviour?.kind === 'error') {
      const retryAfter = behaviour.retryAfterSeconds ?? (behaviour.status === 429 ? 1 : undefined);
      return sendError(ctx, behaviour.status, behaviour.message, undefined, retryAfter);
    }
    if (behaviour?.kind === 'reply' && behaviour.delayMs && !isStream(recorded.body)) {
      if (!(await pause(behaviour.delayMs, ctx.signal))) return;
    }

    const body = asRecord(recorded.body);
    switch (endpoint) {
      case 'openai.chat': return answerOpenAIChat(ctx, body, behaviour);
      case 'anthropic.messages': return answerAnthropicMessages(ctx, body, behaviour);
      case 'openai.embeddings': return answerEmbeddings(ctx, body);
      case 'openai.models': return answerModels(ctx, path);
      case 'anthropic.models': return answerModels(ctx, path);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.destroyed) return;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake provider failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/openai/v1`,
    anthropicBaseUrl: `${url}/anthropic`,
    requests,
    invalidKeys,
    script(behaviour, { times = 1, on = generationEndpoints } = {}) {
      scripts.push({ behaviour, remaining: times, on: typeof on === 'string' ? [on] : on });
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
      const stopped = new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
      server.closeAllConnections();
      await Promise.all([stopped, ...open]);
    },
  };
}

// ---------------------------------------------------------------------------
// Routing and requests

function route(method: string, fullPath: string): { provider: Provider | undefined; endpoint: Endpoint | undefined; path: string } {
  const mount = /^\/(openai|anthropic)(\/.*)?$/.exec(fullPath);
  if (!mount) return { provider: undefined, endpoint: undefined, path: fullPath };
  const provider = mount[1] as Provider;
  const path = mount[2] ?? '/';
  let endpoint: Endpoint | undefined;
  if (method === 'GET' && /^\/v1\/models(\/[^/]+)?$/.test(path)) endpoint = `${provider}.models`;
  else if (method === 'POST' && provider === 'openai' && path === '/v1/chat/completions') endpoint = 'openai.chat';
  else if (method === 'POST' && provider === 'openai' && path === '/v1/embeddings') endpoint = 'openai.embeddings';
  else if (method === 'POST' && provider === 'anthropic' && path === '/v1/messages') endpoint = 'anthropic.messages';
  return { provider, endpoint, path };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
}

function maskedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(req.headers)) headers[name] = header(req, name) ?? '';
  if (headers.authorization !== undefined) headers.authorization = headers.authorization.replace(/^(Bearer )?.*$/i, '$1[masked]');
  if (headers['x-api-key'] !== undefined) headers['x-api-key'] = '[masked]';
  return headers;
}

/** Like OpenAI's own: the first three and last four characters. */
function maskKey(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function isStream(body: unknown): boolean {
  return asRecord(body).stream === true;
}

/** Resolves true after `ms`, or false as soon as the connection closes. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function untilClosed(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

// ---------------------------------------------------------------------------
// Responses

interface Context {
  readonly res: ServerResponse;
  readonly provider: Provider;
  readonly requestId: string;
  readonly id: number;
  readonly signal: AbortSignal;
}

function requestIdHeader(ctx: Context): Record<string, string> {
  return ctx.provider === 'openai' ? { 'x-request-id': ctx.requestId } : { 'request-id': ctx.requestId };
}

function sendJson(ctx: Context, status: number, body: unknown, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { 'content-type': 'application/json', ...requestIdHeader(ctx), ...headers });
  ctx.res.end(JSON.stringify(body));
}

const openaiMissingKeyMessage =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.";

const anthropicErrorTypes: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error',
  504: 'timeout_error', 529: 'overloaded_error',
};

const anthropicErrorMessages: Record<string, string> = {
  rate_limit_error: 'Number of requests has exceeded your rate limit. Please try again later.',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
};

function openaiErrorBody(status: number, message: string | undefined, code?: string): unknown {
  if (status === 429) {
    return { error: { message: message ?? 'Rate limit reached for requests. Please try again in 1s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
  }
  if (status >= 500) {
    return { error: { message: message ?? 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } };
  }
  const defaultCode = status === 401 ? 'invalid_api_key' : null;
  return {
    error: {
      message: message ?? `Fake error ${status}`,
      type: 'invalid_request_error',
      param: null,
      code: code === 'missing' ? null : (code ?? defaultCode),
    },
  };
}

function anthropicErrorBody(status: number, message: string | undefined, requestId: string): unknown {
  const type = anthropicErrorTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: message ?? anthropicErrorMessages[type] ?? `Fake error ${status}` }, request_id: requestId };
}

/** An HTTP error in the provider's own shape. `code` is OpenAI's (`'missing'` for none). */
function sendError(ctx: Context, status: number, message?: string, code?: string, retryAfterSeconds?: number): void {
  const body = ctx.provider === 'openai' ? openaiErrorBody(status, message, code) : anthropicErrorBody(status, message, ctx.requestId);
  sendJson(ctx, status, body, retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) });
}

function startEventStream(ctx: Context): void {
  ctx.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...requestIdHeader(ctx) });
  ctx.res.flushHeaders();
}

function writeEvent(ctx: Context, event: string | undefined, data: unknown): void {
  if (ctx.res.destroyed) return;
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  ctx.res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
}

// ---------------------------------------------------------------------------
// Generation

function countTokens(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** One delta per word, leading whitespace attached, so the deltas join back to the text. */
function splitDeltas(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Text of a message `content`: a string, or an array of parts/blocks with `text`. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => asRecord(part).text).filter((t): t is string => typeof t === 'string').join(' ');
}

interface Plan {
  readonly deltas: string[];
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly truncated: boolean;
  readonly delayMs: number;
  readonly stallAfter: number | undefined;
  readonly failAfter: number | undefined;
}

/** What to answer: the scripted or default text, cut to the token limit. */
function plan(messages: unknown, system: unknown, maxTokens: unknown, behaviour: Behaviour | undefined): Plan {
  const list = Array.isArray(messages) ? messages.map(asRecord) : [];
  const lastUser = list.filter((m) => m.role === 'user').at(-1);
  const reply = behaviour?.kind === 'reply' ? behaviour : undefined;
  const full = reply?.text ?? defaultReply(contentText(lastUser?.content));
  const prompt = [contentText(system), ...list.map((m) => contentText(m.content))].join(' ');
  let deltas = splitDeltas(full);
  const limit = typeof maxTokens === 'number' ? maxTokens : Infinity;
  const truncated = countTokens(full) > limit;
  if (truncated) deltas = deltas.slice(0, limit);
  const text = deltas.join('');
  return {
    deltas, text, truncated,
    inputTokens: countTokens(prompt),
    outputTokens: countTokens(text),
    delayMs: reply?.delayMs ?? 0,
    stallAfter: reply?.stallAfterDeltas,
    failAfter: reply?.failAfterDeltas,
  };
}

/**
 * Walk the deltas with pacing, stalls and failures; `emit` sends one delta, `fail` the mid-stream error.
 * Resolves true when every delta went out and the stream should be finished normally.
 */
async function streamDeltas(ctx: Context, p: Plan, emit: (delta: string) => void, fail: () => void): Promise<boolean> {
  for (let i = 0; i <= p.deltas.length; i++) {
    if (i === p.stallAfter) {
      await untilClosed(ctx.signal);
      return false;
    }
    if (i === p.failAfter) {
      fail();
      ctx.res.end();
      return false;
    }
    const delta = p.deltas[i];
    if (delta === undefined) break;
    if (!(await pause(p.delayMs, ctx.signal))) return false;
    emit(delta);
  }
  return !ctx.signal.aborted;
}

async function answerOpenAIChat(ctx: Context, body: Record<string, unknown>, behaviour: Behaviour | undefined): Promise<void> {
  if (typeof body.model !== 'string') return sendError(ctx, 400, 'you must provide a model parameter');
  if (!Array.isArray(body.messages)) return sendError(ctx, 400, "Missing required parameter: 'messages'.");
  const p = plan(body.messages, undefined, body.max_completion_tokens ?? body.max_tokens, behaviour);
  const finishReason = p.truncated ? 'length' : 'stop';
  const usage = {
    prompt_tokens: p.inputTokens,
    completion_tokens: p.outputTokens,
    total_tokens: p.inputTokens + p.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const head = { id: `chatcmpl-fake${ctx.id}`, created: Math.floor(Date.now() / 1000), model: body.model, service_tier: 'default', system_fingerprint: 'fp_fake' };

  if (!isStream(body)) {
    if (p.stallAfter !== undefined) return;
    if (p.failAfter !== undefined) return sendError(ctx, 500);
    return sendJson(ctx, 200, {
      ...head,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: p.text, refusal: null, annotations: [] }, logprobs: null, finish_reason: finishReason }],
      usage,
    });
  }

  const includeUsage = asRecord(body.stream_options).include_usage === true;
  const chunk = (choices: unknown[], chunkUsage: unknown = null): unknown =>
    ({ ...head, object: 'chat.completion.chunk', choices, ...(includeUsage ? { usage: chunkUsage } : {}) });
  const choice = (delta: unknown, finish: string | null = null): unknown => ({ index: 0, delta, logprobs: null, finish_reason: finish });

  startEventStream(ctx);
  writeEvent(ctx, undefined, chunk([choice({ role: 'assistant', content: '', refusal: null })]));
  const finished = await streamDeltas(ctx, p,
    (delta) => writeEvent(ctx, undefined, chunk([choice({ content: delta })])),
    () => writeEvent(ctx, undefined, openaiErrorBody(500, undefined)));
  if (!finished) return;
  writeEvent(ctx, undefined, chunk([choice({}, finishReason)]));
  if (includeUsage) writeEvent(ctx, undefined, chunk([], usage));
  writeEvent(ctx, undefined, '[DONE]');
  ctx.res.end();
}

async function answerAnthropicMessages(ctx: Context, body: Record<string, unknown>, behaviour: Behaviour | undefined): Promise<void> {
  if (typeof body.model !== 'string') return sendError(ctx, 400, 'model: Field required');
  if (typeof body.max_tokens !== 'number') return sendError(ctx, 400, 'max_tokens: Field required');
  if (!Array.isArray(body.messages)) return sendError(ctx, 400, 'messages: Field required');
  const p = plan(body.messages, body.system, body.max_tokens, behaviour);
  const stopReason = p.truncated ? 'max_tokens' : 'end_turn';
  const usage = (outputTokens: number): unknown => ({
    input_tokens: p.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  });
  const message = (content: unknown[], stop: string | null, outputTokens: number): unknown => ({
    id: `msg_fake${ctx.id}`, type: 'message', role: 'assistant', model: body.model, content,
    stop_reason: stop, stop_sequence: null, stop_details: null, container: null, usage: usage(outputTokens),
  });

  if (!isStream(body)) {
    if (p.stallAfter !== undefined) return;
    if (p.failAfter !== undefined) return sendError(ctx, 529);
    return sendJson(ctx, 200, message([{ type: 'text', text: p.text, citations: null }], stopReason, p.outputTokens));
  }

  const send = (type: string, data: Record<string, unknown> = {}): void => writeEvent(ctx, type, { type, ...data });
  startEventStream(ctx);
  send('message_start', { message: message([], null, 1) });
  send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  send('ping');
  const finished = await streamDeltas(ctx, p,
    (text) => send('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    () => writeEvent(ctx, 'error', anthropicErrorBody(529, undefined, ctx.requestId)));
  if (!finished) return;
  send('content_block_stop', { index: 0 });
  send('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { input_tokens: p.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: p.outputTokens },
  });
  send('message_stop');
  ctx.res.end();
}

// ---------------------------------------------------------------------------
// Embeddings and models

/**
 * A deterministic unit vector: each word adds a pseudo-random vector seeded by its hash, so equal
 * texts embed equally and texts sharing words come out closer. Values are float32, so the float and
 * base64 encodings decode to the same numbers.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [text];
  const sum = new Array<number>(dimensions).fill(0);
  for (const word of words) {
    let state = fnv1a(word);
    for (let i = 0; i < dimensions; i++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      sum[i] = (sum[i] ?? 0) + ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
    }
  }
  const norm = Math.hypot(...sum) || 1;
  return sum.map((x) => Math.fround(x / norm));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function toBase64Floats(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => buffer.writeFloatLE(x, i * 4));
  return buffer.toString('base64');
}

/** OpenAI's `input`: a string, strings, a token array or token arrays (tokens embed as their numbers' text). */
function embeddingInputs(input: unknown): string[] | undefined {
  const items: unknown[] = typeof input === 'string' ? [input] : Array.isArray(input) ? input : [];
  if (items.length > 0 && items.every((item) => typeof item === 'number')) return [items.join(' ')];
  const texts = items.map((item) => (typeof item === 'string' ? item : Array.isArray(item) ? item.join(' ') : ''));
  return texts.length > 0 && !texts.includes('') ? texts : undefined;
}

function answerEmbeddings(ctx: Context, body: Record<string, unknown>): void {
  if (typeof body.model !== 'string') return sendError(ctx, 400, 'you must provide a model parameter');
  const texts = embeddingInputs(body.input);
  if (!texts) {
    return sendError(ctx, 400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
  }
  const dimensions = body.dimensions ?? (body.model === 'text-embedding-3-large' ? 3072 : 1536);
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
    return sendError(ctx, 400, 'Invalid value for dimensions: must be a positive integer.');
  }
  const base64 = body.encoding_format === 'base64';
  sendJson(ctx, 200, {
    object: 'list',
    data: texts.map((text, index) => {
      const vector = fakeEmbedding(text, dimensions);
      return { object: 'embedding', index, embedding: base64 ? toBase64Floats(vector) : vector };
    }),
    model: body.model,
    usage: { prompt_tokens: countTokens(texts.join(' ')), total_tokens: countTokens(texts.join(' ')) },
  });
}

function answerModels(ctx: Context, path: string): void {
  const ids: readonly string[] = fakeModels[ctx.provider];
  const one = /^\/v1\/models\/([^/]+)$/.exec(path)?.[1];
  const describe = (id: string): unknown =>
    ctx.provider === 'openai'
      ? { id, object: 'model', created: 1_700_000_000, owned_by: 'system' }
      : { type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' };
  if (one !== undefined) {
    const id = decodeURIComponent(one);
    if (!ids.includes(id)) {
      return sendError(ctx, 404, ctx.provider === 'openai' ? `The model '${id}' does not exist` : `model: ${id}`, 'model_not_found');
    }
    return sendJson(ctx, 200, describe(id));
  }
  if (ctx.provider === 'openai') return sendJson(ctx, 200, { object: 'list', data: ids.map(describe) });
  sendJson(ctx, 200, { data: ids.map(describe), has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null });
}
