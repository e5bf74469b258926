/** Matches a request to the route table, as API Gateway does, giving routeKey and path parameters. */
import { routeKeyOf, routes, type Route } from '../../lambdas/http/routes.ts';

interface Compiled { route: Route; pattern: RegExp; names: string[] }

const compiled: Compiled[] = routes.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/[.*?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)(\+?)\\?\}/g, (_m, name: string, greedy: string) => {
    names.push(name);
    // `{name+}` is API Gateway's greedy parameter: the rest of the path.
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
});

export type RouteMatch =
  | { kind: 'route'; route: Route; routeKey: string; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'none' };

export const matchRoute = (method: string, path: string): RouteMatch => {
  const allow: string[] = [];
  for (const c of compiled) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allow.push(c.route.method);
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
