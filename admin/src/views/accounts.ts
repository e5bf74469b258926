/**
 * The signed-in person's own accounts and invitations (`/v1/me/…`), whichever
 * account the tab acts for: join an account by its invitation link, see what
 * else they are invited to ("invited to X by Y") and decline it, switch to or
 * leave an account, and create one of their own.
 *
 * An invitation is joined only with its link: the panel never accepts one for
 * its own sake, and listing an invitation offers no way round the link.
 */
import { api, messageOf } from '../api.ts';
import { h } from '../dom.ts';
import type { MyAccount, PendingInvitation, Role } from '../types.ts';
import { badge, busy, button, card, confirmAction, field, formatDate, loadInto, notify, pageHeader } from '../ui.ts';

const ROLE_LABEL: Record<Role, string> = { viewer: 'Viewer', admin: 'Admin', owner: 'Owner' };
const TOKEN = /([0-9A-HJKMNP-TV-Z]{26}\.[A-Za-z0-9_-]{43})/;

/** The link an invitation's token makes on this panel. The token rides in the hash, which browsers never send to a server. */
export const invitationLink = (token: string): string => `${location.origin}${location.pathname}#/invitation/${token}`;

/** The token in a pasted link (or a bare token); undefined when there is none. */
export const tokenIn = (text: string): string | undefined => TOKEN.exec(text.trim())?.[1];

export interface AccountsPage {
  readonly email: string;
  /** The accounts the person belongs to. */
  readonly accounts: readonly MyAccount[];
  /** The account this tab acts for, if any. */
  readonly current: string | undefined;
  /** The token of the invitation link the person opened, if they came by one. */
  readonly token: string | undefined;
  /** Act for this account from now on (after switching, joining or creating it). */
  readonly choose: (accountId: string) => void;
  /** The person's accounts changed (left one): load them again. */
  readonly changed: () => void;
}

const inviterOf = (i: PendingInvitation): string => (i.invitedByEmail ? `by ${i.invitedByEmail}` : 'by an owner of that account');

/** Joins with `token`, then acts for the account joined. */
const join = async (page: AccountsPage, token: string): Promise<void> => {
  const { joined } = await api('POST', '/v1/me/invitations/accept', { body: { token } });
  notify(`You joined ${joined.accountName} as ${ROLE_LABEL[joined.role]}.`);
  page.choose(joined.accountId);
};

/** The invitation the opened link is for: who invited the person to what, with Join and Decline. */
const linkCard = (page: AccountsPage, token: string, pending: readonly PendingInvitation[]): HTMLElement => {
  const accountId = token.slice(0, 26);
  const invitation = pending.find((i) => i.accountId === accountId);
  const error = h('p', { class: 'form-error', role: 'alert' });
  if (page.accounts.some((a) => a.accountId === accountId)) {
    return card('Invitation', h('p', null, 'You are already a member of this account.'),
      button('Go to this account', () => page.choose(accountId), { kind: 'primary' }));
  }
  if (!invitation) {
    return card('Invitation',
      h('p', { role: 'alert' }, `This invitation link does not work for ${page.email}: it was used, cancelled or replaced by a newer one, it expired, or it was sent to another address. Ask whoever invited you to send it again, to the address you sign in with.`));
  }
  const accept = button(`Join ${invitation.accountName}`, () => void busy(accept, async () => {
    error.textContent = '';
    try {
      await join(page, token);
    } catch (err) {
      error.textContent = messageOf(err);
    }
  }), { kind: 'primary' });
  const decline = button('Decline', () => void busy(decline, async () => {
    error.textContent = '';
    try {
      await api('DELETE', '/v1/me/invitations/{accountId}', { params: { accountId } });
      notify(`You declined the invitation to ${invitation.accountName}.`);
      location.hash = '#/accounts';
    } catch (err) {
      error.textContent = messageOf(err);
    }
  }), { kind: 'ghost' });
  queueMicrotask(() => accept.focus());
  return card('Invitation',
    h('p', { class: 'invitation-offer' }, 'You are invited to ', h('strong', null, invitation.accountName), ` ${inviterOf(invitation)} as ${ROLE_LABEL[invitation.role]}.`),
    h('p', { class: 'hint' }, `Join only if you expected this invitation. The link works until ${formatDate(invitation.expiresAt, false)}.`),
    error,
    h('div', { class: 'row-actions' }, accept, decline));
};

