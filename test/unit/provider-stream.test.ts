// The machinery the chat adapters share, without a network: the idle timer and
// cancellation around a stream, and how SDK errors become ProviderCallFailed.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { describeCallFailure, guardStream } from '../../lambdas/adapters/models/provider-stream.ts';
import { ProviderCallFailed } from '../../lambdas/core/errors.ts';
import { BlockedDestinationError } from '../../lambdas/adapters/net/guarded-fetch.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const describeAsOpenAi = (error: unknown) => describeCallFailure(error, OpenAI, ['sk-secret-123456789']);

/** A source that yields `values` with `gapMs` before each, and records the signal it was opened with. */
const source = (values: number[], gapMs: number) => {
  const seen: { signal?: AbortSignal } = {};
  const open = async (signal: AbortSignal) => {
    seen.signal = signal;
    return (async function* () {
      for (const v of values) {
        await sleep(gapMs);
        yield v;
      }
    })();
  };
  return { seen, open };
};

async function drain<T>(iterable: AsyncIterable<T>, perItemMs = 0): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) {
      items.push(item);
      await sleep(perItemMs);
    }
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

describe('guardStream', () => {
  it('does not count the caller’s own time against the provider', async () => {
    const { open } = source([1, 2, 3], 10);

    const { items, error } = await drain(guardStream(open, { idleTimeoutMs: 100 }, describeAsOpenAi), 200);

    expect(error).toBeUndefined();
    expect(items).toEqual([1, 2, 3]);
  });

  it('aborts the provider call when the caller stops reading early', async () => {
    const { seen, open } = source([1, 2, 3], 5);

    for await (const item of guardStream(open, {}, describeAsOpenAi)) if (item === 1) break;

    expect(seen.signal?.aborted).toBe(true);
  });

  it('leaves a call that finished alone', async () => {
    const { seen, open } = source([1], 0);

    await drain(guardStream(open, {}, describeAsOpenAi));

    expect(seen.signal?.aborted).toBe(false);
  });

  it('does not call the provider at all when the signal is already aborted', async () => {
    let opened = false;
    const open = async () => { opened = true; return (async function* () {})(); };

    const { items, error } = await drain(guardStream(open, { signal: AbortSignal.abort() }, describeAsOpenAi));

    expect([items, error, opened]).toEqual([[], undefined, false]);
  });

  it('times out even when the source ignores the abort', async () => {
    const open = () => new Promise<AsyncIterable<number>>(() => {}); // never settles, never listens

    const { error } = await drain(guardStream(open, { idleTimeoutMs: 50 }, describeAsOpenAi));

    expect(error).toMatchObject({ kind: 'timeout' });
  });
});

describe('describeCallFailure', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('reads retry-after as an HTTP date, and prefers retry-after-ms', () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const byDate = describeAsOpenAi(new OpenAI.RateLimitError(429, { message: 'slow down' }, undefined, headers({ 'retry-after': inAMinute })));
    const byMs = describeAsOpenAi(new OpenAI.RateLimitError(429, { message: 'slow down' }, undefined, headers({ 'retry-after-ms': '1500', 'retry-after': '9' })));

    expect(byDate.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(byDate.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(byMs.retryAfterSeconds).toBe(2);
  });

  it('sorts errors that arrive inside a stream, without a status, by their type', () => {
    const midStream = (type: string) => new Anthropic.APIError(undefined, { type: 'error', error: { type, message: 'x' } }, undefined, undefined, type as never);
    const kinds = ['overloaded_error', 'rate_limit_error', 'authentication_error', 'invalid_request_error', 'api_error']
      .map((type) => describeCallFailure(midStream(type), Anthropic, []).kind);

    expect(kinds).toEqual(['unavailable', 'rate_limited', 'auth', 'bad_request', 'unavailable']);
  });

  it('tells a network failure and the SDK’s own timeout apart, without echoing the SDK’s words as the provider’s', () => {
    const unreachable = describeAsOpenAi(new OpenAI.APIConnectionError({ message: 'Connection error.' }));
    const slow = describeAsOpenAi(new OpenAI.APIConnectionTimeoutError());

    expect(unreachable).toMatchObject({ kind: 'unavailable' });
    expect(unreachable.message).not.toContain('provider said');
    expect(slow.kind).toBe('timeout');
  });

  it('calls a refusal of the guarded fetch blocked, whether bare or wrapped by the SDK', () => {
    const blocked = new BlockedDestinationError('address', 'loopback');
    const wrapped = new OpenAI.APIConnectionError({ message: 'Connection error.', cause: blocked });

    expect([describeAsOpenAi(blocked).kind, describeAsOpenAi(wrapped).kind]).toEqual(['blocked', 'blocked']);
  });

  it('masks the exact key and anything key-shaped, and keeps the reason short', () => {
    const error = new OpenAI.BadRequestError(400, { message: `bad key sk-secret-123456789 and sk-other-abcdefghij ${'x'.repeat(500)}` }, undefined, headers({}));

    const described = describeAsOpenAi(error);

    expect(described).toBeInstanceOf(ProviderCallFailed);
    expect(described.message).not.toMatch(/sk-secret|sk-other-abcdefghij/);
    expect(described.message.length).toBeLessThan(400);
  });

  it('calls anything unrecognisable unavailable, in words of its own', () => {
    expect(describeAsOpenAi(new SyntaxError('Unexpected token < in JSON'))).toMatchObject({
      kind: 'unavailable', message: 'The provider sent an answer Parley could not read.',
    });
  });
});
