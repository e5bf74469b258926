/**
 * The admin panel: sign-in, then a shell with the owner's bots, keys and
 * account. Routes live in the URL hash, so the static host needs no rewrites.
 */
import { get, whenSessionExpires } from './api.ts';
import { h, icon, mount, type IconName } from './dom.ts';
import { clearSession, readSession } from './session.ts';
import type { Account } from './types.ts';
import { button, failure, loading } from './ui.ts';
import { renderAccount } from './views/account.ts';
import { renderBot, type BotTab } from './views/bot.ts';
import { renderBots } from './views/bots.ts';
import { renderKeys } from './views/keys.ts';
import { renderCreateAccount, renderSignIn } from './views/sign-in.ts';

const app = document.getElementById('app')!;
let signInNotice: string | undefined;
let account: Account | undefined;
/** Tears down what the current page started (polling, the widget preview). */
const cleanups: Array<() => void> = [];
/** Bumped on every navigation, so a page that finishes loading after the owner left stops at once. */
let generation = 0;

export const navigate = (hash: string): void => {
  if (location.hash === hash) void route();
  else location.hash = hash;
};

whenSessionExpires(() => {
  signInNotice = 'Your session has expired. Please sign in again.';
  account = undefined;
  navigate('#/sign-in');
});

const NAV: Array<{ hash: string; label: string; icon: IconName; match: RegExp }> = [
  { hash: '#/', label: 'Bots', icon: 'bot', match: /^#\/(bots.*)?$/ },
  { hash: '#/keys', label: 'Keys & privacy', icon: 'shield', match: /^#\/keys/ },
  { hash: '#/account', label: 'Account', icon: 'chart', match: /^#\/account/ },
];

const shell = (email: string, main: HTMLElement): HTMLElement => {
  const here = location.hash || '#/';
  return h('div', { class: 'shell' },
    h('a', { class: 'skip', href: '#main' , onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), 'Parley'),
      h('nav', { class: 'nav', 'aria-label': 'Main' },
        ...NAV.map((n) => h('a', { href: n.hash, class: 'nav-link', 'aria-current': n.match.test(here) ? 'page' : null }, icon(n.icon), h('span', null, n.label)))),
      h('div', { class: 'who' },
        h('span', { class: 'email', title: email }, email),
        button('Sign out', () => signOut(), { kind: 'ghost', icon: 'out' }))),
    main);
};

const signOut = (notice = 'You are signed out.'): void => {
  clearSession();
  account = undefined;
  signInNotice = notice;
  navigate('#/sign-in');
};

/** The account of the signed-in user, or undefined when they have none yet. */
const loadAccount = async (): Promise<Account | undefined> => {
  try {
    return (await get<{ account: Account }>('/v1/account')).account;
  } catch (err) {
    if ((err as { status?: number }).status === 403) return undefined;
    throw err;
  }
};

const route = async (): Promise<void> => {
  for (const fn of cleanups.splice(0)) fn();
  const gen = ++generation;
  const hash = location.hash || '#/';
  const session = readSession();
  if (!session || hash === '#/sign-in') {
    if (session && hash === '#/sign-in') return navigate('#/');
    const notice = signInNotice;
    signInNotice = undefined;
    document.title = 'Sign in · Parley';
    mount(app, renderSignIn(notice, () => navigate('#/')));
    return;
  }
  if (!account) {
    mount(app, loading('your account'));
    try {
      account = await loadAccount();
    } catch (err) {
      // An expired session has already gone back to sign-in.
      if ((err as { status?: number }).status !== 401) mount(app, h('main', { class: 'centered' }, failure(err, () => void route())));
      return;
    }
    if (!account) {
      document.title = 'Create your account · Parley';
      mount(app, renderCreateAccount(session.email, (created) => {
        account = created;
        navigate('#/');
      }));
      return;
    }
  }
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  mount(app, shell(session.email, main));
  const bot = /^#\/bots\/([0-9A-Za-z]+)(?:\/(\w+))?$/.exec(hash);
  const ctx = { navigate, account, setAccount: (a: Account) => (account = a), signOut, onLeave: (fn: () => void) => (gen === generation ? cleanups.push(fn) : fn()) };
  if (bot) renderBot(main, ctx, bot[1]!, (bot[2] ?? 'data') as BotTab);
  else if (hash.startsWith('#/keys')) renderKeys(main, ctx);
  else if (hash.startsWith('#/account')) renderAccount(main, ctx);
  else renderBots(main, ctx);
  // Move focus to the new page's heading, so keyboard and screen-reader users start there.
  queueMicrotask(() => main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true }));
};

window.addEventListener('hashchange', () => void route());
void route();
