// The streamed answer's timing chain as deployed (see lambdas/core/limits.ts): every
// way an answer can run long ends in Parley's own error event, before CloudFront or
// Lambda could cut the stream with no word to the visitor.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { ParleyApp } from '../../infra/app.ts';
import { configSchema } from '../../lambdas/adapters/config.ts';
import { buildParleyApp, propertiesOf, templateOf } from './fixtures/parley-app.ts';

/** CloudFront's most for an origin read timeout without a quota increase (default 30 s; up to 180 s on request). */
const CLOUDFRONT_READ_TIMEOUT_MAX_S = 60;
/** Room in the function's time for what comes before the stream (checks, retrieval) and after the deadline (the record). */
const FUNCTION_MARGIN_S = 30;

let parley: ParleyApp;
let template: Template;

beforeAll(() => {
  parley = buildParleyApp();
  template = templateOf(parley);
}, 120_000);

interface Origin { Id: string; CustomOriginConfig?: { OriginReadTimeout?: number } }
interface Behavior { PathPattern?: string; TargetOriginId: string }

/** What CloudFront waits for the chat origin, in seconds (30 when unset). */
const chatOriginReadTimeout = (): number => {
  const config = propertiesOf(template, parley.stack.hosting.distribution).DistributionConfig as { CacheBehaviors: Behavior[]; Origins: Origin[] };
  const chat = config.CacheBehaviors.find((b) => b.PathPattern === '/widget/v1/*/chat');
  const origin = config.Origins.find((o) => o.Id === chat?.TargetOriginId);
  expect(origin?.CustomOriginConfig, 'the chat path goes to a custom (function URL) origin').toBeDefined();
  return origin?.CustomOriginConfig?.OriginReadTimeout ?? 30;
};

/** The chat function's timing settings, in seconds: what its environment sets, or the defaults it runs with. */
const chatSettings = () => {
  const fn = propertiesOf(template, parley.stack.chat.function.function) as { Timeout: number; Environment?: { Variables?: Record<string, unknown> } };
  const env = fn.Environment?.Variables ?? {};
  const seconds = <K extends 'PARLEY_SSE_HEARTBEAT_MS' | 'PARLEY_PROVIDER_IDLE_TIMEOUT_MS' | 'PARLEY_MAX_ANSWER_MS'>(name: K): number =>
    z.parse(configSchema.shape[name], env[name]) / 1000;
  return {
    heartbeat: seconds('PARLEY_SSE_HEARTBEAT_MS'),
    providerIdle: seconds('PARLEY_PROVIDER_IDLE_TIMEOUT_MS'),
    answerDeadline: seconds('PARLEY_MAX_ANSWER_MS'),
    functionTimeout: fn.Timeout,
  };
};

describe('the chat timing chain', () => {
  it('deploys a 10 s heartbeat, 30 s provider idle timeout, 60 s origin read timeout, 90 s deadline and 3 min function timeout', () => {
    expect({ ...chatSettings(), originRead: chatOriginReadTimeout() }).toEqual({
      heartbeat: 10, providerIdle: 30, originRead: 60, answerDeadline: 90, functionTimeout: 180,
    });
  });

  it('keeps CloudFront from reading the stream as idle: several heartbeats per read timeout, within its unraised maximum', () => {
    const readTimeout = chatOriginReadTimeout();
    expect(readTimeout).toBeLessThanOrEqual(CLOUDFRONT_READ_TIMEOUT_MAX_S);
    // Two beats per window at least: one late beat (a busy event loop) still does not cut the stream.
    expect(chatSettings().heartbeat * 2).toBeLessThanOrEqual(readTimeout);
  });

  it('ends a silent provider with an error event before the origin read timeout, even with no heartbeat', () => {
    const { providerIdle } = chatSettings();
    // The error event and the record take a moment after the idle timeout fires.
    expect(providerIdle + 10).toBeLessThanOrEqual(chatOriginReadTimeout());
  });

  it('stops an answer at its deadline, after the provider idle timeout and well before the function timeout', () => {
    const { providerIdle, answerDeadline, functionTimeout } = chatSettings();
    expect(answerDeadline).toBeGreaterThan(providerIdle);
    expect(answerDeadline + FUNCTION_MARGIN_S).toBeLessThanOrEqual(functionTimeout);
  });
});
