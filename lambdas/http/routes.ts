/**
 * The HTTP route table: one source for CloudFront's behaviours (which path
 * goes to which function URL), the local platform's dispatch, and each
 * function's own route match (`route-match.ts`).
 */

/** The Lambda function that serves a route; one entry file each in lambdas/handlers. */
export type FunctionName = 'admin-api' | 'widget-api' | 'chat-stream';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path template, parameters in braces: `/v1/bots/{botId}`. */
  readonly path: string;
  readonly fn: FunctionName;
  /** `jwt`: a Cognito ID token checked by the admin function (admin). `public`: origin-checked widget routes. */
  readonly auth: 'jwt' | 'public';
}

const admin = (method: HttpMethod, path: string): Route => ({ method, path, fn: 'admin-api', auth: 'jwt' });
const widget = (method: HttpMethod, path: string): Route => ({ method, path, fn: 'widget-api', auth: 'public' });

export const routes: readonly Route[] = [
  admin('POST', '/v1/account'),
  admin('GET', '/v1/account'),
  admin('PATCH', '/v1/account'),
  admin('DELETE', '/v1/account'),
  admin('GET', '/v1/account/exports'),
  admin('POST', '/v1/account/exports'),
  admin('GET', '/v1/account/exports/{exportId}'),
  admin('GET', '/v1/audit'),
  admin('GET', '/v1/members'),
  admin('POST', '/v1/members'),
  admin('PATCH', '/v1/members/{userId}'),
  admin('DELETE', '/v1/members/{userId}'),
  admin('POST', '/v1/invitations/{email}/resend'),
  admin('DELETE', '/v1/invitations/{email}'),
  admin('GET', '/v1/me/accounts'),
  admin('DELETE', '/v1/me/accounts/{accountId}'),
  admin('GET', '/v1/me/invitations'),
  admin('POST', '/v1/me/invitations/accept'),
  admin('DELETE', '/v1/me/invitations/{accountId}'),
  admin('GET', '/v1/keys'),
  admin('PUT', '/v1/keys/{provider}'),
  admin('DELETE', '/v1/keys/{provider}'),
  admin('POST', '/v1/keys/{provider}/test'),
  admin('GET', '/v1/bots'),
  admin('POST', '/v1/bots'),
  admin('GET', '/v1/bots/{botId}'),
  admin('PATCH', '/v1/bots/{botId}'),
  admin('DELETE', '/v1/bots/{botId}'),
  admin('GET', '/v1/bots/{botId}/data-flow'),
  admin('GET', '/v1/bots/{botId}/documents'),
  admin('POST', '/v1/bots/{botId}/documents'),
  admin('GET', '/v1/bots/{botId}/documents/{docId}'),
  admin('POST', '/v1/bots/{botId}/documents/{docId}/reingest'),
  admin('POST', '/v1/bots/{botId}/sources'),
  admin('DELETE', '/v1/bots/{botId}/documents/{docId}'),
  admin('GET', '/v1/bots/{botId}/conversations'),
  admin('GET', '/v1/bots/{botId}/conversations/{conversationId}'),
  admin('DELETE', '/v1/bots/{botId}/conversations/{conversationId}'),
  admin('GET', '/v1/bots/{botId}/leads'),
  admin('GET', '/v1/bots/{botId}/handoffs'),
  admin('DELETE', '/v1/bots/{botId}/leads/{contactId}'),
  admin('DELETE', '/v1/bots/{botId}/handoffs/{contactId}'),
  admin('GET', '/v1/bots/{botId}/unanswered'),
  admin('POST', '/v1/bots/{botId}/unanswered/{groupId}/dismiss'),
  admin('GET', '/v1/usage'),
  admin('GET', '/v1/visitors'),
  admin('DELETE', '/v1/visitors/{visitorId}'),
  widget('GET', '/widget/v1/{publicId}/config'),
  widget('POST', '/widget/v1/{publicId}/sessions'),
  widget('POST', '/widget/v1/{publicId}/feedback'),
  widget('POST', '/widget/v1/{publicId}/handoff'),
  widget('POST', '/widget/v1/{publicId}/lead'),
  widget('GET', '/widget/v1/{publicId}/conversations/{conversationId}'),
  // Preflights: allowed origins are per bot, so the widget function answers them.
  widget('OPTIONS', '/widget/v1/{publicId}/{proxy+}'),
  { method: 'POST', path: '/widget/v1/{publicId}/chat', fn: 'chat-stream', auth: 'public' },
  // CloudFront sends every method on the chat path to the chat function, preflights included.
  { method: 'OPTIONS', path: '/widget/v1/{publicId}/chat', fn: 'chat-stream', auth: 'public' },
];

/** `"GET /v1/bots/{botId}"`, the form API Gateway puts in `event.routeKey`. */
export const routeKeyOf = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

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
