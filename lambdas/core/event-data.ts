/**
 * What an event's webhook body says (`data`), read at delivery under the event's
 * account: the ids, and what the owner needs to act. A visitor's request or lead
 * carries what they left (the receiving system is the owner's own); a declined
 * question carries the question; a thumbs-down the question and the visitor's
 * comment, never the rest of the conversation; a failed document its name and the
 * reason. Null when what the event is about is gone (deleted or expired since, or a
 * thumbs-down taken back): there is nothing left to tell.
 */
import { contactKindOf, type ParleyEvent } from './events.ts';
import { MAIL_VALUE_MAX_CHARS } from './notification-mail.ts';
import type { Deps } from './ports.ts';
import type { Bot, ConversationTurn } from './records.ts';
import type { TenantContext } from './tenancy.ts';
import { contactData } from './webhook-payload.ts';

export type EventDataDeps = Pick<Deps, 'contacts' | 'conversations' | 'documents'>;

/** A turn of a conversation, or null when either is gone. */
export const turnOf = async (deps: Pick<Deps, 'conversations'>, tenant: TenantContext, botId: string, conversationId: string, turnId: string): Promise<ConversationTurn | null> =>
  (await deps.conversations.listTurns(tenant, botId, conversationId)).find((t) => t.turnId === turnId) ?? null;

const bounded = (text: string): string => (text.length > MAIL_VALUE_MAX_CHARS ? `${text.slice(0, MAIL_VALUE_MAX_CHARS)}…` : text);

export const eventData = async (deps: EventDataDeps, tenant: TenantContext, bot: Pick<Bot, 'botId' | 'name'>, event: ParleyEvent): Promise<Record<string, unknown> | null> => {
  const botRef = { botId: bot.botId, name: bot.name };
  switch (event.type) {
    case 'handoff.requested':
    case 'lead.created': {
      const contact = await deps.contacts.get(tenant, bot.botId, contactKindOf(event.type), event.contactId);
      return contact ? contactData(bot, contact) : null;
    }
    case 'conversation.unanswered': {
      const turn = await turnOf(deps, tenant, bot.botId, event.conversationId, event.turnId);
      return turn ? { bot: botRef, conversationId: event.conversationId, turnId: turn.turnId, question: bounded(turn.question), askedAt: turn.createdAt } : null;
    }
    case 'feedback.negative': {
      const turn = await turnOf(deps, tenant, bot.botId, event.conversationId, event.turnId);
      if (turn?.feedback?.rating !== 'down') return null;
      return {
        bot: botRef,
        conversationId: event.conversationId,
        turnId: turn.turnId,
        question: bounded(turn.question),
        ...(turn.feedback.comment ? { comment: bounded(turn.feedback.comment) } : {}),
        ratedAt: turn.feedback.at,
      };
    }
    case 'document.failed': {
      const doc = await deps.documents.get(tenant, bot.botId, event.docId);
      // Processed again since, and no longer failed: the event is stale.
      if (doc?.status !== 'failed') return null;
      return { bot: botRef, document: { docId: doc.docId, name: doc.name, ...(doc.source ? { source: doc.source } : {}), error: doc.error ?? 'failed' } };
    }
  }
};
