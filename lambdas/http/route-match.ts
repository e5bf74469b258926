/**
 * Route matching over the whole route table, by function: what the local
 * platform and the tests use. A handler matches with `routeMatchOf` and its
 * own contract's routes (route-matcher.ts), so it loads no other area's schemas.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from './responses.ts';
import { compileRoutes, matchCompiled, routeMatchOf, type RouteMatch } from './route-matcher.ts';
import { routes, type FunctionName } from './routes.ts';

export type { RouteMatch } from './route-matcher.ts';

const all = compileRoutes(routes);
const byFn = new Map<FunctionName, ReturnType<typeof compileRoutes>>();
const compiledFor = (fn: FunctionName) => {
  let compiled = byFn.get(fn);
  if (!compiled) byFn.set(fn, (compiled = compileRoutes(routes.filter((r) => r.fn === fn))));
  return compiled;
};

/** The route of `method` and `path` among `fn`'s routes (every function's when `fn` is not given). */
export const matchRoute = (method: string, path: string, fn?: FunctionName): RouteMatch =>
  matchCompiled(fn ? compiledFor(fn) : all, method, path);

/** The route-matching middleware for `fn`'s routes in the whole table. */
export const routeMatch = (fn: FunctionName): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> =>
  routeMatchOf(routes.filter((r) => r.fn === fn));
