/**
 * The visitor chat function: a streamed answer as server-sent events (Lambda
 * response streaming behind a function URL on AWS; the same handler locally).
 * Every refusal (origin, token, pause, rate limit, budget) comes before the
 * first byte, as an ordinary JSON error with its status; once streaming, a
 * failure is an `error` event. While the model thinks, SSE comments keep the
 * stream from looking idle to CloudFront; an answer past its deadline ends with an
 * `error` event too. A visitor who goes away cancels the provider call.
 */
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { routesOf } from '../contracts/contract.ts';
import { widgetContract } from '../contracts/widget.ts';
import { prepareAnswer, streamAnswer } from '../core/chat.ts';
import { authenticateVisitor, openWidget } from '../core/visitor.ts';
import { getRuntime } from '../adapters/wiring.ts';
import { cloudFrontOnly } from '../http/edge-proof.ts';
import { httpErrorHandler } from '../http/error-handler.ts';
import { bearerToken, header, jsonBody, pathParam } from '../http/request.ts';
import type { HttpResult } from '../http/responses.ts';
import { clientAddress } from '../http/client-address.ts';
import { noteAccount, requestLog } from '../http/request-log.ts';
import { routeMatchOf } from '../http/route-matcher.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { toSseStream } from '../http/sse.ts';
import { allowOrigin, preflightHeaders, widgetCors } from '../http/widget-cors.ts';

const { deps, logger, edgeSecret, stage, streaming } = getRuntime();

export const handler = middy<APIGatewayProxyEventV2, HttpResult>({ executionMode: executionModeStreamifyResponse })
  .use(requestLog({ logger, fn: 'chat-stream', edgeSecret }))
  .use(securityHeaders())
  .use(cloudFrontOnly({ edgeSecret, stage }))
  .use(routeMatchOf(routesOf(widgetContract).filter((r) => r.fn === 'chat-stream')))
  .use(widgetCors())
  .use(httpErrorHandler({ logger }))
  .handler(async (event): Promise<HttpResult> => {
    const publicId = pathParam(event, 'publicId');
    const origin = header(event, 'origin');
    if (event.routeKey === 'OPTIONS /widget/v1/{publicId}/chat') {
      await openWidget(deps, publicId, origin);
      return { statusCode: 204, headers: origin ? preflightHeaders(origin) : {}, body: '' };
    }
    const widget = await openWidget(deps, publicId, origin);
    noteAccount(event, widget.tenant.accountId);
    // Allowed before the token is checked, so the page can read a 401 and start a new session.
    allowOrigin(event, origin);
    const session = await authenticateVisitor(deps, widget, publicId, bearerToken(event));
    const prepared = await prepareAnswer(deps, session, jsonBody(event, widgetContract.chat.body), clientAddress(event, edgeSecret));

    // The stream closing before its end means the visitor went away: `cancel` stops the provider call.
    const cancel = new AbortController();
    const body = toSseStream(streamAnswer(deps, prepared, { signal: cancel.signal, deadlineMs: streaming.maxAnswerMs }), {
      heartbeatMs: streaming.heartbeatMs,
      cancel,
      onError: (err) => {
        logger.error('chat stream failed', { error: err });
        return { code: 'internal', message: 'The answer was interrupted. Please try again.' };
      },
    });
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' },
      // middy pipes a Readable body into the response stream.
      body: body as unknown as string,
    };
  });
