/**
 * The admin API function: every `/v1` route. Only through CloudFront (the edge
 * proof), matched to its route here, and signed in with a Cognito ID token that
 * this function checks.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { adminContracts } from '../contracts/admin.ts';
import { routesOf } from '../contracts/contract.ts';
import { AppError } from '../core/errors.ts';
import { idTokenVerifierFrom } from '../adapters/auth/id-token-verifier.ts';
import { getRuntime } from '../adapters/wiring.ts';
import { adminSignIn } from '../http/admin-sign-in.ts';
import { cloudFrontOnly } from '../http/edge-proof.ts';
import { httpErrorHandler } from '../http/error-handler.ts';
import { verifiedUser } from '../http/request.ts';
import type { HttpResult } from '../http/responses.ts';
import { requestLog } from '../http/request-log.ts';
import { routeMatchOf } from '../http/route-matcher.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { accountRoutes } from './admin/account-routes.ts';
import { botRoutes } from './admin/bot-routes.ts';
import { conversationRoutes } from './admin/conversation-routes.ts';
import { adminContext, type AdminRoute } from './admin/context.ts';
import { documentRoutes } from './admin/document-routes.ts';
import { keyRoutes } from './admin/key-routes.ts';
import { meRoutes } from './admin/me-routes.ts';
import { memberRoutes } from './admin/member-routes.ts';
import { unansweredRoutes } from './admin/unanswered-routes.ts';

const routes: Record<string, AdminRoute> = {
  ...accountRoutes, ...botRoutes, ...documentRoutes, ...keyRoutes, ...conversationRoutes, ...unansweredRoutes, ...memberRoutes, ...meRoutes,
};

const { deps, logger, edgeSecret, adminAuth, stage, config } = getRuntime();
if (!adminAuth) throw new Error('The admin function needs its user pool: PARLEY_ADMIN_AUTH_PARAMETER on AWS, PARLEY_USER_POOL_ID and PARLEY_ADMIN_CLIENT_ID locally');

// Before hooks run in this order; onError hooks in the reverse, so the route match's and the
// sign-in's headers are added after the error handler made the response.
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(requestLog({ logger, fn: 'admin-api', edgeSecret }))
  .use(securityHeaders())
  .use(cloudFrontOnly({ edgeSecret, stage }))
  .use(routeMatchOf(routesOf(...Object.values(adminContracts))))
  .use(adminSignIn({ verifier: idTokenVerifierFrom(config, adminAuth, logger) }))
  .use(httpErrorHandler({ logger }))
  .handler(async (event) => {
    const route = routes[event.routeKey];
    if (!route) throw new AppError('not_found', 'No such route.');
    return route(adminContext(event, deps, verifiedUser(event), edgeSecret));
  });
