/** Bots and their configuration (with the Amazon Bedrock models it may name), and where a bot's data goes. */
import * as z from 'zod';
import { MAX_BOT_NAME_CHARS, MAX_INSTRUCTIONS_CHARS, MAX_LEAD_FIELDS, MAX_SUGGESTED_QUESTIONS } from '../core/limits.ts';
import { ANSWER_PROVIDERS, KEYLESS_PROVIDER, LOCAL } from '../core/providers.ts';
import type { Bot } from '../core/records.ts';
import { route } from './contract.ts';
import type { BedrockCatalogue, DataFlow } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;

const embeddingSizes = z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(1536)]);

const settings = {
  name: z.string().trim().min(1).max(MAX_BOT_NAME_CHARS),
  instructions: z.string().max(MAX_INSTRUCTIONS_CHARS),
  welcomeMessage: z.string().max(500),
  allowedOrigins: z.array(z.string().max(200)).max(20),
  embedding: z.discriminatedUnion('provider', [
    z.object({ provider: z.literal(LOCAL) }).strict(),
    z.object({ provider: z.literal('openai'), dimensions: embeddingSizes }).strict(),
    z.object({
      provider: z.literal(KEYLESS_PROVIDER),
      dimensions: embeddingSizes,
      // Bedrock's embedding model (absent: Titan V2); which ones the operator approved is checked when the bot is saved.
      model: z.string().regex(/^[A-Za-z0-9._:/-]{1,200}$/, 'a Bedrock embedding model such as cohere.embed-multilingual-v3').optional(),
    }).strict(),
  ]),
  model: z.discriminatedUnion('provider', [
    z.object({ provider: z.literal(LOCAL) }).strict(),
    z.object({ provider: z.enum(ANSWER_PROVIDERS), model: z.string().regex(/^[A-Za-z0-9._:/-]{1,100}$/, 'a model name such as gpt-4.1-mini') }).strict(),
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
  documentComments: z.boolean(),
};

export const botsContract = {
  listBots: route<{ bots: Bot[] }>()({ ...admin, method: 'GET', path: '/v1/bots', status: 200 }),
  createBot: route<{ bot: Bot }>()({
    ...admin, method: 'POST', path: '/v1/bots', status: 201, audit: ['bot.create'],
    body: z.object(settings).partial().required({ name: true }).strict(),
  }),
  getBot: route<{ bot: Bot }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}', status: 200 }),
  updateBot: route<{ bot: Bot }>()({
    ...admin, method: 'PATCH', path: '/v1/bots/{botId}', status: 200, audit: ['bot.update'],
    // `leadForm: null` switches a saved contact form off.
    body: z.object({ ...settings, leadForm: settings.leadForm.nullable() }).partial().strict(),
  }),
  deleteBot: route()({ ...admin, method: 'DELETE', path: '/v1/bots/{botId}', status: 204, audit: ['bot.delete'] }),
  getDataFlow: route<{ dataFlow: DataFlow }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/data-flow', status: 200 }),
  // The models a bot's settings may name on Amazon Bedrock: the operator's approved list, for any member.
  listBedrockModels: route<BedrockCatalogue>()({ ...admin, method: 'GET', path: '/v1/bedrock/models', status: 200 }),
} as const;
