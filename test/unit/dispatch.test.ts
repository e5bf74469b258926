/** Dispatch by contract: every route has its implementation, which gets a parsed request and returns the route's response. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { route, routesOf } from '../../lambdas/contracts/contract.ts';
import { AppError } from '../../lambdas/core/errors.ts';
import { dispatchByContract, unimplemented, type Implementations } from '../../lambdas/http/dispatch.ts';
import { adminApiRoutes, adminRoutes } from '../../lambdas/handlers/admin/admin-routes.ts';
import { widgetApiRoutes, widgetRoutes } from '../../lambdas/handlers/widget/widget-routes.ts';

const contract = {
  getThing: route<{ thing: string }>()({ method: 'GET', path: '/v1/things/{thingId}', fn: 'admin-api', auth: 'jwt', status: 200 }),
  addThing: route<{ added: number }>()({
    method: 'POST', path: '/v1/things', fn: 'admin-api', auth: 'jwt', status: 201,
    body: z.object({ count: z.number().int() }).strict(),
  }),
  dropThing: route()({ method: 'DELETE', path: '/v1/things/{thingId}', fn: 'admin-api', auth: 'jwt', status: 204 }),
} as const;
const table = routesOf(contract);

const event = (routeKey: string, extra: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 => ({
  routeKey, rawPath: '/', headers: { 'content-type': 'application/json' }, isBase64Encoded: false, ...extra,
} as unknown as APIGatewayProxyEventV2);

describe('dispatch by contract', () => {
  const calls: string[] = [];
  const things = {
    getThing: async (who: string, { params }) => ({ thing: `${who}:${params.thingId}` }),
    addThing: async (_who, { body }) => {
      calls.push('add');
      return { added: body.count };
    },
    dropThing: async () => undefined,
  } satisfies Implementations<typeof contract, string>;
  const dispatch = dispatchByContract(table, things);

  it('gives each implementation its path parameters and parsed body, and answers with the route’s status', async () => {
    expect(await dispatch(event('GET /v1/things/{thingId}', { pathParameters: { thingId: 'T1' } }), 'ann'))
      .toMatchObject({ statusCode: 200, body: JSON.stringify({ thing: 'ann:T1' }) });
    expect(await dispatch(event('POST /v1/things', { body: '{"count":3}' }), 'ann')).toMatchObject({ statusCode: 201, body: '{"added":3}' });
    expect(await dispatch(event('DELETE /v1/things/{thingId}', { pathParameters: { thingId: 'T1' } }), 'ann')).toEqual({ statusCode: 204, headers: {}, body: '' });
  });

  it('refuses a body its schema refuses, as a 400 naming the field, before the implementation runs', async () => {
    calls.length = 0;
    const refused = await dispatch(event('POST /v1/things', { body: '{"count":"three"}' }), 'ann').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(400);
    expect((refused as AppError).message).toMatch(/^count: /);
    expect(calls).toEqual([]);
  });

  it('answers "No such route" for a route key it does not serve', async () => {
    await expect(dispatch(event('GET /v1/other'), 'ann')).rejects.toThrow('No such route.');
  });

  it('stops at start-up, naming the route, when a route has no implementation', () => {
    const { dropThing: _dropped, ...partial } = things;
    expect(unimplemented(table, partial).map((r) => r.name)).toEqual(['dropThing']);
    expect(() => dispatchByContract(table, partial)).toThrow('No implementation for dropThing (DELETE /v1/things/{thingId})');
  });

  it('has an implementation for every route of the admin function, and none for a route that is not there', () => {
    expect(adminApiRoutes.length).toBeGreaterThanOrEqual(47);
    expect(unimplemented(adminApiRoutes, adminRoutes)).toEqual([]);
    expect(Object.keys(adminRoutes).sort()).toEqual(adminApiRoutes.map((r) => r.name).sort());
  });

  it('has an implementation for every route of the widget function', () => {
    expect(widgetApiRoutes.length).toBeGreaterThanOrEqual(7);
    expect(unimplemented(widgetApiRoutes, widgetRoutes)).toEqual([]);
  });
});
