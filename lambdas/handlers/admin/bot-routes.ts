import { z } from 'zod';
import { createBot, deleteBot, getBot, listBots } from '../../core/bots.ts';
import { updateBot } from '../../core/bots.ts';
import { MAX_BOT_NAME_CHARS, MAX_INSTRUCTIONS_CHARS } from '../../core/limits.ts';
import { jsonBody, pathParam } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const settings = {
  name: z.string().trim().min(1).max(MAX_BOT_NAME_CHARS),
  instructions: z.string().max(MAX_INSTRUCTIONS_CHARS),
  welcomeMessage: z.string().max(500),
  allowedOrigins: z.array(z.string().max(200)).max(20),
  embedding: z.discriminatedUnion('provider', [
    z.object({ provider: z.literal('local') }).strict(),
    z.object({ provider: z.literal('openai'), dimensions: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(1536)]) }).strict(),
  ]),
};
const createBody = z.object(settings).partial().required({ name: true }).strict();
const patchBody = z.object(settings).partial().strict();

export const botRoutes: Record<string, AdminRoute> = {
  'GET /v1/bots': async ({ deps, tenant }) => json(200, { bots: await listBots(deps, await tenant()) }),
  'POST /v1/bots': async ({ event, deps, tenant }) =>
    json(201, { bot: await createBot(deps, await tenant(), jsonBody(event, createBody)) }),
  'GET /v1/bots/{botId}': async ({ event, deps, tenant }) =>
    json(200, { bot: await getBot(deps, await tenant(), pathParam(event, 'botId')) }),
  'PATCH /v1/bots/{botId}': async ({ event, deps, tenant }) =>
    json(200, { bot: await updateBot(deps, await tenant(), pathParam(event, 'botId'), jsonBody(event, patchBody)) }),
  'DELETE /v1/bots/{botId}': async ({ event, deps, tenant }) => {
    await deleteBot(deps, await tenant(), pathParam(event, 'botId'));
    return noContent();
  },
};
