/**
 * What happens in an account that its people may want to hear about at once.
 * Events arise in one place each (core/visitor-actions.ts for the visitor's
 * requests), are queued by the `EventQueue` port outside the visitor's request
 * path, and are delivered by the notify function (core/notify.ts). An event
 * carries ids only: the notify function reads what it needs, under the account.
 */

import { EVENT_TYPES, type EventType } from './records.ts';

export { EMAIL_EVENTS, EVENT_TYPES, type EmailEvent, type EventType } from './records.ts';

/** A visitor left a request for a person (`handoff.requested`) or a lead (`lead.created`). */
export interface VisitorEvent {
  /** A ULID: unique, and in time order. */
  readonly eventId: string;
  readonly type: EventType;
  readonly botId: string;
  /** The handoff or lead the event is about. */
  readonly contactId: string;
  /** When it happened (ISO 8601). */
  readonly at: string;
}

/** The event for a contact a visitor just left. */
export const contactEventType = (kind: 'handoff' | 'lead'): EventType => (kind === 'handoff' ? 'handoff.requested' : 'lead.created');

/** The contact kind an event is about. */
export const contactKindOf = (type: EventType): 'handoff' | 'lead' => (type === 'handoff.requested' ? 'handoff' : 'lead');

export const isEventType = (value: unknown): value is EventType => (EVENT_TYPES as readonly unknown[]).includes(value);
