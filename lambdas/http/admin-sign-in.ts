/**
 * Middleware: the admin panel's sign-in, checked by the admin function itself.
 * A valid ID token's claims go where API Gateway's JWT authorizer put them
 * (`requestContext.authorizer.jwt.claims`), so `verifiedUser` reads them the
 * same way; anything else is 401 with `WWW-Authenticate: Bearer`. Use it after
 * the route match: an unknown path is 404 whether signed in or not.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { AppError } from '../core/errors.ts';
import type { IdTokenVerifier } from '../adapters/auth/id-token-verifier.ts';
import { bearerToken } from './request.ts';
import type { HttpResult } from './responses.ts';

type Claims = APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer']['jwt']['claims'];

export const adminSignIn = (opts: { verifier: IdTokenVerifier }): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> => ({
  before: async function checkIdToken(request) {
    const claims = await opts.verifier.verify(bearerToken(request.event));
    (request.event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer = { jwt: { claims: claims as Claims, scopes: [] } };
  },
  onError: function askForBearer(request) {
    if (request.error instanceof AppError && request.error.code === 'unauthorized' && request.response) {
      request.response.headers = { ...request.response.headers, 'www-authenticate': 'Bearer' };
    }
  },
});
