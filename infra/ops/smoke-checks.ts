/**
 * The checks behind `npm run smoke`, run against a deployed stack (or the local
 * platform) the way a visitor's browser and the admin panel reach it: widget.js,
 * the panel's config.json, a visitor session for a bot, and a streamed answer.
 * Each says plainly what is wrong; none needs AWS credentials.
 */
import { ConfigError, parseConfig } from '../../admin/src/config.ts';
import { createSseParser } from '../../widget/src/sse.ts';

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface SmokeOptions {
  /** The stack's one origin, e.g. `https://d111111abcdef8.cloudfront.net`. */
  readonly baseUrl: string;
  /** A bot's public id (from its embed code), for the session and the answer. */
  readonly bot?: string | undefined;
  /** A page origin the bot allows, sent as `Origin` as a browser on that page would. */
  readonly origin?: string | undefined;
  readonly question: string;
  /** The longest any one request (the whole answer included) may take. */
  readonly timeoutMs: number;
}

/** A problem with what the operator gave the command, not with the deployment. */
export class SmokeInputError extends Error {}

/** widget.js sizes that say the build went wrong: a stub, or something far past the widget's budget. */
const WIDGET_MIN_BYTES = 2 * 1024;
const WIDGET_MAX_BYTES = 256 * 1024;

/** Outputs that name the stack's origin, best first (`Url` is the distribution's, or the custom domain). */
const URL_OUTPUTS = ['Url', 'WidgetUrl', 'AdminUrl', 'DistributionUrl', 'DistributionDomainName'] as const;

/** An http(s) address's origin; the path is dropped, so `…/admin/` and `…/widget.js` do too. */
export const originOf = (value: string, what: string): string => {
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `https://${value}`);
  } catch {
    throw new SmokeInputError(`${what} is not a web address: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SmokeInputError(`${what} must be an http(s) address, not ${url.protocol}`);
  return url.origin;
};

/**
 * The stack's origin from the file `cdk deploy --outputs-file` writes
 * (`{"<stack>": {"<output>": "<value>"}}`); with several stacks (the us-east-1
 * WAF stack has no URL), the first that names one.
 */
export const baseUrlFromOutputs = (outputs: unknown): string => {
  if (!outputs || typeof outputs !== 'object' || Array.isArray(outputs)) {
    throw new SmokeInputError('The outputs file is not a JSON object of stacks: use the file `cdk deploy --outputs-file <file>` wrote.');
  }
  for (const [stack, values] of Object.entries(outputs as Record<string, unknown>)) {
    if (!values || typeof values !== 'object') continue;
    const named = values as Record<string, unknown>;
    const key = URL_OUTPUTS.find((k) => typeof named[k] === 'string' && named[k] !== '');
    if (key) return originOf(named[key] as string, `${stack}.${key}`);
  }
  throw new SmokeInputError(`The outputs file names no stack address (one of ${URL_OUTPUTS.join(', ')}): use the file \`cdk deploy --outputs-file <file>\` wrote for the Parley stack, or give the address itself.`);
};

/** A failed request's words: the error's own message from Parley's JSON, else the start of the body. */
const saidBy = (body: string): string => {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown }; message?: unknown }).error?.message ?? (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON: S3 and CloudFront answer in XML or HTML
  }
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text ? (text.length > 160 ? `${text.slice(0, 160)}…` : text) : '(empty body)';
};

