/**
 * The account's recent notification e-mails (owners and admins): who, what subject,
 * whether it went, and each one's text where a copy is kept. Locally that is the outbox;
 * on AWS Parley keeps no text, and the panel says so. The text is set as text in a
 * `<pre>`, never parsed as HTML: it quotes what visitors wrote.
 */
import { api } from '../api.ts';
import { config } from '../config.ts';
import { h, mount } from '../dom.ts';
import type { SentMailView, SentNotification } from '../types.ts';
import { badge, busy, button, formatDate, plainError } from '../ui.ts';

const NO_TEXT: Record<Extract<SentMailView['copy'], { kept: false }>['why'], string> = {
  not_kept: 'Parley does not keep the text of notification e-mails in this deployment: on AWS only the address, subject and status are logged. The member has the e-mail itself.',
  gone: 'The local outbox no longer has this e-mail (its data folder was cleared, or Parley ran in memory and was restarted).',
  not_sent: 'This e-mail was not sent, so there is no text to show.',
};

/** One e-mail opened: its headers, then its text or why there is none. */
const mailReader = ({ sent, copy }: SentMailView): HTMLElement =>
  h('section', { class: 'mail-reader', 'aria-label': `E-mail to ${sent.to}` },
    h('dl', { class: 'mail-head' },
      h('dt', null, 'To'), h('dd', null, sent.to),
      h('dt', null, 'Subject'), h('dd', null, sent.subject),
      h('dt', null, 'When'), h('dd', null, formatDate(sent.at))),
    copy.kept
      // h() appends strings as text nodes: markup a visitor wrote shows as the characters they typed.
      ? h('pre', { class: 'mail-text', role: 'region', tabindex: '0', 'aria-label': 'E-mail text' }, copy.text)
      : h('p', { class: 'notice', role: 'note' }, NO_TEXT[copy.why]));

/** The table of e-mails, a Read button each, and the place the one opened is shown. */
export const sentMailTable = (sent: readonly SentNotification[]): HTMLElement => {
  if (sent.length === 0) return h('p', { class: 'muted' }, 'No notification e-mails in the last 30 days.');
  const reader = h('div', { 'aria-live': 'polite' });
  const read = (m: SentNotification): HTMLButtonElement => {
    const b: HTMLButtonElement = button('Read', () => void busy(b, async () => {
      try {
        mount(reader, mailReader(await api('GET', '/v1/notifications/sent/{eventId}/{userId}', { params: { eventId: m.eventId, userId: m.userId } })));
      } catch (err) {
        mount(reader, h('p', { class: 'form-error', role: 'alert' }, plainError(err)));
      }
    }), { kind: 'ghost', label: `Read: ${m.subject}, to ${m.to}` });
    return b;
  };
  return h('div', { class: 'stack' },
    h('div', { class: 'table-wrap' }, h('table', { class: 'table sent-mail' },
      h('caption', { class: 'sr-only' }, 'Recent notification e-mails'),
      h('thead', null, h('tr', null, ...['When', 'To', 'Subject', 'Status', 'Text'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, ...sent.map((m) => h('tr', null,
        h('td', null, formatDate(m.at)), h('td', null, m.to), h('td', null, m.subject),
        h('td', null, m.status === 'sent' ? badge('Sent', 'ok') : badge('Not sent', 'bad'), m.reason ? h('p', { class: 'hint' }, m.reason) : null),
        h('td', null, read(m))))))),
    h('p', { class: 'hint' }, config().auth.kind === 'local'
      ? 'Read shows an e-mail’s text as the local outbox kept it.'
      : 'Parley keeps the address, subject and status of each e-mail, not its text.'),
    reader);
};
