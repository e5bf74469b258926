/**
 * The account: usage this month as a chart, how long conversations are kept, the team,
 * exporting everything, the audit log, and deleting the account.
 */
import { api, messageOf } from '../api.ts';
import type { PageContext } from '../context.ts';
import { documentActivity } from '../describe.ts';
import { h, icon, mount, s, type Child } from '../dom.ts';
import { readSession } from '../session.ts';
import { invitationLink } from './accounts.ts';
import type { AccountExport, Bot, Invitation, InvitationDelivery, KeyClass, Member, Role, UsageRow } from '../types.ts';
import { badge, busy, button, card, confirmAction, confirmTyped, empty, field, formatBytes, formatDate, formatNumber, loadInto, notify, pageHeader, plural, roleNote, VIEWER_NOTE } from '../ui.ts';

const CLASSES: Array<{ id: KeyClass; label: string }> = [
  { id: 'owner', label: 'Your keys' },
  { id: 'platform', label: 'Parley’s keys' },
  { id: 'bedrock', label: 'Amazon Bedrock' },
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
  'account.export': 'Asked for an export of all data',
  'member.invite': 'Invited a team member',
  'member.role': 'Changed a team member’s role',
  'member.remove': 'Removed a team member',
  'member.invite_cancelled': 'Cancelled an invitation',
  'member.invite_resent': 'Sent an invitation again',
  'member.join': 'A member joined',
  'member.leave': 'A member left the account',
  'member.invite_declined': 'An invitation was declined',
  'bot.create': 'Created a bot',
  'bot.update': 'Changed a bot',
  'bot.delete': 'Deleted a bot',
  'document.upload': 'Uploaded a document',
  // Entries since the log kept the document's name say which kind (describe.ts); older ones say this.
  'document.source': 'Added text, Q&A or a website',
  'document.reingest': 'Processed a document again',
  'document.delete': 'Deleted a document',
  'conversation.delete': 'Deleted a conversation',
  'contact.delete': 'Marked a request for a person or a lead as handled',
  'chat.provider_call': 'An answer from the AI provider',
  'visitor.erase': 'Erased a visitor’s data',
  'account.hold.placed': 'Legal hold placed',
  'account.hold.lifted': 'Legal hold lifted',
};

/** The activity log's filter: an action prefix the API matches. */
const AUDIT_FILTERS: ReadonlyArray<readonly [string, string]> = [
  ['', 'Everything'], ['bot', 'Bots'], ['document', 'Training data'], ['key', 'Keys'], ['member', 'Team'],
  ['chat', 'Answers'], ['visitor', 'Visitors'], ['account', 'Account'],
];

const ROLES: Array<{ id: Role; label: string }> = [
  { id: 'viewer', label: 'Viewer' },
  { id: 'admin', label: 'Admin' },
  { id: 'owner', label: 'Owner' },
];
const ROLE_HINT = 'Viewers read conversations and usage; admins also change bots, documents and keys; owners also manage the team and can delete the account.';
/** A table cell named by its column, shown as "label: value" when the table is stacked on a phone. */
const cell = (label: string, ...children: Child[]): HTMLElement => h('td', { 'data-label': label }, h('span', null, ...children));
const numCell = (label: string, value: string): HTMLElement => h('td', { 'data-label': label, class: 'num' }, h('span', null, value));
const actionsCell = (...children: Child[]): HTMLElement => h('td', { class: 'actions-cell' }, ...children);

const roleSelect = (value: Role, label: string): HTMLSelectElement => {
  const select = h('select', { 'aria-label': label }, ...ROLES.map((r) => h('option', { value: r.id }, r.label)));
  select.value = value;
  return select;
};

