/**
 * Matches a request to a function's routes, as API Gateway did: the route key
 * (`"GET /v1/bots/{botId}"`) and decoded path parameters. Behind CloudFront a
 * function URL gets every path under its behaviour (`/v1/*`), so each function
 * matches its own routes: an unknown path is 404 and a known path with another
 * method 405 (with `Allow`), from the function itself. Each handler passes its
 * own contract's routes, so a function loads no other function's schemas.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { routeKeyOf, type NamedRoute } from '../contracts/contract.ts';
import { AppError } from '../core/errors.ts';
import type { HttpResult } from './responses.ts';

interface Compiled { route: NamedRoute; pattern: RegExp; names: string[] }

/** Routes with their paths as regular expressions, ready to match. */
export type CompiledRoutes = readonly Compiled[];

export const compileRoutes = (table: readonly NamedRoute[]): CompiledRoutes => table.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/[.*?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)(\+?)\\?\}/g, (_m, name: string, greedy: string) => {
    names.push(name);
    // `{name+}` is API Gateway's greedy parameter: the rest of the path.
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
});

export type RouteMatch =
  | { kind: 'route'; route: NamedRoute; routeKey: string; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'none' };

/** The route of `method` and `path` among `compiled`. */
export const matchCompiled = (compiled: CompiledRoutes, method: string, path: string): RouteMatch => {
  const allow: string[] = [];
  for (const c of compiled) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      if (!allow.includes(c.route.method)) allow.push(c.route.method);
      continue;
    }
    const pathParameters: Record<string, string> = {};
    try {
      c.names.forEach((name, i) => {
        pathParameters[name] = decodeURIComponent(m[i + 1]!);
      });
    } catch {
      // A malformed escape (`%E0%A4%A`) names nothing: as API Gateway, no route.
      return { kind: 'none' };
    }
    return { kind: 'route', route: c.route, routeKey: routeKeyOf(c.route), pathParameters };
  }
  return allow.length ? { kind: 'method-not-allowed', allow } : { kind: 'none' };
};

/** A 405 that knows which methods the path has, for the `Allow` header. */
class MethodNotAllowed extends AppError {
  readonly allow: readonly string[];
  constructor(allow: readonly string[]) {
    super('method_not_allowed', `Use ${allow.join(' or ')} here.`);
    this.allow = allow;
  }
}

/**
 * Middleware: matches the request among `table` (one function's routes) and
 * gives the event the `routeKey` and `pathParameters` API Gateway would have
 * given it, or answers 404 / 405. Use it before the error handler, so its
 * `onError` (which adds `Allow`) runs after the error has become a response.
 */
export const routeMatchOf = (table: readonly NamedRoute[]): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> => {
  const compiled = compileRoutes(table);
  return {
    before: function matchTheRoute(request) {
      const { event } = request;
      const match = matchCompiled(compiled, event.requestContext.http.method, event.rawPath);
      if (match.kind === 'none') throw new AppError('not_found', 'No such route.');
      if (match.kind === 'method-not-allowed') throw new MethodNotAllowed(match.allow);
      event.routeKey = match.routeKey;
      event.requestContext.routeKey = match.routeKey;
      if (Object.keys(match.pathParameters).length > 0) event.pathParameters = match.pathParameters;
      else delete event.pathParameters;
    },
    onError: function addAllowHeader(request) {
      if (request.error instanceof MethodNotAllowed && request.response) {
        request.response.headers = { ...request.response.headers, allow: request.error.allow.join(', ') };
      }
    },
  };
};
