/**
 * The e-mail a member gets about a visitor's request or lead: what they need to
 * act (who, how to reach them, what they asked, where to read the conversation)
 * and nothing more. Plain text only, so nothing a visitor wrote is ever rendered
 * as HTML; their words are indented under a label, one line each, so they read as
 * a quotation and cannot pass for Parley's own lines. Subjects hold no visitor text.
 */
import type { EventType } from './events.ts';
import { conversationLink, conversationsLink } from './panel-links.ts';
import type { Bot, VisitorContact } from './records.ts';

/** The longest a visitor's value is quoted in a mail; the panel shows the rest. */
export const MAIL_VALUE_MAX_CHARS = 2_000;

/** Control characters (C0, DEL, C1), the Unicode line and paragraph separators, and bidirectional overrides (which could make a line read as another). */
const isControl = (ch: string): boolean => {
  const c = ch.codePointAt(0)!;
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
};

/** Drops control characters (a line break becomes a space where `multiline` is false) and bounds the length. */
const clean = (value: string, multiline: boolean): string => {
  const kept = [...value.replace(/\r\n?/g, '\n')].map((ch) => (ch === '\n' && multiline ? ch : isControl(ch) ? (ch === '\n' || ch === '\t' ? ' ' : '') : ch)).join('').trim();
  return kept.length > MAIL_VALUE_MAX_CHARS ? `${kept.slice(0, MAIL_VALUE_MAX_CHARS)}…` : kept;
};

/** `label:` and the visitor's `value` indented under it, one line each (none when empty). */
export const quotedLines = (label: string, value: string | undefined, multiline = false): string[] => {
  if (value === undefined || !value.trim()) return [];
  const lines = clean(value, multiline).split('\n').map((l) => `    ${l}`);
  return [`${label}:`, ...lines];
};

/** Text on one line, without control characters, at most 200 characters (owner-given names, error texts). */
export const mailSubjectLine = (value: string): string => clean(value, false).slice(0, 200);

/** A subject line: the bot's name is the owner's own, but a line break in it would start a header. */
export const mailSubject = (type: EventType, botName: string): string => {
  const name = clean(botName, false).slice(0, 80);
  return type === 'handoff.requested' ? `A visitor asked for a person · ${name}` : `New lead · ${name}`;
};

export interface ComposedMail {
  readonly subject: string;
  readonly text: string;
}

/** The mail about `contact`, for a member of `accountName`. */
export const composeContactMail = (input: {
  type: EventType;
  bot: Pick<Bot, 'botId' | 'name' | 'leadForm'>;
  contact: VisitorContact;
  accountName: string;
  /** The admin panel's address; without it the mail names the place in words. */
  panelUrl?: string | undefined;
}): ComposedMail => {
  const { type, bot, contact } = input;
  const labels = new Map((bot.leadForm?.fields ?? []).map((f) => [f.name, f.label]));
  const intro = type === 'handoff.requested'
    ? `A visitor of "${clean(bot.name, false)}" asked to talk to a person.`
    : `A visitor of "${clean(bot.name, false)}" left their contact details.`;
  const where = input.panelUrl
    ? `Read the conversation and reply: ${contact.conversationId ? conversationLink(input.panelUrl, bot.botId, contact.conversationId) : conversationsLink(input.panelUrl, bot.botId)}`
    : `Read the conversation and reply in the Parley admin panel, under ${clean(bot.name, false)} › Conversations.`;
  const lines = [
    intro,
    '',
    ...quotedLines('Name', contact.name),
    ...quotedLines('E-mail', contact.email),
    ...quotedLines('Phone', contact.phone),
    ...quotedLines('Question', contact.message, true),
    ...Object.entries(contact.fields ?? {}).flatMap(([name, value]) => quotedLines(clean(labels.get(name) ?? name, false), value, true)),
    '',
    where,
    '',
    '--',
    `You get this e-mail as a member of ${clean(input.accountName, false)} in Parley. Choose which e-mails you get in the admin panel, under Notifications.`,
  ];
  return { subject: mailSubject(type, bot.name), text: `${lines.join('\n')}\n` };
};