/** API refusals about the team, in words for the owner. */
const teamMessage = (err: unknown): string => {
  const status = (err as { status?: number }).status;
  if (status === 403) return 'Only an owner of this account can change the team.';
  // Validation messages name the field first ("email: that does not look …"): keep the words.
  const words = messageOf(err).replace(/^[a-z]+: /, '');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** What the owner is told once an invitation is on its way. */
const deliveryMessage = (email: string, delivery: InvitationDelivery): string => {
  if (delivery === 'sent') return `An invitation e-mail with a temporary password is on its way to ${email}. They join by opening the invitation link: send it to them.`;
  if (delivery === 'existing_sign_in') return `${email} can already sign in to Parley (no e-mail is sent): send them the invitation link to join.`;
  return `Invitation saved. Ask ${email} to sign up on the sign-in page with this address, then open the invitation link you send them.`;
};

/**
 * The link of the invitation just made or resent, to copy and send: the only time it
 * is shown (the server keeps only a hash of its secret); a resend makes a new one.
 */
const invitationLinkBox = (email: string, token: string): HTMLElement => {
  const link = invitationLink(token);
  const input = h('input', { type: 'text', readonly: true, value: link, class: 'invite-link-url', 'aria-label': `Invitation link for ${email}` });
  input.addEventListener('focus', () => input.select());
  const copy = button('Copy link', () => {
    navigator.clipboard.writeText(link).then(() => notify('The invitation link is copied.'), () => {
      input.select();
      notify('Select the link and copy it.', 'error');
    });
  }, { kind: 'secondary', label: `Copy link for ${email}` });
  return h('div', { class: 'invite-link', role: 'status' },
    h('p', null, `Send ${email} this link. Only they can use it, signed in with that address, once, within 14 days; it is shown only now (resend for a new one, which stops this one).`),
    h('div', { class: 'inline-form' }, input, copy));
};

/** Members and invitations: invite, change roles, remove, resend or cancel invitations (owners only; the API refuses others). */
const renderTeam = (el: HTMLElement, ctx: PageContext): void => {
  const owner = ctx.can('owner');
  /** The invitation link last made here, shown until the page is left. */
  let lastLink: { email: string; token: string } | undefined;
  const reload = (): void => void loadInto(el, 'your team', () => api('GET', '/v1/members'), ({ members, invitations }) => {
    const email = h('input', { type: 'email', name: 'invite-email', autocomplete: 'off', placeholder: 'colleague@yourbusiness.com' });
    const role = h('select', { name: 'invite-role' }, ...ROLES.map((r) => h('option', { value: r.id }, r.label)));
    const error = h('p', { class: 'form-error', role: 'alert' });
    const invite = button('Invite', () => undefined, { kind: 'primary', type: 'submit', icon: 'plus' });
    const form = h('form', { class: 'inline-form team-form', novalidate: true }, field('E-mail address', email), field('Role', role), invite);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      error.textContent = '';
      if (!email.value.trim() || !email.checkValidity()) {
        error.textContent = 'Enter their e-mail address, such as colleague@yourbusiness.com.';
        email.setAttribute('aria-invalid', 'true');
        email.focus();
        return;
      }
      email.removeAttribute('aria-invalid');
      void busy(invite, async () => {
        try {
          const { delivery, token, invitation } = await api('POST', '/v1/members', { body: { email: email.value.trim(), role: role.value as Role } });
          lastLink = { email: invitation.email, token };
          notify(deliveryMessage(email.value.trim(), delivery));
          reload();
        } catch (err) {
          error.textContent = teamMessage(err);
        }
      });
    });
    const me = readSession()?.email.toLowerCase();
    const isMe = (m: Member) => !!me && m.email.toLowerCase() === me;
    const owners = members.filter((m) => m.role === 'owner').length;
    const roleLabel = (r: Role) => ROLES.find((x) => x.id === r)?.label ?? r;
    const readOnlyRow = (m: Member, note?: Child): HTMLElement =>
      h('tr', null,
        cell('Member', m.email),
        cell('Role', roleLabel(m.role)),
        cell('Since', formatDate(m.addedAt, false)),
        actionsCell(note));
    const memberRow = (m: Member): HTMLElement => {
      // Your own row has nothing to change (an owner cannot demote or remove themselves here),
      // and the last owner is never offered for removal or demotion: the account needs one.
      if (isMe(m)) return readOnlyRow(m, badge('You', 'info'));
      if (!owner) return readOnlyRow(m);
      if (m.role === 'owner' && owners <= 1) return readOnlyRow(m, h('span', { class: 'muted small' }, 'The only owner'));
      const select = roleSelect(m.role, `Role of ${m.email}`);
      select.addEventListener('change', () => {
        select.disabled = true;
        api('PATCH', '/v1/members/{userId}', { params: { userId: m.userId }, body: { role: select.value as Role } })
          .then(() => {
            notify(`${m.email} is now ${ROLES.find((r) => r.id === select.value)?.label.toLowerCase() ?? select.value}.`);
            reload();
          })
          .catch((err: unknown) => {
            select.value = m.role;
            select.disabled = false;
            notify(teamMessage(err), 'error');
          });
      });
      const remove = button('Remove', () => void (async () => {
        if (!(await confirmAction(`Remove ${m.email}?`, `${m.email} loses access to this account at once. You can invite them again later.`, 'Remove member'))) return;
        await busy(remove, async () => {
          try {
            await api('DELETE', '/v1/members/{userId}', { params: { userId: m.userId } });
            notify(`${m.email} was removed.`);
            reload();
          } catch (err) {
            notify(teamMessage(err), 'error');
          }
        });
      })(), { kind: 'ghost', icon: 'trash', label: `Remove ${m.email}` });
      return h('tr', null, cell('Member', m.email), cell('Role', select), cell('Since', formatDate(m.addedAt, false)), actionsCell(h('div', { class: 'row-actions' }, remove)));
    };
    const invitationRow = (i: Invitation): HTMLElement => {
      const cancel = button('Cancel invitation', () => void busy(cancel, async () => {
        try {
          await api('DELETE', '/v1/invitations/{email}', { params: { email: i.email } });
          if (lastLink?.email === i.email) lastLink = undefined;
          notify(`The invitation to ${i.email} was cancelled.`);
          reload();
        } catch (err) {
          notify(teamMessage(err), 'error');
        }
      }), { kind: 'ghost', label: `Cancel invitation to ${i.email}` });
      const resend = button('Resend', () => void busy(resend, async () => {
        try {
          const { delivery, token } = await api('POST', '/v1/invitations/{email}/resend', { params: { email: i.email } });
          lastLink = { email: i.email, token };
          notify(delivery === 'sent' ? `The invitation was sent to ${i.email} again, with a new temporary password and a new link (the old one no longer works).` : deliveryMessage(i.email, delivery));
          reload();
        } catch (err) {
          notify(teamMessage(err), 'error');
        }
      }), { kind: 'ghost', label: `Resend invitation to ${i.email}` });
      return h('tr', null, cell('E-mail address', i.email), cell('Role', roleLabel(i.role)), cell('Valid', `Until ${formatDate(i.expiresAt, false)}`), actionsCell(owner ? h('div', { class: 'row-actions' }, resend, cancel) : null));
    };
    return [
      h('div', { class: 'table-wrap' }, h('table', { class: 'table team stacked' },
        h('caption', { class: 'sr-only' }, 'Team members'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Member'), h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, 'Since'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
        h('tbody', null, ...members.map(memberRow)))),
      invitations.length ? h('h3', null, 'Invited, not joined yet') : null,
      owner && lastLink && invitations.some((i) => i.email === lastLink?.email) ? invitationLinkBox(lastLink.email, lastLink.token) : null,
      invitations.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table invitations stacked' },
        h('caption', { class: 'sr-only' }, 'Pending invitations'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'E-mail address'), h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, 'Valid'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
        h('tbody', null, ...invitations.map(invitationRow)))) : null,
      owner ? h('h3', null, 'Invite someone') : null,
      owner ? form : roleNote('Only owners of this account can invite people, change roles or remove members.'),
      owner ? error : null,
    ];
  });
  reload();
};

