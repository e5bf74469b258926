/**
 * The HTTP route table: one source for the CDK API (routes and authorizers),
 * the local platform's router, and the handlers' dispatch on `event.routeKey`.
 */

/** The Lambda function that serves a route; one entry file each in lambdas/handlers. */
export type FunctionName = 'admin-api' | 'widget-api' | 'chat-stream';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path template, parameters in braces: `/v1/bots/{botId}`. */
  readonly path: string;
  readonly fn: FunctionName;
  /** `jwt`: behind the Cognito JWT authorizer (admin). `public`: origin-checked widget routes. */
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
];

/** `"GET /v1/bots/{botId}"`, the form API Gateway puts in `event.routeKey`. */
export const routeKeyOf = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** Functions whose response is streamed (Lambda response streaming behind a function URL on AWS). */
export const streamingFunctions: ReadonlySet<FunctionName> = new Set(['chat-stream']);