/** Invitations waiting for the person: each can be declined; joining takes its link, pasted here. */
const pendingCard = (page: AccountsPage, pending: readonly PendingInvitation[], reload: () => void): HTMLElement => {
  const link = h('input', { type: 'url', name: 'invitation-link', autocomplete: 'off', placeholder: 'https://…#/invitation/…' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = button('Join', () => undefined, { kind: 'primary', type: 'submit' });
  const form = h('form', { class: 'inline-form', novalidate: true }, field('Invitation link', link, 'From the invitation you were sent.'), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = tokenIn(link.value);
    if (!token) {
      error.textContent = 'Paste the whole invitation link you were sent.';
      link.setAttribute('aria-invalid', 'true');
      link.focus();
      return;
    }
    link.removeAttribute('aria-invalid');
    void busy(submit, async () => {
      error.textContent = '';
      try {
        await join(page, token);
      } catch (err) {
        error.textContent = messageOf(err);
      }
    });
  });
  const row = (i: PendingInvitation): HTMLElement => {
    const decline = button('Decline', () => void busy(decline, async () => {
      if (!(await confirmAction(`Decline the invitation to ${i.accountName}?`, `You will not join ${i.accountName}. Its owners can invite you again.`, 'Decline'))) return;
      try {
        await api('DELETE', '/v1/me/invitations/{accountId}', { params: { accountId: i.accountId } });
        notify(`You declined the invitation to ${i.accountName}.`);
        reload();
      } catch (err) {
        notify(messageOf(err), 'error');
      }
    }), { kind: 'ghost', label: `Decline the invitation to ${i.accountName} ${inviterOf(i)}` });
    return h('li', { class: 'pending-invitation' },
      h('span', null, 'Invited to ', h('strong', null, i.accountName), ` ${inviterOf(i)} as ${ROLE_LABEL[i.role]}`,
        h('span', { class: 'muted' }, ` · until ${formatDate(i.expiresAt, false)}`)),
      decline);
  };
  return card('Invitations for you',
    pending.length
      ? h('ul', { class: 'plain-list invitations-for-you' }, ...pending.map(row))
      : h('p', { class: 'muted' }, 'No invitations are waiting for you.'),
    h('p', { class: 'hint' }, 'To join an account, open the invitation link you were sent, or paste it here. Signing in never joins an account by itself.'),
    form, error);
};

/** The accounts the person belongs to: switch to one, or leave it. */
const accountsCard = (page: AccountsPage): HTMLElement | null => {
  if (!page.accounts.length) return null;
  const row = (a: MyAccount): HTMLElement => {
    const current = a.accountId === page.current;
    const leave = button('Leave', () => void busy(leave, async () => {
      if (!(await confirmAction(`Leave ${a.name}?`, `You lose access to ${a.name} at once. An owner can invite you again.`, 'Leave account'))) return;
      try {
        await api('DELETE', '/v1/me/accounts/{accountId}', { params: { accountId: a.accountId } });
        notify(`You left ${a.name}.`);
        page.changed();
      } catch (err) {
        notify(messageOf(err), 'error');
      }
    }), { kind: 'ghost', label: `Leave ${a.name}` });
    return h('li', { class: 'my-account' },
      h('span', null, h('strong', null, a.name), ' ', badge(ROLE_LABEL[a.role], a.role === 'viewer' ? 'muted' : 'info'),
        a.status === 'locked' ? badge('Being erased', 'warn') : null),
      current ? badge('Current', 'ok') : button('Switch', () => page.choose(a.accountId), { label: `Switch to ${a.name}` }),
      leave);
  };
  return card('Your accounts', h('ul', { class: 'plain-list my-accounts' }, ...page.accounts.map(row)));
};

/** An account of the person's own, next to those they belong to. */
const createCard = (page: AccountsPage): HTMLElement => {
  const name = h('input', { type: 'text', name: 'new-account-name', autocomplete: 'organization', maxlength: '80', placeholder: 'Acme Outdoor' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = button('Create account', () => undefined, { type: 'submit', icon: 'plus' });
  const form = h('form', { class: 'inline-form', novalidate: true }, field('Business name', name), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      error.textContent = 'Enter the name of your business.';
      name.focus();
      return;
    }
    void busy(submit, async () => {
      error.textContent = '';
      try {
        const { account } = await api('POST', '/v1/account', { body: { name: name.value.trim() } });
        notify(`${account.name} is ready.`);
        page.choose(account.accountId);
      } catch (err) {
        error.textContent = messageOf(err);
      }
    });
  });
  return card('An account of your own', h('p', { class: 'hint' }, 'Your own account keeps its bots and documents apart from every other account you belong to.'), form, error);
};

/** The page: the opened invitation first, then pending invitations, accounts, and creating one's own. */
export const renderAccounts = (main: HTMLElement, page: AccountsPage): void => {
  const body = h('div', { class: 'stack' });
  const reload = (): void => void loadInto(body, 'your invitations', () => api('GET', '/v1/me/invitations'), ({ invitations }) => {
    const others = page.token ? invitations.filter((i) => i.accountId !== page.token!.slice(0, 26)) : invitations;
    return [
      page.token ? linkCard(page, page.token, invitations) : null,
      pendingCard(page, others, reload),
      accountsCard(page),
      createCard(page),
    ].filter((c) => c !== null);
  });
  main.replaceChildren(
    pageHeader(page.token ? 'Your invitation' : 'Your accounts', `Signed in as ${page.email}.`),
    body);
  reload();
};
