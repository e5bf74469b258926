import * as z from 'zod';
import { deleteContact, deleteConversation, listContacts, listConversations, readConversation, searchConversations, usageOf } from '../../core/conversations.ts';
import { MAX_SEARCH_CHARS } from '../../core/limits.ts';
import { eraseVisitor, findVisitor } from '../../core/visitor-data.ts';
import { pathParam, queryParams } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(1000).optional(),
  // A text search: the newest conversations are opened and searched (see searchConversations).
  q: z.string().trim().min(1, 'type something to search for').max(MAX_SEARCH_CHARS, `search for at most ${MAX_SEARCH_CHARS} characters`).optional(),
});
const visitorQuery = z.object({ visitorId: z.string().max(40).optional(), email: z.string().max(254).optional(), conversationId: z.string().max(40).optional() }).strict();
const monthQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() });

export const conversationRoutes: Record<string, AdminRoute> = {
  'GET /v1/bots/{botId}/conversations': async ({ event, deps, tenant }) => {
    const { q, ...page } = queryParams(event, listQuery);
    const botId = pathParam(event, 'botId');
    return json(200, q !== undefined
      ? await searchConversations(deps, await tenant(), botId, { q, limit: page.limit })
      : await listConversations(deps, await tenant(), botId, page));
  },
  'GET /v1/bots/{botId}/conversations/{conversationId}': async ({ event, deps, tenant }) =>
    json(200, await readConversation(deps, await tenant(), pathParam(event, 'botId'), pathParam(event, 'conversationId'))),
  'DELETE /v1/bots/{botId}/conversations/{conversationId}': async ({ event, deps, tenant, source }) => {
    await deleteConversation(deps, await tenant(), pathParam(event, 'botId'), pathParam(event, 'conversationId'), source);
    return noContent();
  },
  'GET /v1/bots/{botId}/leads': async ({ event, deps, tenant }) =>
    json(200, { leads: await listContacts(deps, await tenant(), pathParam(event, 'botId'), 'lead') }),
  'GET /v1/bots/{botId}/handoffs': async ({ event, deps, tenant }) =>
    json(200, { handoffs: await listContacts(deps, await tenant(), pathParam(event, 'botId'), 'handoff') }),
  'DELETE /v1/bots/{botId}/leads/{contactId}': async ({ event, deps, tenant, source }) => {
    await deleteContact(deps, await tenant(), pathParam(event, 'botId'), 'lead', pathParam(event, 'contactId'), source);
    return noContent();
  },
  'DELETE /v1/bots/{botId}/handoffs/{contactId}': async ({ event, deps, tenant, source }) => {
    await deleteContact(deps, await tenant(), pathParam(event, 'botId'), 'handoff', pathParam(event, 'contactId'), source);
    return noContent();
  },
  'GET /v1/visitors': async ({ event, deps, tenant }) =>
    json(200, await findVisitor(deps, await tenant(), queryParams(event, visitorQuery))),
  'DELETE /v1/visitors/{visitorId}': async ({ event, deps, tenant, source }) =>
    json(200, { erased: await eraseVisitor(deps, await tenant(), pathParam(event, 'visitorId'), source) }),
  'GET /v1/usage': async ({ event, deps, tenant }) =>
    json(200, await usageOf(deps, await tenant(), queryParams(event, monthQuery).month)),
};
