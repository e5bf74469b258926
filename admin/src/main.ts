/**
 * The admin panel: its runtime configuration, sign-in (local or Cognito's hosted
 * sign-in), then a shell with the owner's bots, keys and account. Routes live in
 * the URL hash, so the static host needs no rewrites.
 */
import { api, whenSessionExpires } from './api.ts';
import { completeHostedSignIn, hostedSignOut, SignInError } from './auth.ts';
import { config, loadConfig } from './config.ts';
import { h, icon, mount, type IconName } from './dom.ts';
import { clearTabStorage, readActingFor, readSession, setActingFor, takeNotice } from './session.ts';
import type { Account, MyAccount, Role } from './types.ts';
import { badge, button, failure, loading } from './ui.ts';
import { renderAccount } from './views/account.ts';
import { renderAccounts } from './views/accounts.ts';
import { renderBot, type BotTab } from './views/bot.ts';
import { renderBots } from './views/bots.ts';
import { renderKeys } from './views/keys.ts';
import { renderNotifications } from './views/notifications.ts';
import { renderConfigError, renderCreateAccount, renderHostedSignIn, renderSignIn } from './views/sign-in.ts';

const app = document.getElementById('app')!;
let signInNotice: string | undefined;
let account: Account | undefined;
let role: Role = 'viewer';
/** Every account the signed-in person belongs to, for the switcher. */
let accounts: MyAccount[] = [];
/** Tears down what the current page started (polling, the widget preview). */
const cleanups: Array<() => void> = [];
/** Bumped on every navigation, so a page that finishes loading after the owner left stops at once. */
let generation = 0;
/** Whether the sign-in page is showing because the session ended (so a burst of 401s shows it once). */
let expired = false;

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };
const ROLE_LABEL: Record<Role, string> = { viewer: 'Viewer', admin: 'Admin', owner: 'Owner' };

export const navigate = (hash: string): void => {
  if (location.hash === hash) void route();
  else location.hash = hash;
};

// The session ended (a 401): sign in again on this very page, then carry on from it.
whenSessionExpires(() => {
  if (expired) return;
  expired = true;
  signInNotice = 'Your session ended. Sign in again to carry on where you were.';
  account = undefined;
  void route();
});

