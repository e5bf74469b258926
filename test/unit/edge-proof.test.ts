/** Only CloudFront reaches the functions: without its edge secret a request is refused before anything else runs. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lambdas/shared/logger.ts';
import { cloudFrontOnly } from '../../lambdas/http/edge-proof.ts';
import { httpErrorHandler } from '../../lambdas/http/error-handler.ts';
import type { HttpResult } from '../../lambdas/http/responses.ts';

const SECRET = 'Zq81xV0pLmN3rT7wHh42kP9sYt5cW2nB8dJ1aa00bb11';
const event = (headers: Record<string, string>): APIGatewayProxyEventV2 => ({
  routeKey: '$default', rawPath: '/v1/bots', headers,
  requestContext: { http: { method: 'GET', path: '/v1/bots', sourceIp: '198.51.100.7' } },
} as unknown as APIGatewayProxyEventV2);

const withProofCheck = (edgeSecret: string | undefined, stage: 'local' | 'aws' = 'aws') => {
  let reached = 0;
  const handler = middy<APIGatewayProxyEventV2, HttpResult>()
    .use(cloudFrontOnly({ edgeSecret, stage }))
    .use(httpErrorHandler({ logger: createLogger('error', () => undefined) }))
    .handler(async () => {
      reached += 1;
      return { statusCode: 200, headers: {}, body: 'ok' };
    });
  return { handler: (headers: Record<string, string>) => handler(event(headers), {} as Context), reached: () => reached };
};

describe('cloudFrontOnly', () => {
  it('answers 403 in the error shape to a request without the edge secret, and the handler never runs', async () => {
    const fn = withProofCheck(SECRET);
    const attempts: Record<string, string>[] = [{}, { 'x-parley-edge-secret': '' }, { 'x-parley-edge-secret': `${SECRET.slice(0, -1)}X` }, { 'x-parley-edge-secret': SECRET.slice(0, 10) }, { 'x-parley-edge-secret': `${SECRET} ` }];
    for (const headers of attempts) {
      const response = await fn.handler(headers);
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body!)).toEqual({ error: { code: 'forbidden', message: 'This address answers only through the Parley site. Use its address instead.' } });
      expect(response.body).not.toContain(SECRET);
    }
    expect(fn.reached()).toBe(0);
  });

  it('lets a request with the edge secret through', async () => {
    const fn = withProofCheck(SECRET);
    expect((await fn.handler({ 'x-parley-edge-secret': SECRET })).statusCode).toBe(200);
    expect(fn.reached()).toBe(1);
  });

  it('refuses to start on AWS without the secret, and checks nothing locally without one', async () => {
    expect(() => withProofCheck(undefined, 'aws')).toThrow(/PARLEY_EDGE_SECRET is not set/);
    const local = withProofCheck(undefined, 'local');
    expect((await local.handler({})).statusCode).toBe(200);
  });
});
