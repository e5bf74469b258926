/**
 * The HTTP route table, derived from the contract modules: one source for
 * CloudFront's behaviours (which path goes to which function URL), the local
 * platform's dispatch, the WAF's content routes and each function's own route
 * match (`route-match.ts`).
 */
import { adminContracts } from '../contracts/admin.ts';
import { routeKeyOf, routesOf, type FunctionName, type NamedRoute, type RouteSpec } from '../contracts/contract.ts';
import { widgetContract } from '../contracts/widget.ts';

export { routeKeyOf };
export type { Auth, FunctionName, HttpMethod } from '../contracts/contract.ts';

/** What CloudFront and the WAF need of a route: method, path, function and auth. */
export type Route = Pick<RouteSpec, 'method' | 'path' | 'fn' | 'auth'>;

/**
 * Every route, from the contract modules (lambdas/contracts), in the order they
 * are written: with its name, schemas, success status and audit actions too.
 */
export const routes: readonly NamedRoute[] = routesOf(...Object.values(adminContracts), widgetContract);

/** Functions whose response is streamed (Lambda response streaming behind a function URL on AWS). */
export const streamingFunctions: ReadonlySet<FunctionName> = new Set(['chat-stream']);

/** A CloudFront behaviour in front of a function URL: a path pattern (`*` matches any characters, `/` too). */
export interface ApiBehaviour {
  readonly pathPattern: string;
  readonly fn: FunctionName;
}

const globToRegExp = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+?^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** The function whose behaviour takes `path`: CloudFront takes the first pattern that matches. */
export const behaviourFor = (behaviours: readonly ApiBehaviour[], path: string): ApiBehaviour | undefined =>
  behaviours.find((b) => globToRegExp(b.pathPattern).test(path));

/** A function's pattern: its one path with parameters as `*`, or the literal prefix its paths share, up to a `/`, and `*`. */
const patternOf = (paths: readonly string[]): string => {
  const wild = paths.map((p) => p.replace(/\{[^}]+\}/g, '*'));
  if (new Set(wild).size === 1) return wild[0]!;
  let prefix = wild[0]!;
  for (const p of wild) while (!p.startsWith(prefix)) prefix = prefix.slice(0, -1);
  if (prefix.includes('*')) prefix = prefix.slice(0, prefix.indexOf('*'));
  return `${prefix.slice(0, prefix.lastIndexOf('/') + 1)}*`;
};

/**
 * The CloudFront behaviours, one per function, from the route table; the most
 * specific first (a pattern without a trailing `*`, then the longer). Building
 * them checks that every route's path lands on its own function.
 */
export const behavioursOf = (table: readonly Route[]): ApiBehaviour[] => {
  const byFn = new Map<FunctionName, string[]>();
  for (const r of table) byFn.set(r.fn, [...(byFn.get(r.fn) ?? []), r.path]);
  const behaviours = [...byFn].map(([fn, paths]) => ({ pathPattern: patternOf(paths), fn }))
    .sort((a, b) => Number(a.pathPattern.endsWith('*')) - Number(b.pathPattern.endsWith('*')) || b.pathPattern.length - a.pathPattern.length);
  for (const r of table) {
    const sample = r.path.replace(/\{[^}]+\}/g, 'x');
    const taken = behaviourFor(behaviours, sample);
    if (taken?.fn !== r.fn) throw new Error(`${routeKeyOf(r)} would reach ${taken?.fn ?? 'no function'} through CloudFront, not ${r.fn}`);
  }
  return behaviours;
};

// The chat path (parameters as stars) → chat-stream, the rest of /widget/v1/ → widget-api, /v1/ → admin-api.
export const apiBehaviours: readonly ApiBehaviour[] = behavioursOf(routes);
