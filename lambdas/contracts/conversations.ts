/**
 * What visitors left with a bot: conversations, leads and handoffs, one
 * visitor's data across bots, and the questions the bot could not answer.
 */
import * as z from 'zod';
import { MAX_SEARCH_CHARS, MAX_UNANSWERED_GROUPS } from '../core/limits.ts';
import type { VisitorContact } from '../core/records.ts';
import { route } from './contract.ts';
import type { ConversationPage, ConversationSearch, Transcript, UnansweredReport, VisitorData } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;

export const conversationsContract = {
  // With `q`, a text search: the newest conversations are opened and searched.
  listConversations: route<ConversationPage | ConversationSearch>()({
    ...admin, method: 'GET', path: '/v1/bots/{botId}/conversations', status: 200,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(1000).optional(),
      q: z.string().trim().min(1, 'type something to search for').max(MAX_SEARCH_CHARS, `search for at most ${MAX_SEARCH_CHARS} characters`).optional(),
    }),
  }),
  readConversation: route<Transcript>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/conversations/{conversationId}', status: 200 }),
  deleteConversation: route()({
    ...admin, method: 'DELETE', path: '/v1/bots/{botId}/conversations/{conversationId}', status: 204, audit: ['conversation.delete'],
  }),
  listLeads: route<{ leads: VisitorContact[] }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/leads', status: 200 }),
  listHandoffs: route<{ handoffs: VisitorContact[] }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/handoffs', status: 200 }),
  deleteLead: route()({ ...admin, method: 'DELETE', path: '/v1/bots/{botId}/leads/{contactId}', status: 204, audit: ['contact.delete'] }),
  deleteHandoff: route()({ ...admin, method: 'DELETE', path: '/v1/bots/{botId}/handoffs/{contactId}', status: 204, audit: ['contact.delete'] }),
  listUnanswered: route<UnansweredReport>()({
    ...admin, method: 'GET', path: '/v1/bots/{botId}/unanswered', status: 200,
    query: z.object({ limit: z.coerce.number().int().min(1).max(MAX_UNANSWERED_GROUPS).default(50) }).strict(),
  }),
  dismissUnanswered: route<{ dismissed: number }>()({
    ...admin, method: 'POST', path: '/v1/bots/{botId}/unanswered/{groupId}/dismiss', status: 200, audit: ['unanswered.dismiss'],
  }),
  findVisitor: route<VisitorData>()({
    ...admin, method: 'GET', path: '/v1/visitors', status: 200,
    query: z.object({ visitorId: z.string().max(40).optional(), email: z.string().max(254).optional(), conversationId: z.string().max(40).optional() }).strict(),
  }),
  eraseVisitor: route<{ erased: { conversations: number; contacts: number } }>()({
    ...admin, method: 'DELETE', path: '/v1/visitors/{visitorId}', status: 200, audit: ['visitor.erase'],
  }),
} as const;