/** Why a request never got an answer, in a few words (DNS, refused, TLS, timeout). */
const unreachable = (url: string, err: unknown): string => {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if ((err as { name?: string }).name === 'TimeoutError') return `${url} did not answer in time`;
  return `could not reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
};

class CheckFailed extends Error {}

const request = async (url: string, init: RequestInit & { timeoutMs: number }): Promise<Response> => {
  try {
    return await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(init.timeoutMs) });
  } catch (err) {
    throw new CheckFailed(unreachable(url, err));
  }
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

const checkWidgetScript = async (o: SmokeOptions): Promise<string> => {
  const res = await request(`${o.baseUrl}/widget.js`, { timeoutMs: o.timeoutMs });
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) throw new CheckFailed(`widget.js answered ${res.status}: ${saidBy(new TextDecoder().decode(body))}`);
  const type = res.headers.get('content-type') ?? '(none)';
  if (!/javascript/i.test(type)) throw new CheckFailed(`widget.js came as ${type}, not JavaScript: browsers would not run it`);
  if (body.byteLength < WIDGET_MIN_BYTES) throw new CheckFailed(`widget.js is only ${body.byteLength} bytes: the build that was deployed looks empty`);
  if (body.byteLength > WIDGET_MAX_BYTES) throw new CheckFailed(`widget.js is ${kb(body.byteLength)}: far more than the widget's build makes; check what was deployed`);
  return `200, ${type}, ${kb(body.byteLength)}`;
};

const checkAdminConfig = async (o: SmokeOptions): Promise<string> => {
  const res = await request(`${o.baseUrl}/admin/config.json`, { timeoutMs: o.timeoutMs });
  const text = await res.text();
  if (res.status !== 200) throw new CheckFailed(`/admin/config.json answered ${res.status}: ${saidBy(text)}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CheckFailed(`/admin/config.json is not JSON (${res.headers.get('content-type') ?? 'no content type'}): ${saidBy(text)}`);
  }
  try {
    const config = parseConfig(raw);
    return config.auth.kind === 'cognito'
      ? `sign-in at ${config.auth.domain}, app client ${config.auth.clientId}, ${config.uploads} uploads`
      : `local sign-in (the local platform), ${config.uploads} uploads`;
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckFailed(`/admin/config.json has no usable sign-in settings: ${err.message}`);
    throw err;
  }
};

/** What a widget route's refusal means for whoever runs the check. */
const widgetRefusal = (o: SmokeOptions, what: string, status: number, body: string): string => {
  if (status === 404) return `no bot has the public id "${o.bot}" here (404): copy it from the bot's embed code in the admin panel`;
  if (status === 403) {
    return o.origin
      ? `the bot does not allow pages of ${o.origin} (403: ${saidBy(body)}): give --origin one of its allowed origins`
      : `the bot refused a request without a page origin (403: ${saidBy(body)}): give --origin one of its allowed origins`;
  }
  return `${what} answered ${status}: ${saidBy(body)}`;
};

const checkVisitorSession = async (o: SmokeOptions): Promise<{ detail: string; token: string }> => {
  const headers: Record<string, string> = o.origin ? { origin: o.origin } : {};
  const base = `${o.baseUrl}/widget/v1/${encodeURIComponent(o.bot ?? '')}`;
  const config = await request(`${base}/config`, { headers, timeoutMs: o.timeoutMs });
  const configText = await config.text();
  if (config.status !== 200) throw new CheckFailed(widgetRefusal(o, 'the bot\'s widget config', config.status, configText));
  const name = (JSON.parse(configText) as { name?: unknown }).name;
  const session = await request(`${base}/sessions`, { method: 'POST', headers, timeoutMs: o.timeoutMs });
  const sessionText = await session.text();
  if (session.status !== 201) throw new CheckFailed(widgetRefusal(o, 'a new visitor session', session.status, sessionText));
  const token = (JSON.parse(sessionText) as { token?: unknown }).token;
  if (typeof token !== 'string' || !token) throw new CheckFailed('a new session answered 201 without a visitor token');
  return { token, detail: `bot "${String(name)}", a visitor token for ${o.origin ?? 'no page origin'}` };
};

interface StreamRecord { readonly event: string; readonly data: Record<string, unknown> }

const checkStreamedAnswer = async (o: SmokeOptions, token: string): Promise<string> => {
  const started = Date.now();
  const url = `${o.baseUrl}/widget/v1/${encodeURIComponent(o.bot ?? '')}/chat`;
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(o.origin ? { origin: o.origin } : {}) },
    body: JSON.stringify({ question: o.question }),
    timeoutMs: o.timeoutMs,
  });
  if (res.status !== 200) throw new CheckFailed(widgetRefusal(o, 'the chat', res.status, await res.text()));
  const type = res.headers.get('content-type') ?? '(none)';
  if (!type.startsWith('text/event-stream')) throw new CheckFailed(`the chat answered ${type}, not an event stream: ${saidBy(await res.text())}`);

  const records: StreamRecord[] = [];
  let heartbeats = 0;
  let firstByteMs: number | undefined;
  const parse = createSseParser(({ event, data }) => {
    try {
      records.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    } catch {
      records.push({ event, data: { unreadable: data } });
    }
  });
  const decoder = new TextDecoder();
  try {
    for await (const bytes of res.body as AsyncIterable<Uint8Array>) {
      firstByteMs ??= Date.now() - started;
      const text = decoder.decode(bytes, { stream: true });
      heartbeats += text.match(/^:/gm)?.length ?? 0;
      parse(text);
    }
  } catch (err) {
    const seen = records.map((r) => r.event).join(', ') || 'nothing';
    throw new CheckFailed((err as { name?: string }).name === 'TimeoutError'
      ? `no done event within ${o.timeoutMs / 1000} s (received: ${seen})`
      : `the stream broke off after ${seen}: ${unreachable(url, err)}`);
  }
  const events = records.map((r) => r.event);
  const error = records.find((r) => r.event === 'error')?.data;
  if (error) throw new CheckFailed(`the answer ended with an error event: "${String(error.message)}" (${String(error.code)})`);
  if (events[0] !== 'sources') throw new CheckFailed(`the stream did not start with its sources (received: ${events.join(', ') || 'nothing'})`);
  const done = records.find((r) => r.event === 'done')?.data;
  if (!done) throw new CheckFailed(`the stream was cut after ${events.length} events with no done event: something between here and the chat function ended it`);
  const deltas = events.filter((e) => e === 'delta').length;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const timing = `first byte ${seconds(firstByteMs ?? 0)}, done in ${seconds(Date.now() - started)}`;
  const beats = heartbeats ? `, ${heartbeats} keep-alive comments` : '';
  const outcome = done.answered
    ? `answered, paid by the ${String(done.keyClass)} key`
    : 'not answered (the bot found nothing for the question: ask something its documents cover)';
  return `sources, ${deltas} text events, done (${timing}${beats}); ${outcome}`;
};

