import * as z from 'zod';
import { getBot } from '../../core/bot-lookup.ts';
import { createBot, deleteBot, listBots } from '../../core/bots.ts';
import { updateBot } from '../../core/bots.ts';
import { dataFlowOf } from '../../core/data-flow.ts';
import { MAX_BOT_NAME_CHARS, MAX_INSTRUCTIONS_CHARS, MAX_LEAD_FIELDS, MAX_SUGGESTED_QUESTIONS } from '../../core/limits.ts';
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
  model: z.discriminatedUnion('provider', [
    z.object({ provider: z.literal('local') }).strict(),
    z.object({ provider: z.enum(['openai', 'anthropic', 'openai-compatible']), model: z.string().regex(/^[A-Za-z0-9._:/-]{1,100}$/, 'a model name such as gpt-4.1-mini') }).strict(),
  ]),
  temperature: z.number().min(0).max(1),
  suggestedQuestions: z.array(z.string().trim().min(1).max(200)).max(MAX_SUGGESTED_QUESTIONS),
  theme: z.object({
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #2563eb'),
    position: z.enum(['right', 'left']),
    mode: z.enum(['light', 'dark', 'auto']),
    title: z.string().trim().min(1).max(MAX_BOT_NAME_CHARS).optional(),
    avatarUrl: z.url({ protocol: /^https$/ }).max(500).optional(),
  }).strict(),
  leadForm: z.object({
    when: z.enum(['before', 'during']),
    fields: z.array(z.object({
      name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and underscores'),
      label: z.string().trim().min(1).max(80),
      type: z.enum(['text', 'email', 'tel']),
      required: z.boolean(),
    }).strict()).max(MAX_LEAD_FIELDS),
  }).strict(),
  handoff: z.boolean(),
  paused: z.boolean(),
  budget: z.object({
    dailyTokens: z.number().int().min(0).max(1e9),
    monthlyTokens: z.number().int().min(0).max(1e10),
    dailyCostMicros: z.number().int().min(0).max(1e10),
    monthlyCostMicros: z.number().int().min(0).max(1e11),
  }).strict(),
};
const createBody = z.object(settings).partial().required({ name: true }).strict();
// `leadForm: null` switches a saved contact form off.
const patchBody = z.object({ ...settings, leadForm: settings.leadForm.nullable() }).partial().strict();

export const botRoutes: Record<string, AdminRoute> = {
  'GET /v1/bots': async ({ deps, tenant }) => json(200, { bots: await listBots(deps, await tenant()) }),
  'POST /v1/bots': async ({ event, deps, tenant, source }) =>
    json(201, { bot: await createBot(deps, await tenant(), jsonBody(event, createBody), source) }),
  'GET /v1/bots/{botId}': async ({ event, deps, tenant }) =>
    json(200, { bot: await getBot(deps, await tenant(), pathParam(event, 'botId')) }),
  'PATCH /v1/bots/{botId}': async ({ event, deps, tenant, source }) =>
    json(200, { bot: await updateBot(deps, await tenant(), pathParam(event, 'botId'), jsonBody(event, patchBody), source) }),
  'GET /v1/bots/{botId}/data-flow': async ({ event, deps, tenant }) =>
    json(200, { dataFlow: await dataFlowOf(deps, await tenant(), pathParam(event, 'botId')) }),
  'DELETE /v1/bots/{botId}': async ({ event, deps, tenant, source }) => {
    await deleteBot(deps, await tenant(), pathParam(event, 'botId'), source);
    return noContent();
  },
};
