/**
 * What happens in an account that its people may want to hear about at once.
 * Events arise in one place each (core/visitor-actions.ts for the visitor's
 * requests and thumbs-down, core/chat.ts for a question the bot could not answer,
 * core/ingestion.ts's `failWith` for a document that failed), are queued by the
 * `EventQueue` port outside the visitor's request path, and are delivered by the
 * notify function (core/notify.ts, core/webhook-delivery.ts). An event carries ids
 * only: the notify function reads what it needs, under the account, at delivery.
 */

import { isId } from './ids.ts';
import { EVENT_TYPES, EMAIL_EVENTS, type EmailEvent, type EventType } from './records.ts';

export { EMAIL_EVENTS, EVENT_TYPES, type EmailEvent, type EventType } from './records.ts';

interface EventBase {
  /** A ULID: unique, and in time order. */
  readonly eventId: string;
  readonly botId: string;
  /** When it happened (ISO 8601). */
  readonly at: string;
}

/** A visitor left a request for a person (`handoff.requested`) or a lead (`lead.created`). */
export interface ContactEvent extends EventBase {
  readonly type: 'handoff.requested' | 'lead.created';
  /** The handoff or lead the event is about. */
  readonly contactId: string;
}

/** The bot declined a question (`conversation.unanswered`), or a visitor gave an answer a thumbs-down (`feedback.negative`). */
export interface TurnEvent extends EventBase {
  readonly type: 'conversation.unanswered' | 'feedback.negative';
  readonly conversationId: string;
  readonly turnId: string;
}

/** A document (an upload, a pasted source, a website) ended as `failed`. */
export interface DocumentEvent extends EventBase {
  readonly type: 'document.failed';
  readonly docId: string;
}

export type ParleyEvent = ContactEvent | TurnEvent | DocumentEvent;

/** The event for a contact a visitor just left. */
export const contactEventType = (kind: 'handoff' | 'lead'): ContactEvent['type'] => (kind === 'handoff' ? 'handoff.requested' : 'lead.created');

/** The contact kind an event is about. */
export const contactKindOf = (type: ContactEvent['type']): 'handoff' | 'lead' => (type === 'handoff.requested' ? 'handoff' : 'lead');

export const isEventType = (value: unknown): value is EventType => (EVENT_TYPES as readonly unknown[]).includes(value);

export const isEmailEvent = (type: EventType): type is EmailEvent => (EMAIL_EVENTS as readonly EventType[]).includes(type);

export const isContactEvent = (e: ParleyEvent): e is ContactEvent => e.type === 'handoff.requested' || e.type === 'lead.created';

/** A queued event as it was read back (JSON from a queue), checked field by field: undefined for anything else. */
export const parseEvent = (e: unknown): ParleyEvent | undefined => {
  if (!e || typeof e !== 'object') return undefined;
  const m = e as Record<string, unknown>;
  if (!isEventType(m.type) || !isId(m.eventId) || !isId(m.botId) || typeof m.at !== 'string' || Number.isNaN(Date.parse(m.at))) return undefined;
  const base = { eventId: m.eventId, botId: m.botId, at: m.at };
  switch (m.type) {
    case 'handoff.requested':
    case 'lead.created':
      return isId(m.contactId) ? { ...base, type: m.type, contactId: m.contactId } : undefined;
    case 'conversation.unanswered':
    case 'feedback.negative':
      return isId(m.conversationId) && isId(m.turnId) ? { ...base, type: m.type, conversationId: m.conversationId, turnId: m.turnId } : undefined;
    case 'document.failed':
      return isId(m.docId) ? { ...base, type: m.type, docId: m.docId } : undefined;
  }
};
