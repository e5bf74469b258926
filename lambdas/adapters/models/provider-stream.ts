/**
 * What the provider chat adapters share: an idle timeout and cancellation around
 * an SDK stream, and the translation of SDK errors into `ProviderCallFailed` with
 * a reason an owner can read and no key in it.
 */
import { ProviderCallFailed } from '../../core/errors.ts';
import type { ProviderFailureKind } from '../../core/errors.ts';
import type { ChatCallOptions } from '../../core/ports.ts';
import { redact } from '../../shared/logger.ts';
import { blockedDestinationOf } from '../net/guarded-fetch.ts';

/** How long a provider may stay silent, before the answer starts or between two events. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

const STOPPED = Symbol('stopped');
const ignore = (): void => {};

/**
 * Iterates what `open` streams, under the caller's signal and an idle timer that
 * runs only while waiting on the provider. A caller's abort ends the iteration
 * quietly; a silent provider throws `timeout`; any other failure is `describe`d.
 * Either way the request is aborted, so the connection is closed, never left open.
 */
export async function* guardStream<E>(
  open: (signal: AbortSignal) => Promise<AsyncIterable<E>>,
  options: ChatCallOptions,
  describe: (error: unknown) => ProviderCallFailed,
): AsyncGenerator<E> {
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const internal = new AbortController();
  const abort = (): void => internal.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  if (options.signal?.aborted) abort();
  // Raced against every wait, so an SDK slow to notice the abort cannot keep us waiting.
  const stopped = new Promise<typeof STOPPED>((resolve) => internal.signal.addEventListener('abort', () => resolve(STOPPED), { once: true }));
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const wait = <T>(work: Promise<T>): Promise<T | typeof STOPPED> => {
    work.catch(ignore); // an abandoned wait may still reject later
    clearTimeout(timer);
    timer = setTimeout(() => { timedOut = true; abort(); }, idleMs);
    return Promise.race([work, stopped]).finally(() => clearTimeout(timer));
  };

  let finished = false;
  let iterator: AsyncIterator<E> | undefined;
  try {
    const opened = internal.signal.aborted ? STOPPED : await wait(open(internal.signal));
    if (opened !== STOPPED) {
      iterator = opened[Symbol.asyncIterator]();
      while (!internal.signal.aborted) {
        const step = await wait(iterator.next());
        if (step === STOPPED) break;
        if (step.done) { finished = true; break; }
        yield step.value;
      }
    }
  } catch (error) {
    // After an abort the SDK's own error only echoes it; what counts is why we aborted.
    if (!internal.signal.aborted) throw describe(error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
    if (!finished) {
      abort();
      iterator?.return?.().catch(ignore);
    }
  }
  if (timedOut) throw new ProviderCallFailed('timeout', `The provider sent nothing for ${idleMs / 1000} seconds, so the answer was stopped.`);
}

/** The SDK's error classes that carry no HTTP status, to tell network trouble from a mid-stream error. */
export interface SdkErrorClasses {
  readonly APIConnectionError: abstract new (...args: never[]) => Error;
  readonly APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
}

interface SdkErrorShape {
  readonly status?: unknown;
  readonly headers?: unknown;
  readonly type?: unknown;
  readonly apiMessage?: unknown;
  readonly error?: { readonly message?: unknown };
  readonly message?: unknown;
}

/** Error `type`s a provider may send inside a stream, where there is no status to go by. */
const STREAM_ERROR_KINDS: Readonly<Record<string, ProviderFailureKind>> = {
  authentication_error: 'auth', permission_error: 'auth', rate_limit_error: 'rate_limited',
  invalid_request_error: 'bad_request', requests: 'rate_limited',
};

/** Turns whatever an SDK threw into `ProviderCallFailed`; `secrets` (the key) never appear in the reason. */
export const describeCallFailure = (error: unknown, sdk: SdkErrorClasses, secrets: readonly string[]): ProviderCallFailed => {
  const blocked = blockedDestinationOf(error);
  if (blocked) return new ProviderCallFailed('blocked', blocked.message);
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const said = providerSaid(e, secrets);
  const fail = (kind: ProviderFailureKind, reason: string, retryAfter?: number) => new ProviderCallFailed(kind, reason + said, retryAfter);

  if (status === 401) return fail('auth', 'The provider refused the key: it is not valid, or it was revoked.');
  if (status === 402) return fail('auth', 'The provider refused the call: the account behind the key has no credit.');
  if (status === 403) return fail('auth', 'The provider refused the key: it is not allowed to use this model or API.');
  if (status === 429) return fail('rate_limited', 'The provider says the key is over its rate limit or quota.', retryAfterSeconds(e.headers));
  if (status === 408) return fail('timeout', 'The provider gave up waiting (HTTP 408).');
  if (status === 404) return fail('bad_request', 'The provider does not know this model or address: check the model name and base URL.');
  if (status !== undefined && status < 500) return fail('bad_request', `The provider refused the request as invalid (HTTP ${status}).`);
  if (status !== undefined) return fail('unavailable', `The provider failed to answer (HTTP ${status}). Try again in a minute.`);
  // The SDK's own words here ("Connection error.") are not the provider's, so they are left out.
  if (error instanceof sdk.APIConnectionTimeoutError) return new ProviderCallFailed('timeout', 'The provider took too long to answer.');
  if (error instanceof sdk.APIConnectionError) {
    return new ProviderCallFailed('unavailable', 'The provider could not be reached. Check the address, or try again in a minute.');
  }
  if (typeof e.type === 'string') {
    return fail(STREAM_ERROR_KINDS[e.type] ?? 'unavailable', 'The provider stopped with an error in the middle of the answer.');
  }
  return new ProviderCallFailed('unavailable', 'The provider sent an answer Parley could not read.');
};

/** The provider's own words, short, with keys and bearer tokens masked. */
const providerSaid = (e: SdkErrorShape, secrets: readonly string[]): string => {
  // Anthropic's `message` is the whole JSON body; its `apiMessage` and OpenAI's `error.message` are the words.
  const raw = [e.apiMessage, e.error?.message, e.message].find((m): m is string => typeof m === 'string' && m !== '') ?? '';
  // Masking the exact key too: an owner's key for a custom endpoint need not look like `sk-…`.
  const masked = secrets.filter((s) => s.length >= 4).reduce((text, s) => text.replaceAll(s, '[redacted]'), raw);
  const text = redact(masked.replace(/^\d{3}\s+/, '')).slice(0, 200);
  return text ? ` The provider said: "${text}"` : '';
};

interface HeaderLookup { get(name: string): string | null }
// Not `instanceof Headers`: through the guarded fetch they are undici's own class, not the global one.
const isHeaderLookup = (value: unknown): value is HeaderLookup =>
  typeof (value as { get?: unknown } | null | undefined)?.get === 'function';

/** `retry-after` (seconds or an HTTP date) or `retry-after-ms`, in whole seconds. */
const retryAfterSeconds = (headers: unknown): number | undefined => {
  if (!isHeaderLookup(headers)) return undefined;
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  const wait = Number.isFinite(seconds) ? seconds : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(wait) ? Math.max(0, Math.ceil(wait)) : undefined;
};
