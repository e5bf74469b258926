/** The account: usage this month as a chart, how long conversations are kept, and the audit log. */
import { get, messageOf, request } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h, mount, s } from '../dom.ts';
import type { Account, AuditEntry, Bot, KeyClass, Usage } from '../types.ts';
import { busy, button, card, empty, field, formatDate, formatNumber, loadInto, notify, pageHeader } from '../ui.ts';

const CLASSES: Array<{ id: KeyClass; label: string }> = [
  { id: 'owner', label: 'Your keys' },
  { id: 'platform', label: 'Parley’s keys' },
  { id: 'local', label: 'No provider' },
];

/** Horizontal bars, one per key class, drawn as SVG elements (no chart library, no inline styles). */
const barChart = (title: string, values: Array<{ label: string; value: number; cls: string }>): HTMLElement => {
  const max = Math.max(1, ...values.map((v) => v.value));
  const rowH = 34;
  const labelW = 120;
  const width = 520;
  const svg = s('svg', { viewBox: `0 0 ${width} ${values.length * rowH}`, class: 'chart', role: 'img', 'aria-label': `${title}: ${values.map((v) => `${v.label} ${formatNumber(v.value)}`).join(', ')}` },
    ...values.flatMap((v, i) => {
      const y = i * rowH;
      const w = Math.max(v.value ? 3 : 0, ((width - labelW - 90) * v.value) / max);
      return [
        s('text', { x: 0, y: y + 21, class: 'chart-label' }, v.label),
        s('rect', { x: labelW, y: y + 6, width: width - labelW - 90, height: 20, rx: 6, class: 'chart-track' }),
        s('rect', { x: labelW, y: y + 6, width: w, height: 20, rx: 6, class: `chart-bar ${v.cls}` }),
        s('text', { x: width - 80, y: y + 21, class: 'chart-value' }, formatNumber(v.value)),
      ];
    }));
  return h('figure', { class: 'chart-figure' }, h('figcaption', null, title), svg);
};

const monthName = (month: string): string => new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(new Date(`${month}-01T12:00:00Z`));

const RETENTION: Array<[number, string]> = [[0, 'Do not keep conversations'], [7, '7 days'], [30, '30 days'], [90, '90 days'], [180, '6 months'], [365, '1 year']];

const ACTIONS: Record<string, string> = {
  'account.updated': 'Changed account settings',
  'key.add': 'Added a provider key',
  'key.rotate': 'Replaced a provider key',
  'key.delete': 'Deleted a provider key',
  'key.test': 'Tested a provider key',
  'chat.provider_error': 'The AI provider returned an error',
  'chat.answer_cut': 'An answer was stopped by the safety check',
  'chat.budget_exceeded': 'A bot reached its spending limit',
  'visitor.handoff': 'A visitor asked for a person',
  'visitor.lead': 'A visitor left their details',
};

