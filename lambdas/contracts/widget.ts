/**
 * The widget's public routes: config, visitor sessions, the streamed chat, the
 * visitor's actions and own transcript, and CORS preflights. Schemas use zod's
 * mini build, the one the widget and chat functions load at a cold start.
 */
import * as z from 'zod/mini';
import { MAX_QUESTION_CHARS } from '../core/limits.ts';
import { route } from './contract.ts';
import type { ChatStreamEvent, PreflightHeaders, VisitorSessionGrant, VisitorTranscript, WidgetConfig } from './views.ts';

const widget = { fn: 'widget-api', auth: 'public' } as const;
const chat = { fn: 'chat-stream', auth: 'public' } as const;

const text = (max: number) => z.string().check(z.maxLength(max));
const trimmed = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const widgetContract = {
  getConfig: route<WidgetConfig>()({ ...widget, method: 'GET', path: '/widget/v1/{publicId}/config', status: 200 }),
  startSession: route<VisitorSessionGrant>()({ ...widget, method: 'POST', path: '/widget/v1/{publicId}/sessions', status: 201 }),
  giveFeedback: route()({
    ...widget, method: 'POST', path: '/widget/v1/{publicId}/feedback', status: 204,
    body: z.strictObject({ conversationId: text(40), turnId: text(40), rating: z.enum(['up', 'down']), comment: z.optional(text(1000)) }),
  }),
  requestHandoff: route<{ contactId: string }>()({
    ...widget, method: 'POST', path: '/widget/v1/{publicId}/handoff', status: 201, audit: ['visitor.handoff'],
    body: z.strictObject({
      name: z.optional(text(120)),
      email: z.optional(text(254)),
      phone: z.optional(text(32)),
      message: trimmed(2000),
      conversationId: z.optional(text(40)),
    }),
  }),
  submitLead: route<{ contactId: string }>()({
    ...widget, method: 'POST', path: '/widget/v1/{publicId}/lead', status: 201, audit: ['visitor.lead'],
    body: z.strictObject({
      name: trimmed(120),
      email: text(254),
      fields: z.optional(z.record(text(40), text(500))),
      conversationId: z.optional(text(40)),
    }),
  }),
  readOwnConversation: route<VisitorTranscript>()({ ...widget, method: 'GET', path: '/widget/v1/{publicId}/conversations/{conversationId}', status: 200 }),
  // Preflights: allowed origins are per bot, so the widget function answers them.
  preflight: route<PreflightHeaders>()({ ...widget, method: 'OPTIONS', path: '/widget/v1/{publicId}/{proxy+}', status: 204 }),
  // A stream of server-sent events, each one of ChatStreamEvent.
  chat: route<AsyncIterable<ChatStreamEvent>>()({
    ...chat, method: 'POST', path: '/widget/v1/{publicId}/chat', status: 200, audit: ['chat.provider_call', 'chat.budget_exceeded'],
    body: z.strictObject({
      // Generous here, so an over-long question gets the limit in words from validateQuestion.
      question: z.string().check(z.maxLength(MAX_QUESTION_CHARS * 20)),
      conversationId: z.optional(z.string().check(z.maxLength(40))),
    }),
  }),
  // CloudFront sends every method on the chat path to the chat function, preflights included.
  chatPreflight: route<PreflightHeaders>()({ ...chat, method: 'OPTIONS', path: '/widget/v1/{publicId}/chat', status: 204 }),
} as const;
