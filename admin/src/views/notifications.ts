/**
 * Notifications: the member's own e-mail choices and the account's recent
 * notification e-mails (a page of its own), and a bot's e-mail switches and
 * webhooks (in the bot's settings, for owners and admins). A webhook's signing
 * secret is shown once, when it is made or rotated; its URL only as a hint.
 */
import { api } from '../api.ts';
import { config } from '../config.ts';
import type { PageContext } from '../context.ts';
import { h, mount } from '../dom.ts';
import type { EmailEvent, EventType, Webhook, WebhookDelivery } from '../types.ts';
import { badge, busy, button, card, confirmAction, field, formatDate, loadInto, notify, pageHeader, plainError, toggle } from '../ui.ts';
import { sentMailTable } from './sent-mail.ts';

const EVENT_LABELS: Record<EventType, string> = {
  'handoff.requested': 'A visitor asks for a person',
  'lead.created': 'A visitor leaves their contact details (a lead)',
  'conversation.unanswered': 'The bot cannot answer a question from its documents',
  'feedback.negative': 'A visitor gives an answer a thumbs-down',
  'document.failed': 'A document fails to process',
};
const EVENTS = Object.keys(EVENT_LABELS) as EventType[];
/** E-mailed as they happen; the others go to webhooks (and, opted in, the daily digest). */
const EMAIL_EVENTS: readonly EmailEvent[] = ['handoff.requested', 'lead.created'];
/** Webhooks made from the panel get these unless the owner picks others: the ones a person acts on at once. */
const DEFAULT_HOOK_EVENTS: ReadonlySet<EventType> = new Set(EMAIL_EVENTS);

/** A switch that saves as soon as it changes, and turns back if saving fails. */
const savingToggle = (label: string, on: boolean, save: (on: boolean) => Promise<unknown>, disabled = false): HTMLElement => {
  const t = toggle(label, on);
  t.input.disabled = disabled;
  t.input.addEventListener('change', () => {
    t.input.disabled = true;
    save(t.input.checked).then(
      () => notify('Saved.'),
      (err: unknown) => {
        t.input.checked = !t.input.checked;
        notify(plainError(err), 'error');
      },
    ).finally(() => (t.input.disabled = disabled));
  });
  return t.el;
};

/** One switch per e-mailed event, then any further switches (the digest) in the same group. */
const choiceToggles = (choices: Readonly<Record<EmailEvent, boolean>>, save: (event: EmailEvent, on: boolean) => Promise<void>, disabled = false, ...more: HTMLElement[]): HTMLElement =>
  h('div', { class: 'stack' },
    ...EMAIL_EVENTS.map((event) => savingToggle(EVENT_LABELS[event], choices[event], (on) => save(event, on), disabled)),
    ...more);

/** The daily digest: one e-mail a morning with the day before's unanswered questions and thumbs-down, when there were any. */
const digestToggle = (on: boolean): HTMLElement =>
  savingToggle('A daily digest of the questions your bots could not answer and the answers visitors gave a thumbs-down (only on days there are some)', on,
    (digest) => api('PUT', '/v1/me/notifications', { body: { digest } }));

/** The Notifications page: my e-mails here, and (owners and admins) what was sent. */
export const renderNotifications = (main: HTMLElement, ctx: PageContext): void => {
  document.title = 'Notifications · Parley';
  const mine = h('div');
  const sent = h('div');
  mount(main,
    pageHeader('Notifications', `Hear at once when a visitor of ${ctx.account.name} asks for a person or leaves their details.`),
    card('Your e-mails', mine),
    ctx.can('admin') ? card('Recent notification e-mails', sent) : null);
  void loadInto(mine, 'your notification settings', () => api('GET', '/v1/me/notifications'), (view) => [
    view.email.enabled
      ? h('p', null, 'E-mails come from ', h('strong', null, view.email.from ?? ''), ', to the address you sign in with.')
      : h('p', { class: 'notice warn', role: 'note' }, 'E-mail is off in this Parley deployment: its operator has not set a sender (the sesSenderIdentity deploy parameter). Webhooks still work.'),
    config().auth.kind === 'local' && view.email.enabled
      ? h('p', { class: 'hint' }, 'Running locally, e-mails go to an outbox: npm start prints a line for each and keeps the text in .parley/outbox/, and owners and admins can read it below.')
      : null,
    choiceToggles(view.preferences.email, async (event, on) => {
      await api('PUT', '/v1/me/notifications', { body: { email: { [event]: on } } });
    }, false, digestToggle(view.preferences.digest === true)),
    h('p', { class: 'hint' }, 'Each bot’s settings can also turn an e-mail off for everyone, and send events to your own systems through webhooks.'),
  ]);
  if (ctx.can('admin')) void loadInto(sent, 'recent notification e-mails', () => api('GET', '/v1/notifications/sent'), ({ sent: list }) => sentMailTable(list));
};