const run = async (name: string, work: () => Promise<string>): Promise<CheckResult> => {
  try {
    return { name, status: 'ok', detail: await work() };
  } catch (err) {
    if (err instanceof CheckFailed) return { name, status: 'failed', detail: err.message };
    return { name, status: 'failed', detail: `the check itself failed: ${(err as Error).message}` };
  }
};

/** Runs every check, in the order a visitor meets them; a session and an answer need `bot`. */
export const runSmokeChecks = async (o: SmokeOptions): Promise<CheckResult[]> => {
  const results = [await run('widget.js', () => checkWidgetScript(o)), await run('admin config', () => checkAdminConfig(o))];
  if (!o.bot) {
    const why = 'give --bot <public id> (and --origin <a page origin the bot allows>) to check a session and an answer';
    results.push({ name: 'visitor session', status: 'skipped', detail: why }, { name: 'streamed answer', status: 'skipped', detail: why });
    return results;
  }
  let token: string | undefined;
  results.push(await run('visitor session', async () => {
    const session = await checkVisitorSession(o);
    token = session.token;
    return session.detail;
  }));
  results.push(token
    ? await run('streamed answer', () => checkStreamedAnswer(o, token!))
    : { name: 'streamed answer', status: 'skipped', detail: 'needs a visitor session' });
  return results;
};
