/** The widget's public JSON routes (config). Origin-checked; the account comes from the public id lookup. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { openVisitorChat } from '../core/chat.ts';
import { AppError } from '../core/errors.ts';
import { getRuntime } from '../adapters/wiring.ts';
import { httpErrorHandler } from '../http/error-handler.ts';
import { header, pathParam } from '../http/request.ts';
import { json, type HttpResult } from '../http/responses.ts';
import { securityHeaders } from '../http/security-headers.ts';

const { deps, logger } = getRuntime();

export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(securityHeaders())
  .use(httpErrorHandler({ logger }))
  .handler(async (event) => {
    if (event.routeKey !== 'GET /widget/v1/{publicId}/config') throw new AppError('not_found', 'No such route.');
    const origin = header(event, 'origin');
    const { bot } = await openVisitorChat(deps, pathParam(event, 'publicId'), origin);
    return json(200, { name: bot.name, welcomeMessage: bot.welcomeMessage }, origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {});
  });
