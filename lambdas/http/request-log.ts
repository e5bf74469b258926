/**
 * One structured line per HTTP response, for the alarms that watch for attack
 * (bursts of 401/403/404 from one network or against one account):
 * `{"message":"request","fn","route","status","accountId","source","ms"}`.
 * The address is cut to its network (`addressPrefix`); nothing of the request's
 * content is logged. Handlers name the account once they know it (`noteAccount`).
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '../shared/logger.ts';
import { addressPrefix, clientAddress } from './client-address.ts';
import type { HttpResult } from './responses.ts';

const accounts = new WeakMap<object, string>();
const started = new WeakMap<object, number>();

/** Records which account a request was for (after it was verified), for its log line. */
export const noteAccount = (event: APIGatewayProxyEventV2, accountId: string): void => {
  accounts.set(event, accountId);
};

export const requestLog = (opts: { logger: Logger; fn: string; edgeSecret?: string | undefined }): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> => {
  const write = (event: APIGatewayProxyEventV2, status: number) => {
    const start = started.get(event);
    opts.logger.info('request', {
      fn: opts.fn,
      route: event.routeKey === '$default' ? `${event.requestContext.http.method} ${event.rawPath.replace(/\/widget\/v1\/[^/]+\//, '/widget/v1/{publicId}/')}` : event.routeKey,
      status,
      accountId: accounts.get(event) ?? null,
      source: addressPrefix(clientAddress(event, opts.edgeSecret)),
      ms: start === undefined ? null : Math.round(performance.now() - start),
    });
  };
  return {
    before: (request) => {
      started.set(request.event, performance.now());
    },
    after: (request) => write(request.event, request.response?.statusCode ?? 200),
    // Runs after the error handler has turned the error into a response (middy calls onError in reverse order of use).
    onError: (request) => write(request.event, request.response?.statusCode ?? 500),
  };
};
