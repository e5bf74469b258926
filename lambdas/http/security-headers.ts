/** Headers every API response carries: nothing is cached, sniffed, framed or rendered as a page. */
import type { MiddlewareObj } from '@middy/core';
import type { HttpResult } from './responses.ts';

export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

export const securityHeaders = (): MiddlewareObj<unknown, HttpResult> => {
  const addHeaders = (request: { response: HttpResult | null | undefined }) => {
    if (request.response) request.response.headers = { ...API_SECURITY_HEADERS, ...request.response.headers };
  };
  return { after: addHeaders, onError: addHeaders };
};
