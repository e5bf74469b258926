/**
 * The widget's public JSON routes: config, sessions, feedback, "talk to a human",
 * the lead form, the visitor's own transcript, and CORS preflights. The account
 * comes only from the public id lookup; the page's Origin is checked first, and
 * every route but config, sessions and preflights needs the visitor's token.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { routesOf } from '../contracts/contract.ts';
import { widgetContract } from '../contracts/widget.ts';
import { AppError } from '../core/errors.ts';
import { readOwnConversation } from '../core/conversations.ts';
import { giveFeedback, requestHandoff, submitLead } from '../core/visitor-actions.ts';
import { authenticateVisitor, openWidget, startSession, widgetConfig } from '../core/visitor.ts';
import { getRuntime } from '../adapters/wiring.ts';
import { cloudFrontOnly } from '../http/edge-proof.ts';
import { httpErrorHandler } from '../http/error-handler.ts';
import { bearerToken, header, jsonBody, pathParam } from '../http/request.ts';
import { json, noContent, type HttpResult } from '../http/responses.ts';
import { clientAddress } from '../http/client-address.ts';
import { noteAccount, requestLog } from '../http/request-log.ts';
import { routeMatchOf } from '../http/route-matcher.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { allowOrigin, preflightHeaders, widgetCors } from '../http/widget-cors.ts';

const { deps, logger, edgeSecret, stage } = getRuntime();

const { giveFeedback: feedback, requestHandoff: handoff, submitLead: lead } = widgetContract;

type WidgetRoute = (event: APIGatewayProxyEventV2, origin: string | undefined) => Promise<HttpResult>;

/** The bot's widget, if this page may use it; the request's log line names its account from here on. */
const open = async (event: APIGatewayProxyEventV2, origin: string | undefined) => {
  const widget = await openWidget(deps, pathParam(event, 'publicId'), origin);
  noteAccount(event, widget.tenant.accountId);
  return widget;
};

/** The visitor of an allowed page; its origin is allowed before the token is checked, so a 401 is readable. */
const visitor = async (event: APIGatewayProxyEventV2, origin: string | undefined) => {
  const widget = await open(event, origin);
  allowOrigin(event, origin);
  return authenticateVisitor(deps, widget, pathParam(event, 'publicId'), bearerToken(event));
};

const routes: Record<string, WidgetRoute> = {
  'GET /widget/v1/{publicId}/config': async (event, origin) => {
    const { bot } = await open(event, origin);
    allowOrigin(event, origin);
    return json(200, widgetConfig(bot));
  },
  'POST /widget/v1/{publicId}/sessions': async (event, origin) => {
    const widget = await open(event, origin);
    allowOrigin(event, origin);
    return json(201, await startSession(deps, widget, pathParam(event, 'publicId'), clientAddress(event, edgeSecret), bearerToken(event)));
  },
  'POST /widget/v1/{publicId}/feedback': async (event, origin) => {
    await giveFeedback(deps, await visitor(event, origin), jsonBody(event, feedback.body));
    return noContent();
  },
  'POST /widget/v1/{publicId}/handoff': async (event, origin) =>
    json(201, await requestHandoff(deps, await visitor(event, origin), jsonBody(event, handoff.body))),
  'POST /widget/v1/{publicId}/lead': async (event, origin) =>
    json(201, await submitLead(deps, await visitor(event, origin), jsonBody(event, lead.body))),
  'GET /widget/v1/{publicId}/conversations/{conversationId}': async (event, origin) =>
    json(200, await readOwnConversation(deps, await visitor(event, origin), pathParam(event, 'conversationId'))),
  'OPTIONS /widget/v1/{publicId}/{proxy+}': async (event, origin) => {
    await open(event, origin);
    return { statusCode: 204, headers: origin ? preflightHeaders(origin) : {}, body: '' };
  },
};

export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(requestLog({ logger, fn: 'widget-api', edgeSecret }))
  .use(securityHeaders())
  .use(cloudFrontOnly({ edgeSecret, stage }))
  .use(routeMatchOf(routesOf(widgetContract).filter((r) => r.fn === 'widget-api')))
  // After the error handler in the chain, so errors get CORS headers too (middy runs these in reverse).
  .use(widgetCors())
  .use(httpErrorHandler({ logger }))
  .handler(async (event) => {
    const route = routes[event.routeKey];
    if (!route) throw new AppError('not_found', 'No such route.');
    return route(event, header(event, 'origin'));
  });
