/**
 * The log lines the attack and spend alarms read, and the visitor address they
 * (and the rate limits) use behind CloudFront.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lambdas/shared/logger.ts';
import { withTelemetry } from '../../lambdas/adapters/telemetry.ts';
import { AppError } from '../../lambdas/core/errors.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { Deps } from '../../lambdas/core/ports.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { addressPrefix, clientAddress } from '../../lambdas/http/client-address.ts';
import { httpErrorHandler } from '../../lambdas/http/error-handler.ts';
import { noteAccount, requestLog } from '../../lambdas/http/request-log.ts';
import type { HttpResult } from '../../lambdas/http/responses.ts';

const SECRET = 'edge-secret-0123456789abcdef';
const event = (headers: Record<string, string> = {}, routeKey = 'GET /v1/bots', sourceIp = '130.176.1.2'): APIGatewayProxyEventV2 => ({
  routeKey, rawPath: '/v1/bots', headers,
  requestContext: { http: { method: 'GET', path: '/v1/bots', sourceIp } },
} as unknown as APIGatewayProxyEventV2);

describe('the client address', () => {
  it("trusts CloudFront's viewer address only with the edge secret", () => {
    const viewer = { 'x-parley-viewer-address': '203.0.113.7' };
    expect(clientAddress(event({ ...viewer, 'x-parley-edge-secret': SECRET }), SECRET)).toBe('203.0.113.7');
    expect(clientAddress(event({ ...viewer, 'x-parley-edge-secret': 'edge-secret-0123456789abcdeX' }), SECRET)).toBe('130.176.1.2');
    expect(clientAddress(event({ ...viewer, 'x-parley-edge-secret': 'short' }), SECRET)).toBe('130.176.1.2');
    expect(clientAddress(event(viewer), SECRET)).toBe('130.176.1.2');
    expect(clientAddress(event({ ...viewer, 'x-parley-edge-secret': SECRET }), undefined)).toBe('130.176.1.2');
  });

  it('reads IPv6 viewer addresses and ignores what is no address', () => {
    const withSecret = (v: string) => event({ 'x-parley-viewer-address': v, 'x-parley-edge-secret': SECRET });
    expect(clientAddress(withSecret('2001:db8:85a3::8a2e:370:7334'), SECRET)).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(clientAddress(withSecret('203.0.113.7:443'), SECRET)).toBe('130.176.1.2');
    expect(clientAddress(withSecret('not an address:1'), SECRET)).toBe('130.176.1.2');
    expect(clientAddress(withSecret(''), SECRET)).toBe('130.176.1.2');
  });

  it('keeps only the network of an address in logs', () => {
    expect(addressPrefix('203.0.113.7')).toBe('203.0.113.0/24');
    expect(addressPrefix('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(addressPrefix('2001:db8:85a3::8a2e:370:7334')).toBe('2001:db8:85a3::/48');
    expect(addressPrefix('nonsense')).toBeNull();
  });
});

describe('the request log', () => {
  const run = async (fn: (e: APIGatewayProxyEventV2) => Promise<HttpResult>, e: APIGatewayProxyEventV2) => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const handler = middy<APIGatewayProxyEventV2, HttpResult>()
      .use(requestLog({ logger, fn: 'admin-api', edgeSecret: SECRET }))
      .use(httpErrorHandler({ logger }))
      .handler(fn);
    const response = await handler(e, {} as Context);
    return { response, lines: lines.filter((l) => l.message === 'request') };
  };

  it('writes one line per response with status, route, account and source network', async () => {
    const accountId = newId();
    const ok = await run(async (e) => {
      noteAccount(e, accountId);
      return { statusCode: 200, headers: {}, body: '{}' };
    }, event({ 'x-parley-viewer-address': '203.0.113.7', 'x-parley-edge-secret': SECRET }));
    expect(ok.lines).toEqual([expect.objectContaining({ level: 'info', fn: 'admin-api', route: 'GET /v1/bots', status: 200, accountId, source: '203.0.113.0/24' })]);
    expect(typeof ok.lines[0]!.ms).toBe('number');
  });

  it('logs refusals with their status, after the error handler has answered', async () => {
    const accountId = newId();
    const refused = await run(async (e) => {
      noteAccount(e, accountId);
      throw new AppError('not_found', 'No such bot.');
    }, event());
    expect(refused.response.statusCode).toBe(404);
    expect(refused.lines).toEqual([expect.objectContaining({ status: 404, accountId, source: '130.176.1.0/24' })]);
    const anonymous = await run(async () => { throw new AppError('unauthorized', 'Sign in.'); }, event());
    expect(anonymous.lines).toEqual([expect.objectContaining({ status: 401, accountId: null })]);
    const crash = await run(async () => { throw new Error('boom'); }, event());
    expect(crash.lines).toEqual([expect.objectContaining({ status: 500 })]);
  });
});

describe('telemetry', () => {
  it('writes a spend line for paid answers and embedding, and an export line for each export asked for', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const recorded: unknown[] = [];
    const deps = withTelemetry({
      meter: { recordUsage: async (...args: unknown[]) => { recorded.push(args); }, recordEmbedding: async (...args: unknown[]) => { recorded.push(args); } },
      exports: { put: async (...args: unknown[]) => { recorded.push(args); } },
    }, logger);
    const tenant = tenantForSystem(newId());
    await deps.meter.recordUsage(tenant, 'bot1', 'platform', { inputTokens: 10, outputTokens: 5, costMicros: 1234, answered: true });
    await deps.meter.recordUsage(tenant, 'bot1', 'local', { inputTokens: 0, outputTokens: 5, costMicros: 0, answered: false });
    await deps.meter.recordEmbedding(tenant, 'bot1', 'bedrock', { tokens: 900, costMicros: 18 });
    const record = { exportId: 'e1', status: 'queued' } as Parameters<Deps['exports']['put']>[1];
    await deps.exports.put(tenant, record);
    await deps.exports.put(tenant, { ...record, status: 'running' });
    expect(recorded).toHaveLength(5);
    expect(lines.map(({ level: _l, time: _t, ...rest }) => rest)).toEqual([
      { message: 'spend', accountId: tenant.accountId, botId: 'bot1', keyClass: 'platform', costMicros: 1234 },
      { message: 'spend', accountId: tenant.accountId, botId: 'bot1', keyClass: 'bedrock', kind: 'embedding', costMicros: 18 },
      { message: 'export', accountId: tenant.accountId, exportId: 'e1' },
    ]);
  });
});