const NAV: Array<{ hash: string; label: string; icon: IconName; match: RegExp }> = [
  { hash: '#/', label: 'Bots', icon: 'bot', match: /^#\/(bots.*)?$/ },
  { hash: '#/notifications', label: 'Notifications', icon: 'chat', match: /^#\/notifications/ },
  { hash: '#/keys', label: 'Keys & privacy', icon: 'shield', match: /^#\/keys/ },
  { hash: '#/account', label: 'Account', icon: 'chart', match: /^#\/account/ },
];

/** Acts for `accountId` from now on, and starts again from the bots. */
const switchTo = (accountId: string): void => {
  setActingFor(accountId);
  account = undefined;
  navigate('#/');
};

/** The account switcher: the account this tab acts for, and the others the person belongs to. */
const switcher = (): HTMLElement => {
  if (accounts.length < 2 || !account) {
    return h('a', { class: 'account-name', href: '#/accounts', title: 'Your accounts and invitations' }, account?.name ?? 'Your accounts');
  }
  const current = account.accountId;
  const select = h('select', { class: 'account-switch', 'aria-label': 'Account' },
    ...accounts.map((a) => h('option', { value: a.accountId, selected: a.accountId === current ? true : null }, `${a.name} (${ROLE_LABEL[a.role]})`)));
  select.addEventListener('change', () => switchTo(select.value));
  return h('span', { class: 'switcher' }, select, h('a', { class: 'account-name', href: '#/accounts' }, 'All accounts'));
};

/** The page frame: with an account, its navigation and the switcher; without one, only the person and sign-out. */
const shell = (email: string, main: HTMLElement): HTMLElement => {
  const here = location.hash || '#/';
  return h('div', { class: 'shell' },
    h('a', { class: 'skip', href: '#main', onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), 'Parley'),
      account ? h('nav', { class: 'nav', 'aria-label': 'Main' },
        ...NAV.map((n) => h('a', { href: n.hash, class: 'nav-link', 'aria-current': n.match.test(here) ? 'page' : null }, icon(n.icon), h('span', null, n.label)))) : null,
      h('div', { class: 'who' },
        switcher(),
        h('span', { class: 'email', title: email }, email),
        account ? badge(ROLE_LABEL[role], role === 'viewer' ? 'muted' : 'info') : null,
        button('Sign out', () => signOut(), { kind: 'ghost', icon: 'out' }))),
    main);
};

const signOut = (notice = 'You are signed out.'): void => {
  account = undefined;
  const auth = config().auth;
  if (auth.kind === 'cognito') return void hostedSignOut(auth, notice);
  clearTabStorage();
  signInNotice = notice;
  navigate('#/sign-in');
};

/**
 * The account this tab acts for and the person's role there: the one chosen before, if
 * they still belong to it, else their only account. Undefined when they have none, or
 * several and none chosen: nothing is picked for them.
 */
const loadAccount = async (): Promise<{ account: Account; role?: Role } | undefined> => {
  accounts = (await api('GET', '/v1/me/accounts')).accounts;
  const chosen = readActingFor();
  const acting = accounts.find((a) => a.accountId === chosen) ?? (accounts.length === 1 ? accounts[0] : undefined);
  setActingFor(acting?.accountId);
  if (!acting) return undefined;
  try {
    return await api('GET', '/v1/account');
  } catch (err) {
    // Locked while it is being erased: the person chooses another, or creates one.
    if ((err as { status?: number }).status === 403) return undefined;
    throw err;
  }
};

/** Whether invitations wait for the signed-in person (an unverified address sees none). */
const hasInvitations = async (): Promise<boolean> => {
  try {
    return (await api('GET', '/v1/me/invitations')).invitations.length > 0;
  } catch {
    return false;
  }
};

/** After signing in: the page they were on, or the bots. */
const afterSignIn = (): void => {
  expired = false;
  if ((location.hash || '#/') === '#/sign-in') navigate('#/');
  else void route();
};

const route = async (): Promise<void> => {
  for (const fn of cleanups.splice(0)) fn();
  const gen = ++generation;
  const hash = location.hash || '#/';
  const session = readSession();
  if (!session || hash === '#/sign-in') {
    if (session && hash === '#/sign-in') return navigate('#/');
    const notice = signInNotice ?? takeNotice();
    signInNotice = undefined;
    document.title = 'Sign in · Parley';
    const auth = config().auth;
    mount(app, auth.kind === 'cognito' ? renderHostedSignIn(auth, notice, hash) : renderSignIn(notice, afterSignIn));
    return;
  }
  expired = false;
  if (!account) {
    mount(app, loading('your account'));
    let loaded;
    try {
      loaded = await loadAccount();
    } catch (err) {
      // An expired session has already gone back to sign-in.
      if ((err as { status?: number }).status !== 401) mount(app, h('main', { class: 'centered', id: 'main' }, failure(err, () => void route())));
      return;
    }
    if (gen !== generation) return;
    if (!loaded && accounts.length === 0 && !hash.startsWith('#/invitation/') && !(await hasInvitations())) {
      if (gen !== generation) return;
      document.title = 'Create your account · Parley';
      mount(app, renderCreateAccount(session.email, (created) => switchTo(created.accountId)));
      return;
    }
    if (gen !== generation) return;
    if (loaded) {
      account = loaded.account;
      role = loaded.role ?? 'viewer';
    }
  }
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  mount(app, shell(session.email, main));
  // The person's own accounts and invitations: an invitation link, choosing among several accounts, or none yet.
  const invitation = /^#\/invitation\/([^/?#]+)$/.exec(hash);
  if (invitation || hash === '#/accounts' || !account) {
    document.title = `${invitation ? 'Your invitation' : 'Your accounts'} · Parley`;
    renderAccounts(main, {
      email: session.email, accounts, current: account?.accountId, token: invitation?.[1],
      choose: switchTo,
      changed: () => { account = undefined; navigate('#/accounts'); },
    });
    queueMicrotask(() => main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true }));
    return;
  }
  // `#/bots/<bot>/conversations/<conversation>[/<turn>]` opens one conversation (the links in notification e-mails).
  const bot = /^#\/bots\/([0-9A-Za-z]+)(?:\/(\w+)(?:\/([0-9A-Za-z]{26})(?:\/([0-9A-Za-z]{26}))?)?)?$/.exec(hash);
  const ctx = {
    navigate, account, role,
    can: (need: Role) => RANK[role] >= RANK[need],
    setAccount: (a: Account) => (account = a),
    signOut,
    onLeave: (fn: () => void) => (gen === generation ? cleanups.push(fn) : fn()),
  };
  if (bot) renderBot(main, ctx, bot[1]!, (bot[2] ?? 'data') as BotTab, bot[3] ? { conversationId: bot[3], ...(bot[4] ? { turnId: bot[4] } : {}) } : undefined);
  else if (hash.startsWith('#/notifications')) renderNotifications(main, ctx);
  else if (hash.startsWith('#/keys')) renderKeys(main, ctx);
  else if (hash.startsWith('#/account')) renderAccount(main, ctx);
  else renderBots(main, ctx);
  // Move focus to the new page's heading, so keyboard and screen-reader users start there.
  queueMicrotask(() => main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true }));
};

const boot = async (): Promise<void> => {
  try {
    await loadConfig();
  } catch (err) {
    document.title = 'Parley cannot start';
    mount(app, renderConfigError(err));
    return;
  }
  const auth = config().auth;
  if (auth.kind === 'cognito') {
    mount(app, loading('your sign-in'));
    try {
      await completeHostedSignIn(auth);
    } catch (err) {
      signInNotice = err instanceof SignInError ? err.message : 'Sign-in could not be completed. Please try again.';
    }
  }
  window.addEventListener('hashchange', () => void route());
  void route();
};

void boot();
