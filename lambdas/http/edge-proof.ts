/**
 * Only CloudFront reaches the functions. Their function URLs are public
 * addresses (auth NONE: CloudFront's origin access control for function URLs
 * would make every browser sign its POST bodies), so each function refuses, with
 * 403 and the error shape, any request without the edge secret CloudFront adds
 * as an origin header. Without the secret configured it lets everything
 * through, which only the local platform may do: on AWS a function without it
 * fails at cold start rather than serve unproven requests.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError } from '../core/errors.ts';
import { cameThroughCloudFront } from './client-address.ts';
import type { HttpResult } from './responses.ts';

export interface CloudFrontOnlyOptions {
  /** The functions' `PARLEY_EDGE_SECRET`. */
  readonly edgeSecret: string | undefined;
  /** `aws` requires the secret. */
  readonly stage: 'local' | 'aws';
}

/** Middleware: 403 for a request that did not come through CloudFront. Use it first, so nothing else runs for such a request. */
export const cloudFrontOnly = (opts: CloudFrontOnlyOptions): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> => {
  const { edgeSecret } = opts;
  if (!edgeSecret) {
    if (opts.stage === 'aws') throw new Error('PARLEY_EDGE_SECRET is not set: on AWS the functions answer only requests that came through CloudFront');
    // The local platform without its CloudFront stand-in: nothing to check.
    return { before: function noEdgeToCheck() {} };
  }
  return {
    before: function requireEdgeProof(request) {
      if (!cameThroughCloudFront(request.event, edgeSecret)) {
        throw new AppError('forbidden', 'This address answers only through the Parley site. Use its address instead.');
      }
    },
  };
};
