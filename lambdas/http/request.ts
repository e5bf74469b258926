/** Reading what a request carries: verified identity, path parameters, a schema-checked JSON body. */
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
// Works for schemas of zod's full and mini builds alike (both are zod core schemas).
import * as z from 'zod/mini';
import '../shared/zod-messages.ts';
import type { VerifiedUser } from '../core/accounts.ts';
import { AppError, invalid } from '../core/errors.ts';
import { MAX_JSON_BODY_BYTES } from '../core/limits.ts';

/** The user the JWT authorizer verified (API Gateway on AWS, the local platform's verifier locally). */
export const verifiedUser = (event: APIGatewayProxyEventV2): VerifiedUser => {
  const claims = (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || !sub) throw new AppError('unauthorized', 'Sign in to continue.');
  // API Gateway's JWT authorizer passes every claim as a string ("true"); a verifier of our own keeps JSON's boolean.
  const verified = claims?.email_verified as unknown;
  return { userId: sub, email: typeof claims?.email === 'string' ? claims.email : '', emailVerified: verified === true || verified === 'true' };
};

export const pathParam = (event: APIGatewayProxyEventV2, name: string): string => event.pathParameters?.[name] ?? '';

/** Header lookup; API Gateway lower-cases header names in v2 events. */
export const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => event.headers[name.toLowerCase()];

/** The token of an `Authorization: Bearer` header, if any. */
export const bearerToken = (event: APIGatewayProxyEventV2): string | undefined => {
  const m = /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '');
  return m?.[1];
};

/** Parses and validates a JSON body; every failure is a 400 that names the field. */
export const jsonBody = <S extends z.core.$ZodType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> => {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw) > MAX_JSON_BODY_BYTES) {
    throw new AppError('payload_too_large', `Request bodies can be at most ${MAX_JSON_BODY_BYTES / 1024} KB.`);
  }
  const type = header(event, 'content-type') ?? '';
  if (raw && !/^application\/json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the request body as application/json.');
  }
  let value: unknown;
  try {
    value = raw ? JSON.parse(raw) : {};
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
  return checked(schema, value, 'body');
};

/** Validates query parameters; every failure is a 400 that names the parameter. */
export const queryParams = <S extends z.core.$ZodType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> =>
  checked(schema, event.queryStringParameters ?? {}, 'query');

/** `value` checked against `schema`, or a 400 naming the first field at fault (`whole` when it is the whole value). */
const checked = <S extends z.core.$ZodType>(schema: S, value: unknown, whole: string): z.output<S> => {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || whole;
    throw invalid(`${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  return parsed.data;
};
