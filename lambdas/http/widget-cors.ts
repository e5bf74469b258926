/**
 * CORS for the widget routes. Allowed origins are per bot, so they are known only
 * once the handler has looked the bot up: the handler marks the request's origin
 * as allowed (`allowOrigin`), and only then does the response — success or error —
 * carry `Access-Control-Allow-Origin` for it. A page of any other origin gets
 * nothing its scripts can read.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from './responses.ts';

const allowed = new WeakMap<APIGatewayProxyEventV2, string>();

/** Marks `origin` as allowed for this request's response. */
export const allowOrigin = (event: APIGatewayProxyEventV2, origin: string | undefined): void => {
  if (origin) allowed.set(event, origin);
};

export const corsHeadersFor = (origin: string): Record<string, string> => ({
  'access-control-allow-origin': origin,
  'access-control-expose-headers': 'retry-after',
  vary: 'Origin',
});

/** The answer to a preflight from an allowed origin. */
export const preflightHeaders = (origin: string): Record<string, string> => ({
  ...corsHeadersFor(origin),
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
});

export const widgetCors = (): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> => {
  const addHeaders = (request: { event: APIGatewayProxyEventV2; response: HttpResult | null | undefined }) => {
    const origin = allowed.get(request.event);
    if (request.response) request.response.headers = { vary: 'Origin', ...request.response.headers, ...(origin ? corsHeadersFor(origin) : {}) };
  };
  return { after: addHeaders, onError: addHeaders };
};