export const renderAccount = (main: HTMLElement, ctx: PageContext): void => {
  document.title = 'Account · Parley';
  const usage = h('div');
  const audit = h('div');
  const retention = h('select', { name: 'retention' },
    ...RETENTION.map(([d, label]) => h('option', { value: String(d) }, label)),
    ...(RETENTION.some(([d]) => d === ctx.account.retentionDays) ? [] : [h('option', { value: String(ctx.account.retentionDays) }, `${ctx.account.retentionDays} days`)]));
  retention.value = String(ctx.account.retentionDays);
  const saveRetention = button('Save', () => void busy(saveRetention, async () => {
    try {
      const res = await request<{ account: Account }>('PATCH', '/v1/account', { retentionDays: Number(retention.value) });
      ctx.setAccount(res.account);
      Object.assign(ctx.account, res.account);
      notify('Saved. New conversations follow this setting.');
    } catch (err) {
      notify(messageOf(err), 'error');
    }
  }), { kind: 'primary' });

  mount(main,
    pageHeader(ctx.account.name, `Account created ${formatDate(ctx.account.createdAt, false)}.`),
    card('Usage this month', usage),
    card('Conversations',
      h('div', { class: 'inline-form' }, field('Keep conversations for', retention, 'After this, they are erased automatically. Choosing “Do not keep” stores no conversations at all.'), saveRetention)),
    card('Activity log', h('p', { class: 'muted' }, 'Who changed what in your account, and when.'), audit));

  void loadInto(usage, 'your usage', () => Promise.all([get<Usage>('/v1/usage'), get<{ bots: Bot[] }>('/v1/bots')]), ([u, { bots }]) => {
    const by = (k: KeyClass, f: 'messages' | 'tokens') => u.rows.filter((r) => r.keyClass === k).reduce((n, r) => n + (f === 'messages' ? r.messages : r.inputTokens + r.outputTokens), 0);
    const names = new Map(bots.map((b) => [b.botId, b.name]));
    const perBot = new Map<string, { messages: number; tokens: number }>();
    for (const r of u.rows) {
      const t = perBot.get(r.botId) ?? { messages: 0, tokens: 0 };
      perBot.set(r.botId, { messages: t.messages + r.messages, tokens: t.tokens + r.inputTokens + r.outputTokens });
    }
    const totalTokens = u.totals.inputTokens + u.totals.outputTokens;
    return [
      h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('p', { class: 'stat-value' }, formatNumber(u.totals.messages)), h('p', { class: 'muted' }, `answers in ${monthName(u.month)}`)),
        h('div', { class: 'stat' }, h('p', { class: 'stat-value' }, formatNumber(totalTokens)), h('p', { class: 'muted' }, 'tokens')),
        h('div', { class: 'stat' }, h('p', { class: 'stat-value' }, `$${(u.totals.costMicros / 1e6).toFixed(2)}`), h('p', { class: 'muted' }, 'at providers’ list prices'))),
      u.rows.length ? h('div', { class: 'charts' },
        barChart('Answers, by who paid', CLASSES.map((c) => ({ label: c.label, value: by(c.id, 'messages'), cls: c.id }))),
        barChart('Tokens, by who paid', CLASSES.map((c) => ({ label: c.label, value: by(c.id, 'tokens'), cls: c.id })))) : empty('No answers yet this month', 'Usage appears here as soon as visitors ask your bots questions.'),
      perBot.size ? h('table', { class: 'table' },
        h('caption', { class: 'sr-only' }, 'Usage by bot'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Bot'), h('th', { scope: 'col', class: 'num' }, 'Answers'), h('th', { scope: 'col', class: 'num' }, 'Tokens'))),
        h('tbody', null, ...[...perBot].map(([id, t]) => h('tr', null, h('td', null, names.get(id) ?? 'A deleted bot'), h('td', { class: 'num' }, formatNumber(t.messages)), h('td', { class: 'num' }, formatNumber(t.tokens)))))) : null,
    ];
  });

  void loadInto(audit, 'the activity log', () => get<{ entries: AuditEntry[] }>('/v1/audit?limit=50'), ({ entries }) =>
    entries.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'sr-only' }, 'Activity log, newest first'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'Outcome'), h('th', { scope: 'col' }, 'From'))),
      h('tbody', null, ...entries.map((e) => h('tr', null,
        h('td', null, formatDate(e.at)),
        h('td', null, ACTIONS[e.action] ?? e.action, e.target ? h('span', { class: 'muted small' }, ` · ${e.target}`) : null),
        h('td', null, e.actor.kind === 'user' ? 'Team member' : e.actor.kind === 'visitor' ? 'A visitor' : 'Parley'),
        h('td', null, e.outcome === 'ok' ? 'Done' : e.outcome === 'refused' ? 'Refused' : 'Failed'),
        h('td', { class: 'mono small' }, e.sourceIp ?? '—'))))))
      : empty('Nothing yet', 'Changes to keys and settings are recorded here.'));
};