const EXPORT_POLL_MS = 1500;
/** How long an export's download links work (lambdas/core/exports.ts). */
const EXPORT_LINK_MS = 15 * 60 * 1000;
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

const exportSummary = (e: AccountExport): string =>
  `${plural(e.progress.bots, 'bot')}, ${plural(e.progress.documents, 'document')} and ${plural(e.progress.conversations, 'conversation')}`;

/**
 * "Export all your data": the exports still kept (so one started on an earlier
 * visit is found), following one being prepared, and short-lived download links
 * for a ready one.
 */
const renderExport = (el: HTMLElement, ctx: PageContext): void => {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let left = false;
  ctx.onLeave(() => {
    left = true;
    for (const t of timers) clearTimeout(t);
  });
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!left) fn();
    }, ms);
    timers.add(t);
  };
  const status = h('div', { 'aria-live': 'polite' });
  const history = h('div');
  const start = button('Export all your data', () => void busy(start, async () => {
    try {
      const res = await api('POST', '/v1/account/exports');
      follow(res.export.exportId);
    } catch (err) {
      mount(status, h('p', { class: (err as { status?: number }).status === 409 ? 'notice' : 'form-error', role: 'alert' }, messageOf(err)));
    }
  }), { kind: 'primary', icon: 'download' });

  /** Download links for a ready export: fetched fresh, and replaced by a button once they have expired. */
  const showLinks = (slot: HTMLElement, exportId: string): void => void loadInto(slot, 'the download links', () => api('GET', '/v1/account/exports/{exportId}', { params: { exportId } }), ({ downloads }) => {
    const until = new Date(Date.now() + EXPORT_LINK_MS);
    later(() => mount(slot,
      h('p', { class: 'muted small' }, 'These download links have expired, for your safety.'),
      button('Get new download links', () => showLinks(slot, exportId), { icon: 'refresh' })), EXPORT_LINK_MS);
    return [
      h('ul', { class: 'export-files' }, ...downloads.map((d) => h('li', null,
        h('span', { class: 'name' }, h('span', { class: 'mono' }, d.name), h('span', { class: 'muted small' }, ` · ${formatBytes(d.bytes)}`)),
        h('a', { class: 'btn secondary', href: d.url, download: d.name, rel: 'noopener', 'aria-label': `Download ${d.name}` }, icon('download'), h('span', null, 'Download'))))),
      h('p', { class: 'muted small' }, `For your safety these links work until ${timeOnly.format(until)}; after that, get new ones here.`),
    ];
  });

  const exportItem = (e: AccountExport, withLinks: boolean): HTMLElement => {
    const slot = h('div');
    const head = h('p', null,
      e.status === 'ready' ? badge('Ready', 'ok') : e.status === 'failed' ? badge('Failed', 'bad') : badge(e.status === 'queued' ? 'Waiting to start' : 'Preparing', 'info'), ' ',
      h('strong', null, `Asked for ${formatDate(e.createdAt)}`), ' ',
      h('span', { class: 'muted small' }, e.status === 'ready' ? `· ${exportSummary(e)} · kept until ${formatDate(e.expiresAt, false)}` : ''));
    if (e.status === 'ready') {
      if (withLinks) showLinks(slot, e.exportId);
      else mount(slot, button('Show download links', () => showLinks(slot, e.exportId), { kind: 'ghost', icon: 'download', label: `Show download links for the export of ${formatDate(e.createdAt)}` }));
    } else if (e.status === 'failed') mount(slot, h('p', { class: 'doc-error' }, e.error ?? 'This export could not be completed. Please start a new one.'));
    return h('li', { class: `export ${e.status}`, 'data-export': e.exportId }, head, slot);
  };

  /** The exports still kept, newest first; one still being prepared is followed. */
  const loadList = (): void => void loadInto(history, 'your exports', () => api('GET', '/v1/account/exports'), ({ exports }) => {
    const active = exports.find((e) => e.status === 'queued' || e.status === 'running');
    if (active) follow(active.exportId);
    const kept = exports.filter((e) => e !== active);
    if (!kept.length) return active ? null : h('p', { class: 'muted' }, 'No exports yet. Exports are kept for a week.');
    const newestReady = kept.find((e) => e.status === 'ready');
    return [
      h('h3', null, 'Your exports'),
      h('ul', { class: 'exports' }, ...kept.map((e) => exportItem(e, e === newestReady))),
      h('p', { class: 'muted small' }, 'Each export is kept for a week, then erased.'),
    ];
  });

  const follow = (exportId: string): void => {
    start.hidden = true;
    const poll = async (): Promise<void> => {
      if (left) return;
      try {
        const res = await api('GET', '/v1/account/exports/{exportId}', { params: { exportId } });
        if (left) return;
        const e = res.export;
        if (e.status === 'ready' || e.status === 'failed') {
          start.hidden = false;
          mount(status, e.status === 'ready'
            ? h('p', { class: 'notice' }, badge('Ready', 'ok'), ' ', `Your export is ready: ${exportSummary(e)}. Download it below.`)
            : h('p', { class: 'form-error', role: 'alert' }, e.error ?? 'The export could not be completed. Please try again.'));
          loadList();
          return;
        }
        mount(status, h('div', { class: 'stack' },
          h('p', null, badge(e.status === 'queued' ? 'Waiting to start' : 'Preparing', 'info'), ' ', `${exportSummary(e)} gathered so far. You can leave this page: the export carries on and is listed here when you come back.`),
          h('progress', { 'aria-label': 'Export in progress' })));
      } catch (err) {
        if (left) return;
        mount(status, h('p', { class: 'form-error', role: 'alert' }, `${messageOf(err)} Still trying…`));
      }
      later(() => void poll(), EXPORT_POLL_MS);
    };
    void poll();
  };

  if (!ctx.can('admin')) {
    mount(el, roleNote('Only owners and admins of this account can export its data.'));
    return;
  }
  mount(el,
    h('p', { class: 'muted' }, 'One archive with your settings, team, bots, documents and their files, conversations, requests for a person, leads, usage and activity log, plus a spreadsheet of conversations. Provider keys are never included.'),
    start,
    status,
    history);
  loadList();
};

