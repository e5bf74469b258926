/** JSON responses in the one error shape: `{"error":{"code","message"}}`. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AppError } from '../core/errors.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

export const noContent = (): HttpResult => ({ statusCode: 204, headers: {}, body: '' });

export const errorResult = (err: Pick<AppError, 'status' | 'code' | 'message' | 'details'> & { retryAfterSeconds?: number | undefined }): HttpResult =>
  json(
    err.status,
    { error: { code: err.code, message: err.message, ...(err.details ?? {}) } },
    err.retryAfterSeconds !== undefined ? { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterSeconds))) } : {},
  );

export const internalErrorResult = (): HttpResult =>
  json(500, { error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } });
