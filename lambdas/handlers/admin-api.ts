/**
 * The admin API function: every `/v1` route. Only through CloudFront (the edge
 * proof), matched to its route here, and signed in with a Cognito ID token that
 * this function checks. Dispatched by the admin contracts to `admin/*-routes.ts`.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { idTokenVerifierFrom } from '../adapters/auth/id-token-verifier.ts';
import { getRuntime } from '../adapters/wiring.ts';
import { adminSignIn } from '../http/admin-sign-in.ts';
import { dispatchByContract } from '../http/dispatch.ts';
import { cloudFrontOnly } from '../http/edge-proof.ts';
import { httpErrorHandler } from '../http/error-handler.ts';
import { verifiedUser } from '../http/request.ts';
import type { HttpResult } from '../http/responses.ts';
import { requestLog } from '../http/request-log.ts';
import { routeMatchOf } from '../http/route-matcher.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { adminApiRoutes, adminRoutes } from './admin/admin-routes.ts';
import { adminContext, type AdminContext } from './admin/context.ts';

// Throws on load, naming the route, if a contract route has no implementation.
const dispatch = dispatchByContract<AdminContext>(adminApiRoutes, adminRoutes);

const { deps, logger, edgeSecret, adminAuth, stage, config } = getRuntime();
if (!adminAuth) throw new Error('The admin function needs its user pool: PARLEY_ADMIN_AUTH_PARAMETER on AWS, PARLEY_USER_POOL_ID and PARLEY_ADMIN_CLIENT_ID locally');

// Before hooks run in this order; onError hooks in the reverse, so the route match's and the
// sign-in's headers are added after the error handler made the response.
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(requestLog({ logger, fn: 'admin-api', edgeSecret }))
  .use(securityHeaders())
  .use(cloudFrontOnly({ edgeSecret, stage }))
  .use(routeMatchOf(adminApiRoutes))
  .use(adminSignIn({ verifier: idTokenVerifierFrom(config, adminAuth, logger) }))
  .use(httpErrorHandler({ logger }))
  .handler((event) => dispatch(event, adminContext(event, deps, verifiedUser(event), edgeSecret)));
