/**
 * The visitor chat function: a streamed answer as server-sent events (Lambda
 * response streaming behind a function URL on AWS; the same handler locally).
 * Errors before the first byte are ordinary JSON errors with their status.
 */
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { answerQuestion, openVisitorChat, validateQuestion } from '../core/chat.ts';
import { AppError } from '../core/errors.ts';
import { MAX_QUESTION_CHARS } from '../core/limits.ts';
import { getRuntime } from '../adapters/wiring.ts';
import { httpErrorHandler } from '../http/error-handler.ts';
import { header, jsonBody, pathParam } from '../http/request.ts';
import type { HttpResult } from '../http/responses.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { toSseStream } from '../http/sse.ts';

const chatBody = z.object({ question: z.string().max(MAX_QUESTION_CHARS * 2) }).strict();

const { deps, logger } = getRuntime();

export const handler = middy<APIGatewayProxyEventV2, HttpResult>({ executionMode: executionModeStreamifyResponse })
  .use(securityHeaders())
  .use(httpErrorHandler({ logger }))
  .handler(async (event): Promise<HttpResult> => {
    if (event.routeKey !== 'POST /widget/v1/{publicId}/chat') throw new AppError('not_found', 'No such route.');
    const origin = header(event, 'origin');
    const { tenant, bot } = await openVisitorChat(deps, pathParam(event, 'publicId'), origin);
    const question = validateQuestion(jsonBody(event, chatBody).question);
    const events = answerQuestion(deps, tenant, bot, question);
    const body = toSseStream(events, (err) => {
      logger.error('chat stream failed', { error: err });
      return { code: 'internal', message: 'The answer was interrupted. Please try again.' };
    });
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
      },
      // middy pipes a Readable body into the response stream.
      body: body as unknown as string,
    };
  });