/** The secret, shown once: a read-only field, a copy button, and what to do with it. */
const secretBox = (secret: string, rotated: boolean): HTMLElement => {
  const input = h('input', { type: 'text', readonly: true, value: secret, class: 'webhook-secret', 'aria-label': 'Signing secret', spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  const copy = button('Copy secret', () => {
    navigator.clipboard.writeText(secret).then(() => notify('The secret is copied.'), () => {
      input.select();
      notify('Select the secret and copy it.', 'error');
    });
  }, { kind: 'secondary' });
  return h('div', { class: 'invite-link', role: 'status' },
    h('p', null, `${rotated ? 'The new signing secret' : 'The signing secret'}: copy it now, it is not shown again. Check the Parley-Signature header of each request with it (see the README).${rotated ? ' The old secret signs too, beside it, for 24 hours: update your endpoint within that time.' : ''}`),
    h('div', { class: 'inline-form' }, input, copy));
};

const deliveriesTable = (deliveries: readonly WebhookDelivery[]): HTMLElement =>
  deliveries.length === 0
    ? h('p', { class: 'muted' }, 'Nothing delivered yet.')
    : h('div', { class: 'table-wrap' }, h('table', { class: 'table deliveries' },
      h('caption', { class: 'sr-only' }, 'Delivery attempts'),
      h('thead', null, h('tr', null, ...['When', 'Event', 'Attempt', 'Result'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, ...deliveries.map((d) => h('tr', null,
        h('td', null, formatDate(d.at)),
        h('td', null, d.type === 'webhook.test' ? 'Test event' : EVENT_LABELS[d.type]),
        h('td', null, String(d.attempt)),
        h('td', null, d.ok ? badge(`${d.statusCode ?? ''} OK`, 'ok') : badge(d.statusCode ? `${d.statusCode}` : 'Failed', 'bad'),
          d.error ? h('p', { class: 'hint' }, d.error) : null,
          d.nextAttemptAt ? h('p', { class: 'hint' }, `Tried again from ${formatDate(d.nextAttemptAt)}.`) : null))))));

/** A bot's e-mail switches and webhooks, for owners and admins. */
export const botNotificationsSection = (botId: string): HTMLElement => {
  const email = h('div');
  const hooks = h('div');
  void loadInto(email, 'this bot’s e-mails', () => api('GET', '/v1/bots/{botId}/notifications', { params: { botId } }), ({ preferences }) => [
    h('p', { class: 'hint' }, 'Off here, nobody is e-mailed about this bot’s visitors, whatever they chose under Notifications.'),
    choiceToggles(preferences.email, async (event, on) => {
      await api('PUT', '/v1/bots/{botId}/notifications', { params: { botId }, body: { email: { [event]: on } } });
    }),
  ]);

  const reload = (revealed?: { webhookId: string; secret: string; rotated: boolean }): void => void loadInto(hooks, 'webhooks', () => api('GET', '/v1/bots/{botId}/webhooks', { params: { botId } }), ({ webhooks }) => {
    const row = (w: Webhook): HTMLElement => {
      const hook = { botId, webhookId: w.webhookId };
      const log = h('div', { class: 'webhook-log' });
      const act = (label: string, run: () => Promise<void>, kind: 'secondary' | 'ghost' | 'danger' = 'secondary') => {
        const b: HTMLButtonElement = button(label, () => void busy(b, run), { kind, label: `${label}: ${w.urlHint}` });
        return b;
      };
      return h('li', { class: 'webhook card-inner' },
        h('div', { class: 'webhook-head' },
          h('code', { class: 'webhook-url' }, w.urlHint), ' ',
          w.kind === 'slack' ? badge('Slack', 'info') : null, ' ',
          w.status === 'active' ? badge('On', 'ok') : badge('Off', 'warn')),
        h('p', { class: 'hint' }, w.events.map((e) => EVENT_LABELS[e]).join(' · ')),
        w.disabledReason ? h('p', { class: 'notice warn' }, w.disabledReason) : null,
        w.previousSecretUntil && Date.parse(w.previousSecretUntil) > Date.now()
          ? h('p', { class: 'hint' }, `The previous secret signs too until ${formatDate(w.previousSecretUntil)}.`)
          : null,
        revealed?.webhookId === w.webhookId ? secretBox(revealed.secret, revealed.rotated) : null,
        h('div', { class: 'actions' },
          act('Send test event', async () => {
            const { delivery } = await api('POST', '/v1/bots/{botId}/webhooks/{webhookId}/test', { params: hook });
            notify(delivery.ok ? `Delivered: the endpoint answered ${delivery.statusCode}.` : `Not delivered: ${delivery.error ?? 'no answer'}`, delivery.ok ? 'ok' : 'error');
            mount(log, deliveriesTable((await api('GET', '/v1/bots/{botId}/webhooks/{webhookId}/deliveries', { params: hook })).deliveries));
          }),
          act('Delivery log', async () => {
            mount(log, deliveriesTable((await api('GET', '/v1/bots/{botId}/webhooks/{webhookId}/deliveries', { params: hook })).deliveries));
          }, 'ghost'),
          act(w.status === 'active' ? 'Turn off' : 'Turn on', async () => {
            await api('PATCH', '/v1/bots/{botId}/webhooks/{webhookId}', { params: hook, body: { enabled: w.status !== 'active' } });
            reload();
          }, 'ghost'),
          act('Rotate secret', async () => {
            if (!(await confirmAction('Rotate the signing secret?', 'A new secret signs every request from now on; the old one signs beside it for 24 hours more, so your endpoint can switch without losing an event.', 'Rotate'))) return;
            const res = await api('POST', '/v1/bots/{botId}/webhooks/{webhookId}/rotate', { params: hook });
            reload({ webhookId: w.webhookId, secret: res.secret, rotated: true });
          }, 'ghost'),
          act('Delete', async () => {
            if (!(await confirmAction('Delete this webhook?', `Events are no longer sent to ${w.urlHint}.`, 'Delete webhook'))) return;
            await api('DELETE', '/v1/bots/{botId}/webhooks/{webhookId}', { params: hook });
            notify('The webhook was deleted.');
            reload();
          }, 'danger')),
        log);
    };

    const url = h('input', { type: 'url', name: 'webhook-url', placeholder: 'https://example.com/parley-events', maxlength: '2000', required: true });
    const picks = EVENTS.map((e) => toggle(EVENT_LABELS[e], DEFAULT_HOOK_EVENTS.has(e)));
    const error = h('p', { class: 'form-error', role: 'alert' });
    const add = h('button', { type: 'submit', class: 'btn primary' }, h('span', null, 'Add webhook'));
    const form = h('form', { class: 'stack', novalidate: true },
      field('Endpoint URL', url, 'Your system’s https address, or a Slack incoming webhook (hooks.slack.com/services/…), which gets Slack’s message format.'),
      h('fieldset', null, h('legend', null, 'Events'), ...picks.map((p) => p.el)),
      add, error);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      error.textContent = '';
      const events = EVENTS.filter((_, i) => picks[i]!.input.checked);
      void busy(add, async () => {
        try {
          const res = await api('POST', '/v1/bots/{botId}/webhooks', { params: { botId }, body: { url: url.value.trim(), events } });
          reload({ webhookId: res.webhook.webhookId, secret: res.secret, rotated: false });
        } catch (err) {
          error.textContent = plainError(err, { url: 'Endpoint URL', events: 'Events' });
        }
      });
    });
    return [
      h('p', { class: 'hint' }, 'Parley posts each event as signed JSON, retries for about a day when your endpoint fails, and turns a webhook off (and e-mails you) when an event cannot be delivered.'),
      webhooks.length ? h('ul', { class: 'webhooks' }, ...webhooks.map(row)) : h('p', { class: 'muted' }, 'No webhooks yet.'),
      h('h3', null, 'Add a webhook'),
      form,
    ];
  });
  reload();
  return h('div', { class: 'stack' }, card('E-mail notifications', email), card('Webhooks', hooks));
};
