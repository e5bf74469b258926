/** The admin API function: every `/v1` route, behind the JWT authorizer. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError } from '../core/errors.ts';
import { getRuntime } from '../adapters/wiring.ts';
import { httpErrorHandler } from '../http/error-handler.ts';
import { verifiedUser } from '../http/request.ts';
import type { HttpResult } from '../http/responses.ts';
import { requestLog } from '../http/request-log.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { accountRoutes } from './admin/account-routes.ts';
import { botRoutes } from './admin/bot-routes.ts';
import { conversationRoutes } from './admin/conversation-routes.ts';
import { adminContext, type AdminRoute } from './admin/context.ts';
import { documentRoutes } from './admin/document-routes.ts';
import { keyRoutes } from './admin/key-routes.ts';
import { memberRoutes } from './admin/member-routes.ts';
import { audited, AUDITED_ROUTES } from './admin/audited.ts';

const routes: Record<string, AdminRoute> = Object.fromEntries(
  Object.entries({ ...accountRoutes, ...botRoutes, ...documentRoutes, ...keyRoutes, ...conversationRoutes, ...memberRoutes })
    .map(([key, route]) => [key, AUDITED_ROUTES[key] ? audited(AUDITED_ROUTES[key], route) : route]),
);

const { deps, logger, edgeSecret } = getRuntime();

export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(requestLog({ logger, fn: 'admin-api', edgeSecret }))
  .use(securityHeaders())
  .use(httpErrorHandler({ logger }))
  .handler(async (event) => {
    const route = routes[event.routeKey];
    if (!route) throw new AppError('not_found', 'No such route.');
    return route(adminContext(event, deps, verifiedUser(event), edgeSecret));
  });
