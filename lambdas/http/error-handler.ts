/**
 * Errors translated at the boundary: an AppError becomes its status and message;
 * anything else is logged (redacted) and answered with a generic 500, so no
 * stack trace or internal message ever leaves a handler.
 */
import type { MiddlewareObj } from '@middy/core';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { errorResult, internalErrorResult, type HttpResult } from './responses.ts';

export const httpErrorHandler = (opts: { logger: Logger }): MiddlewareObj<unknown, HttpResult> => {
  const onError: NonNullable<MiddlewareObj<unknown, HttpResult>['onError']> = (request) => {
    const err = request.error;
    if (err instanceof AppError) {
      // A pause or an outage answered on purpose is not a failure of ours.
      if (err.code === 'internal') opts.logger.error('request failed', { code: err.code, error: err });
      request.response = errorResult(err);
      return;
    }
    opts.logger.error('unhandled error', { error: err, requestId: request.context.awsRequestId });
    request.response = internalErrorResult();
  };
  return { onError };
};
