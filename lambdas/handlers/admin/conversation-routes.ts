/** The conversations contract's routes: transcripts, leads and handoffs, one visitor's data, unanswered questions. */
import type { conversationsContract } from '../../contracts/conversations.ts';
import { deleteContact, deleteConversation, listContacts, listConversations, readConversation, searchConversations } from '../../core/conversations.ts';
import { dismissUnanswered, listUnanswered } from '../../core/unanswered.ts';
import { eraseVisitor, findVisitor } from '../../core/visitor-data.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

export const conversationRoutes = {
  listConversations: async ({ deps, tenant }, req) => {
    const { q, ...page } = req.query;
    return q !== undefined
      ? searchConversations(deps, await tenant(), req.params.botId, { q, limit: page.limit })
      : listConversations(deps, await tenant(), req.params.botId, page);
  },
  readConversation: async ({ deps, tenant }, { params }) => readConversation(deps, await tenant(), params.botId, params.conversationId),
  deleteConversation: async ({ deps, tenant, source }, { params }) => deleteConversation(deps, await tenant(), params.botId, params.conversationId, source),
  listLeads: async ({ deps, tenant }, { params }) => ({ leads: await listContacts(deps, await tenant(), params.botId, 'lead') }),
  listHandoffs: async ({ deps, tenant }, { params }) => ({ handoffs: await listContacts(deps, await tenant(), params.botId, 'handoff') }),
  deleteLead: async ({ deps, tenant, source }, { params }) => deleteContact(deps, await tenant(), params.botId, 'lead', params.contactId, source),
  deleteHandoff: async ({ deps, tenant, source }, { params }) => deleteContact(deps, await tenant(), params.botId, 'handoff', params.contactId, source),
  listUnanswered: async ({ deps, tenant }, req) => listUnanswered(deps, await tenant(), req.params.botId, req.query.limit),
  dismissUnanswered: async ({ deps, tenant, source }, { params }) => dismissUnanswered(deps, await tenant(), params.botId, params.groupId, source),
  findVisitor: async ({ deps, tenant }, req) => findVisitor(deps, await tenant(), req.query),
  eraseVisitor: async ({ deps, tenant, source }, { params }) => ({ erased: await eraseVisitor(deps, await tenant(), params.visitorId, source) }),
} satisfies Implementations<typeof conversationsContract, AdminContext>;
