/** Each function matches its own routes, and CloudFront's behaviours come from the same table. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lambdas/shared/logger.ts';
import { httpErrorHandler } from '../../lambdas/http/error-handler.ts';
import { matchRoute, routeMatch } from '../../lambdas/http/route-match.ts';
import type { HttpResult } from '../../lambdas/http/responses.ts';
import { apiBehaviours, behaviourFor, behavioursOf, routeKeyOf, routes, type Route } from '../../lambdas/http/routes.ts';

const urlEvent = (method: string, rawPath: string): APIGatewayProxyEventV2 => ({
  version: '2.0', routeKey: '$default', rawPath, rawQueryString: '', headers: {}, isBase64Encoded: false,
  requestContext: { http: { method, path: rawPath, sourceIp: '130.176.1.2' }, routeKey: '$default' },
} as unknown as APIGatewayProxyEventV2);

describe('route matching', () => {
  it('matches the route table as API Gateway did, decoding path parameters', () => {
    expect(matchRoute('GET', '/v1/bots/ABC%20D/documents/X')).toEqual({
      kind: 'route',
      route: expect.objectContaining({ fn: 'admin-api' }) as unknown,
      routeKey: 'GET /v1/bots/{botId}/documents/{docId}',
      pathParameters: { botId: 'ABC D', docId: 'X' },
    });
    expect(matchRoute('PUT', '/v1/bots')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'POST'] });
    // A malformed escape names no resource: no route, not a server error.
    expect(matchRoute('GET', '/v1/bots/%E0%A4%A')).toEqual({ kind: 'none' });
    expect(matchRoute('GET', '/v1/bots/a/b/c')).toEqual({ kind: 'none' });
  });

  it("matches only the function's own routes", () => {
    // The widget function answers only preflights under any widget path.
    expect(matchRoute('POST', '/widget/v1/pub/chat', 'widget-api')).toEqual({ kind: 'method-not-allowed', allow: ['OPTIONS'] });
    expect(matchRoute('POST', '/widget/v1/pub/chat', 'chat-stream')).toMatchObject({ kind: 'route', pathParameters: { publicId: 'pub' } });
    expect(matchRoute('OPTIONS', '/widget/v1/pub/chat', 'chat-stream')).toMatchObject({ kind: 'route', routeKey: 'OPTIONS /widget/v1/{publicId}/chat' });
    expect(matchRoute('GET', '/v1/bots', 'widget-api')).toEqual({ kind: 'none' });
  });

  describe('as middleware on a function URL event', () => {
    const logger = createLogger('error', () => undefined);
    const seen: APIGatewayProxyEventV2[] = [];
    const handler = middy<APIGatewayProxyEventV2, HttpResult>()
      .use(routeMatch('admin-api'))
      .use(httpErrorHandler({ logger }))
      .handler(async (event) => {
        seen.push(event);
        return { statusCode: 200, headers: {}, body: '' };
      });

    it('gives the handler the route key and path parameters API Gateway gave', async () => {
      expect((await handler(urlEvent('DELETE', '/v1/bots/b1/leads/c2'), {} as Context)).statusCode).toBe(200);
      expect(seen.at(-1)).toMatchObject({ routeKey: 'DELETE /v1/bots/{botId}/leads/{contactId}', pathParameters: { botId: 'b1', contactId: 'c2' } });
    });

    it('answers 404 for an unknown path and 405 with Allow for another method, in the error shape', async () => {
      const before = seen.length;
      const missing = await handler(urlEvent('GET', '/v1/nothing-here'), {} as Context);
      expect(missing.statusCode).toBe(404);
      expect(JSON.parse(missing.body!)).toEqual({ error: { code: 'not_found', message: 'No such route.' } });
      const wrong = await handler(urlEvent('PUT', '/v1/bots'), {} as Context);
      expect(wrong.statusCode).toBe(405);
      expect(wrong.headers.allow).toBe('GET, POST');
      expect(JSON.parse(wrong.body!)).toEqual({ error: { code: 'method_not_allowed', message: 'Use GET or POST here.' } });
      expect(seen.length).toBe(before);
    });
  });
});

describe("CloudFront's behaviours", () => {
  it('send each path to the function that serves it, the chat path first', () => {
    expect(apiBehaviours).toEqual([
      { pathPattern: '/widget/v1/*/chat', fn: 'chat-stream' },
      { pathPattern: '/widget/v1/*', fn: 'widget-api' },
      { pathPattern: '/v1/*', fn: 'admin-api' },
    ]);
    for (const route of routes) {
      const path = route.path.replace(/\{[^}]+\}/g, 'some-id');
      expect({ route: routeKeyOf(route), fn: behaviourFor(apiBehaviours, path)?.fn }).toEqual({ route: routeKeyOf(route), fn: route.fn });
    }
    expect(behaviourFor(apiBehaviours, '/admin/index.html')).toBeUndefined();
    expect(behaviourFor(apiBehaviours, '/v1')).toBeUndefined();
  });

  it('refuse a route table in which a route would reach another function', () => {
    const clash: Route[] = [
      { method: 'GET', path: '/v1/things', fn: 'admin-api', auth: 'jwt' },
      { method: 'GET', path: '/v1/x/a', fn: 'admin-api', auth: 'jwt' },
      { method: 'GET', path: '/v1/x/b', fn: 'widget-api', auth: 'public' },
      { method: 'GET', path: '/v1/x/c', fn: 'widget-api', auth: 'public' },
    ];
    expect(() => behavioursOf(clash)).toThrow(/would reach/);
  });
});