/** Deleting the account: everything, at once, after typing its name. */
const dangerZone = (ctx: PageContext): HTMLElement => {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const remove = button('Delete this account', () => void (async () => {
    error.textContent = '';
    const name = ctx.account.name;
    if (!(await confirmTyped(`Delete ${name}?`, 'This erases every bot, document, conversation, lead, key and the activity log, for everyone in the team, at once. It cannot be undone: export your data first if you may need it.', name, 'Delete this account'))) return;
    await busy(remove, async () => {
      try {
        await api('DELETE', '/v1/account');
        ctx.signOut(`${name} and all its data were deleted.`);
      } catch (err) {
        error.textContent = (err as { status?: number }).status === 403 ? 'Only an owner can delete this account.' : messageOf(err);
      }
    });
  })(), { kind: 'danger', icon: 'trash' });
  return h('section', { class: 'card danger-zone' },
    h('h2', null, 'Delete this account'),
    h('p', null, 'Erases all of this account’s data for good, for every member, and signs you out.'),
    error,
    h('div', { class: 'actions' }, remove));
};

export const renderAccount = (main: HTMLElement, ctx: PageContext): void => {
  document.title = 'Account · Parley';
  const usage = h('div');
  const audit = h('div');
  const auditFilter = h('select', { name: 'audit-filter' }, ...AUDIT_FILTERS.map(([value, label]) => h('option', { value }, label)));
  const team = h('div', { class: 'stack' });
  const exportBody = h('div', { class: 'stack' });
  const retention = h('select', { name: 'retention' },
    ...RETENTION.map(([d, label]) => h('option', { value: String(d) }, label)),
    ...(RETENTION.some(([d]) => d === ctx.account.retentionDays) ? [] : [h('option', { value: String(ctx.account.retentionDays) }, `${ctx.account.retentionDays} days`)]));
  retention.value = String(ctx.account.retentionDays);
  retention.disabled = !ctx.can('admin');
  const saveRetention = !ctx.can('admin') ? null : button('Save', () => void busy(saveRetention!, async () => {
    try {
      const res = await api('PATCH', '/v1/account', { body: { retentionDays: Number(retention.value) } });
      ctx.setAccount(res.account);
      Object.assign(ctx.account, res.account);
      notify('Saved. New conversations follow this setting.');
    } catch (err) {
      notify(messageOf(err), 'error');
    }
  }), { kind: 'primary' });

  mount(main,
    pageHeader(ctx.account.name, `Account created ${formatDate(ctx.account.createdAt, false)}.`),
    ctx.can('admin') ? null : roleNote(VIEWER_NOTE),
    card('Usage this month', usage),
    card('Conversations',
      h('div', { class: 'inline-form' }, field('Keep conversations for', retention, 'After this, they are erased automatically. Choosing “Do not keep” stores no conversations at all.'), saveRetention)),
    card('Team', h('p', { class: 'muted' }, ROLE_HINT), team),
    card('Export all your data', exportBody),
    card('Activity log', h('p', { class: 'muted' }, 'Who changed what in your account, and when.'), field('Show', auditFilter), audit),
    ctx.can('owner') ? dangerZone(ctx) : null);
  renderTeam(team, ctx);
  renderExport(exportBody, ctx);

  void loadInto(usage, 'your usage', () => Promise.all([api('GET', '/v1/usage'), api('GET', '/v1/bots')]), ([u, { bots }]) => {
    const tokensOf = (r: UsageRow, f: 'messages' | 'tokens' | 'embedding') => (f === 'messages' ? r.messages : f === 'tokens' ? r.inputTokens + r.outputTokens : r.embeddingTokens);
    const by = (k: KeyClass, f: 'messages' | 'tokens' | 'embedding') => u.rows.filter((r) => r.keyClass === k).reduce((n, r) => n + tokensOf(r, f), 0);
    const names = new Map(bots.map((b) => [b.botId, b.name]));
    const perBot = new Map<string, { messages: number; tokens: number; embedding: number; costMicros: number }>();
    for (const r of u.rows) {
      const t = perBot.get(r.botId) ?? { messages: 0, tokens: 0, embedding: 0, costMicros: 0 };
      perBot.set(r.botId, {
        messages: t.messages + r.messages, tokens: t.tokens + r.inputTokens + r.outputTokens,
        embedding: t.embedding + r.embeddingTokens, costMicros: t.costMicros + r.costMicros + r.embeddingCostMicros,
      });
    }
    const totalTokens = u.totals.inputTokens + u.totals.outputTokens;
    const dollars = (micros: number) => `$${(micros / 1e6).toFixed(2)}`;
    // Bedrock is there only where the operator enabled it: its bar shows once it answered or embedded something this month.
    const classes = CLASSES.filter((c) => c.id !== 'bedrock' || u.rows.some((r) => r.keyClass === 'bedrock'));
    const embedded = u.totals.embeddingTokens > 0;
    return [
      h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('p', { class: 'stat-value' }, formatNumber(u.totals.messages)), h('p', { class: 'muted' }, `answers in ${monthName(u.month)}`)),
        h('div', { class: 'stat' }, h('p', { class: 'stat-value' }, formatNumber(totalTokens)), h('p', { class: 'muted' }, 'tokens in answers')),
        h('div', { class: 'stat' }, h('p', { class: 'stat-value' }, dollars(u.totals.costMicros)), h('p', { class: 'muted' }, 'for answers, at providers’ list prices')),
        h('div', { class: 'stat' }, h('p', { class: 'stat-value' }, dollars(u.totals.embeddingCostMicros)),
          h('p', { class: 'muted' }, `for indexing documents and questions (${formatNumber(u.totals.embeddingTokens)} tokens), at list prices`))),
      u.rows.length ? h('div', { class: 'charts' },
        barChart('Answers, by who paid', classes.map((c) => ({ label: c.label, value: by(c.id, 'messages'), cls: c.id }))),
        barChart('Tokens, by who paid', classes.map((c) => ({ label: c.label, value: by(c.id, 'tokens'), cls: c.id }))),
        embedded ? barChart('Indexing tokens, by who paid', classes.filter((c) => c.id !== 'local').map((c) => ({ label: c.label, value: by(c.id, 'embedding'), cls: c.id }))) : null)
        : empty('No answers yet this month', 'Usage appears here as soon as visitors ask your bots questions.'),
      // Stacked rows on a phone ("label: value"), as the team and the activity log are.
      perBot.size ? h('table', { class: 'table stacked' },
        h('caption', { class: 'sr-only' }, 'Usage by bot'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Bot'), h('th', { scope: 'col', class: 'num' }, 'Answers'), h('th', { scope: 'col', class: 'num' }, 'Tokens'),
          h('th', { scope: 'col', class: 'num' }, 'Indexing tokens'), h('th', { scope: 'col', class: 'num' }, 'Cost'))),
        h('tbody', null, ...[...perBot].map(([id, t]) => h('tr', null, cell('Bot', names.get(id) ?? 'A deleted bot'), numCell('Answers', formatNumber(t.messages)),
          numCell('Tokens', formatNumber(t.tokens)), numCell('Indexing tokens', formatNumber(t.embedding)), numCell('Cost', dollars(t.costMicros)))))) : null,
    ];
  });

  // Names for the ids the log records: a bot by its name, a member by their e-mail address.
  const namesOf = async (): Promise<{ bots: Map<string, string>; people: Map<string, string> }> => {
    const [bots, team] = await Promise.all([
      api('GET', '/v1/bots').catch(() => ({ bots: [] as Bot[] })),
      api('GET', '/v1/members').catch(() => ({ members: [] as Member[] })),
    ]);
    return { bots: new Map(bots.bots.map((b) => [b.botId, b.name])), people: new Map(team.members.map((m) => [m.userId, m.email])) };
  };
  const loadAudit = (prefix: string) => void loadInto(audit, 'the activity log', () => Promise.all([api('GET', '/v1/audit', { query: { limit: 50, ...(prefix ? { action: prefix } : {}) } }), namesOf()]), ([{ entries }, names]) =>
    entries.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Activity log' }, h('table', { class: 'table stacked' },
      h('caption', { class: 'sr-only' }, 'Activity log, newest first'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'Outcome'), h('th', { scope: 'col' }, 'From'))),
      h('tbody', null, ...entries.map((e) => h('tr', null,
        cell('When', formatDate(e.at)),
        cell('What', documentActivity(e) ?? ACTIONS[e.action] ?? e.action, e.target && names.bots.has(e.target) ? h('span', { class: 'muted small' }, ` · ${names.bots.get(e.target)}`) : null),
        cell('Who', e.actor.kind === 'user' ? (e.actor.userId && names.people.get(e.actor.userId)) || 'A former team member' : e.actor.kind === 'visitor' ? 'A visitor' : 'Parley'),
        cell('Outcome', e.outcome === 'ok' ? 'Done' : e.outcome === 'refused' ? 'Refused' : 'Failed'),
        cell('From', h('span', { class: 'mono small' }, e.sourceIp ?? '—')))))))
      : empty('Nothing yet', 'Changes to bots, documents, keys, the team and settings are recorded here.'));
  auditFilter.addEventListener('change', () => loadAudit(auditFilter.value));
  loadAudit('');
};
