/**
 * The widget's public JSON routes: config, sessions, feedback, "talk to a human",
 * the lead form, the visitor's own transcript, and CORS preflights, dispatched by
 * the widget contract to `widget/widget-routes.ts`.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getRuntime } from '../adapters/wiring.ts';
import { dispatchByContract } from '../http/dispatch.ts';
import { cloudFrontOnly } from '../http/edge-proof.ts';
import { httpErrorHandler } from '../http/error-handler.ts';
import { header } from '../http/request.ts';
import type { HttpResult } from '../http/responses.ts';
import { requestLog } from '../http/request-log.ts';
import { routeMatchOf } from '../http/route-matcher.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { widgetCors } from '../http/widget-cors.ts';
import { widgetApiRoutes, widgetRoutes, type WidgetContext } from './widget/widget-routes.ts';

const { deps, logger, edgeSecret, stage } = getRuntime();
const dispatch = dispatchByContract<WidgetContext>(widgetApiRoutes, widgetRoutes);

export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(requestLog({ logger, fn: 'widget-api', edgeSecret }))
  .use(securityHeaders())
  .use(cloudFrontOnly({ edgeSecret, stage }))
  .use(routeMatchOf(widgetApiRoutes))
  // After the error handler in the chain, so errors get CORS headers too (middy runs these in reverse).
  .use(widgetCors())
  .use(httpErrorHandler({ logger }))
  .handler((event) => dispatch(event, { event, origin: header(event, 'origin'), deps, edgeSecret }));
