/**
 * What a visitor leaves for the owner besides questions: thumbs on an answer,
 * a "talk to a human" request, and the owner's lead form. Contacts are sealed
 * at rest and kept as long as conversations are (at least 30 days, so a request
 * for a human is never dropped by a zero-day retention).
 */
import { audit } from './audit.ts';
import { AppError, invalid, notFound } from './errors.ts';
import { contactEventType } from './events.ts';
import { isId, newId } from './ids.ts';
import { MIN_CONTACT_RETENTION_DAYS } from './limits.ts';
import type { Feedback, VisitorContact } from './records.ts';
import type { Deps } from './ports.ts';
import type { VisitorSession } from './visitor.ts';

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,253}\.[^\s@<>]{2,}$/;
const PHONE = /^\+?[0-9 ()./-]{6,24}$/;

/** The visitor's own conversation, or 404 exactly like a missing one. */
const ownConversation = async (deps: Pick<Deps, 'conversations'>, s: VisitorSession, conversationId: string) => {
  const conversation = isId(conversationId) ? await deps.conversations.get(s.tenant, s.bot.botId, conversationId) : null;
  if (!conversation || conversation.visitorId !== s.visitorId) throw notFound('conversation');
  return conversation;
};

export const giveFeedback = async (
  deps: Pick<Deps, 'clock' | 'conversations' | 'events'>,
  s: VisitorSession,
  input: { conversationId: string; turnId: string; rating: Feedback['rating']; comment?: string | undefined },
): Promise<void> => {
  await ownConversation(deps, s, input.conversationId);
  const feedback: Feedback = { rating: input.rating, at: deps.clock.now().toISOString(), ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}) };
  if (!isId(input.turnId) || !(await deps.conversations.setFeedback(s.tenant, s.bot.botId, input.conversationId, input.turnId, feedback))) {
    throw notFound('answer');
  }
  // Queued like a request for a person: the owner's webhooks and digest hear of it, the visitor never waits on them.
  if (feedback.rating === 'down') {
    await deps.events.publish(s.tenant, { eventId: newId(deps.clock.now().getTime()), type: 'feedback.negative', botId: s.bot.botId, conversationId: input.conversationId, turnId: input.turnId, at: feedback.at });
  }
};

const contactExpiry = async (deps: Pick<Deps, 'accounts' | 'clock'>, s: VisitorSession): Promise<string> => {
  const account = await deps.accounts.get(s.tenant);
  const days = Math.max(account?.retentionDays ?? 0, MIN_CONTACT_RETENTION_DAYS);
  return new Date(deps.clock.now().getTime() + days * 86_400_000).toISOString();
};

const checkReach = (email: string | undefined, phone: string | undefined) => {
  if (email !== undefined && !EMAIL.test(email)) throw invalid('email: that does not look like an e-mail address.', { field: 'email' });
  if (phone !== undefined && !PHONE.test(phone)) throw invalid('phone: that does not look like a phone number.', { field: 'phone' });
};

/** Stores what a visitor left (in their own conversation, if they name one) and records that they did. */
const saveContact = async (
  deps: Pick<Deps, 'accounts' | 'audit' | 'clock' | 'contacts' | 'conversations' | 'events'>,
  s: VisitorSession,
  kind: VisitorContact['kind'],
  conversationId: string | undefined,
  details: Pick<VisitorContact, 'name' | 'email' | 'phone' | 'message' | 'fields'>,
): Promise<{ contactId: string }> => {
  if (conversationId) await ownConversation(deps, s, conversationId);
  const contact: VisitorContact = {
    contactId: newId(deps.clock.now().getTime()),
    botId: s.bot.botId,
    kind,
    visitorId: s.visitorId,
    ...(conversationId ? { conversationId } : {}),
    ...details,
    createdAt: deps.clock.now().toISOString(),
    expiresAt: await contactExpiry(deps, s),
  };
  await deps.contacts.put(s.tenant, contact);
  await audit(deps, s.tenant, {}, `visitor.${kind}`, 'ok', { target: s.bot.botId });
  // Queued, not sent here: the people who want to hear are told by the notify function, so mail never slows or fails the visitor.
  await deps.events.publish(s.tenant, { eventId: newId(deps.clock.now().getTime()), type: contactEventType(kind), botId: s.bot.botId, contactId: contact.contactId, at: contact.createdAt });
  return { contactId: contact.contactId };
};

export const requestHandoff = async (
  deps: Pick<Deps, 'accounts' | 'audit' | 'clock' | 'contacts' | 'conversations' | 'events'>,
  s: VisitorSession,
  input: { name?: string | undefined; email?: string | undefined; phone?: string | undefined; message: string; conversationId?: string | undefined },
): Promise<{ contactId: string }> => {
  if (s.bot.handoff === false) throw new AppError('forbidden', 'This assistant does not take requests for a person.');
  if (!input.email && !input.phone) throw invalid('Leave an e-mail address or a phone number so someone can reach you.', { field: 'email' });
  checkReach(input.email, input.phone);
  return saveContact(deps, s, 'handoff', input.conversationId, {
    ...(input.name?.trim() ? { name: input.name.trim() } : {}),
    ...(input.email ? { email: input.email } : {}),
    ...(input.phone ? { phone: input.phone } : {}),
    message: input.message.trim(),
  });
};

export const submitLead = async (
  deps: Pick<Deps, 'accounts' | 'audit' | 'clock' | 'contacts' | 'conversations' | 'events'>,
  s: VisitorSession,
  input: { name: string; email: string; fields?: Record<string, string> | undefined; conversationId?: string | undefined },
): Promise<{ contactId: string }> => {
  const form = s.bot.leadForm;
  if (!form) throw new AppError('forbidden', 'This assistant has no contact form.');
  checkReach(input.email, undefined);
  const given = input.fields ?? {};
  const unknown = Object.keys(given).find((k) => !form.fields.some((f) => f.name === k));
  if (unknown) throw invalid(`fields.${unknown}: this form has no such field.`, { field: `fields.${unknown}` });
  const fields: Record<string, string> = {};
  for (const f of form.fields) {
    const value = given[f.name]?.trim() ?? '';
    if (!value) {
      if (f.required) throw invalid(`${f.label} is required.`, { field: `fields.${f.name}` });
      continue;
    }
    if (f.type === 'email') checkReach(value, undefined);
    if (f.type === 'tel') checkReach(undefined, value);
    fields[f.name] = value;
  }
  return saveContact(deps, s, 'lead', input.conversationId, { name: input.name.trim(), email: input.email, fields });
};
