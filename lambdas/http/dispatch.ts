/**
 * Dispatch by contract: a function's routes (from its contract modules) and a
 * map from route name to implementation. An implementation gets the request's
 * path parameters, body and query as the route's schemas parse them, and
 * returns the route's response type; the dispatcher makes it the response with
 * the route's success status. A route without an implementation stops the
 * function at start-up, naming the route.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { routeKeyOf, type BodyOf, type NamedRoute, type ParamsOf, type QueryOf, type ResponseOf } from '../contracts/contract.ts';
import { AppError } from '../core/errors.ts';
import { jsonBody, queryParams } from './request.ts';
import { json, type HttpResult } from './responses.ts';

/**
 * What an implementation reads of a request. `body` and `query` are parsed when
 * first read, so an implementation that checks the account or the widget's
 * origin first answers 404 or 403 before any 400 about the body, as before.
 */
export interface RouteInput<C> {
  readonly params: ParamsOf<C>;
  readonly body: BodyOf<C>;
  readonly query: QueryOf<C>;
}

/** One route's implementation: its result is the route's response type. */
export type Implementation<C, Ctx> = (ctx: Ctx, input: RouteInput<C>) => Promise<ResponseOf<C>>;

/**
 * An area's implementations: one per route of its contract, none more. Use with
 * `satisfies`, so a route left out or a name that is no route is a type error.
 */
export type Implementations<K, Ctx> = { readonly [N in keyof K]: Implementation<K[N], Ctx> };

// Any route's implementation, as the dispatcher holds them (each was checked against its own route above).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyImplementation<Ctx> = (ctx: Ctx, input: RouteInput<any>) => Promise<unknown>;

/** The routes of `table` with no implementation in `implementations`. */
export const unimplemented = (table: readonly NamedRoute[], implementations: object): NamedRoute[] =>
  table.filter((r) => typeof (implementations as Record<string, unknown>)[r.name] !== 'function');

const inputOf = (event: APIGatewayProxyEventV2, route: NamedRoute): RouteInput<unknown> => {
  let body: { value: unknown } | undefined;
  let query: { value: unknown } | undefined;
  return {
    params: (event.pathParameters ?? {}) as never,
    get body() {
      body ??= { value: route.body ? jsonBody(event, route.body) : undefined };
      return body.value as never;
    },
    get query() {
      query ??= { value: route.query ? queryParams(event, route.query) : undefined };
      return query.value as never;
    },
  };
};

/** A preflight's result is its headers; any other 204 sends nothing; every other status sends the result as JSON. */
const respond = (route: NamedRoute, result: unknown): HttpResult => {
  if (route.status !== 204) return json(route.status, result);
  return { statusCode: 204, headers: route.method === 'OPTIONS' ? { ...(result as Record<string, string> | undefined) } : {}, body: '' };
};

/**
 * The dispatch of one function: `table` is its routes, `implementations` its
 * implementations by route name. Throws now if a route has none.
 */
export const dispatchByContract = <Ctx>(
  table: readonly NamedRoute[],
  implementations: Readonly<Record<string, AnyImplementation<Ctx>>>,
): ((event: APIGatewayProxyEventV2, ctx: Ctx) => Promise<HttpResult>) => {
  const missing = unimplemented(table, implementations);
  if (missing.length) throw new Error(`No implementation for ${missing.map((r) => `${r.name} (${routeKeyOf(r)})`).join(', ')}`);
  const byKey = new Map(table.map((r) => [routeKeyOf(r), { route: r, implementation: implementations[r.name]! }]));
  return async (event, ctx) => {
    const entry = byKey.get(event.routeKey);
    if (!entry) throw new AppError('not_found', 'No such route.');
    return respond(entry.route, await entry.implementation(ctx, inputOf(event, entry.route)));
  };
};
