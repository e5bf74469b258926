/**
 * Signing in: the local e-mail sign-in, or on AWS a page that hands over to
 * Cognito's hosted sign-in; first-time account creation; and the page shown
 * when the panel's configuration is missing or wrong.
 */
import { api, messageOf, request } from '../api.ts';
import { startHostedSignIn } from '../auth.ts';
import type { AuthConfig } from '../config.ts';
import { h, icon, mount } from '../dom.ts';
import { saveSession } from '../session.ts';
import type { Account } from '../types.ts';
import { button, field } from '../ui.ts';

const frame = (...children: Array<Node | null>): HTMLElement =>
  h('main', { class: 'auth', id: 'main' },
    h('div', { class: 'auth-card' },
      h('p', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), 'Parley'),
      ...children),
    h('p', { class: 'auth-foot' }, 'Your documents and conversations stay in your account: encrypted, and never used to train anyone’s AI.'));

const errorLine = (): HTMLElement => h('p', { class: 'form-error', role: 'alert' });

export const renderSignIn = (notice: string | undefined, done: () => void): HTMLElement => {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true, placeholder: 'you@yourbusiness.com' });
  const error = errorLine();
  const submit = button('Continue', () => undefined, { kind: 'primary', type: 'submit' });
  const form = h('form', { class: 'stack', novalidate: true },
    field('E-mail address', email),
    error,
    submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!email.checkValidity() || !email.value.trim()) {
      error.textContent = 'Enter your e-mail address, such as you@yourbusiness.com.';
      email.setAttribute('aria-invalid', 'true');
      email.focus();
      return;
    }
    submit.disabled = true;
    request<{ token: string; expiresAt: string }>('POST', '/local/sign-in', { email: email.value.trim() }, { token: '' })
      .then((res) => {
        saveSession({ token: res.token, email: email.value.trim(), expiresAt: res.expiresAt });
        done();
      })
      .catch((err: unknown) => {
        error.textContent = messageOf(err);
        submit.disabled = false;
      });
  });
  queueMicrotask(() => email.focus());
  return frame(
    h('h1', null, 'Sign in'),
    h('p', { class: 'lead' }, 'Build a helpful assistant from your own documents.'),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    form,
    h('p', { class: 'hint' }, 'This is the local sign-in for running Parley on your own computer. Online, you sign in with your password and, if you like, a second factor.'));
};

/** On AWS: one button to Cognito's hosted sign-in (password, and a second factor if set up), then back to `returnTo`. */
export const renderHostedSignIn = (auth: Extract<AuthConfig, { kind: 'cognito' }>, notice: string | undefined, returnTo: string): HTMLElement => {
  const error = errorLine();
  const go = button(notice ? 'Sign in again' : 'Sign in', () => {
    go.disabled = true;
    go.setAttribute('aria-busy', 'true');
    startHostedSignIn(auth, returnTo).catch(() => {
      go.disabled = false;
      go.removeAttribute('aria-busy');
      error.textContent = 'Sign-in could not start in this browser. Please try another browser.';
    });
  }, { kind: 'primary' });
  queueMicrotask(() => go.focus());
  return frame(
    h('h1', null, 'Sign in'),
    h('p', { class: 'lead' }, 'Build a helpful assistant from your own documents.'),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    go,
    error,
    h('p', { class: 'hint' }, 'You sign in on Parley’s secure sign-in page with your e-mail address and password and, if you set one up, a second factor. You come straight back here.'));
};

/** The panel cannot start: its configuration is missing or wrong. Says so plainly, for the owner and whoever runs Parley. */
export const renderConfigError = (err: unknown): HTMLElement =>
  h('main', { class: 'auth', id: 'main' },
    h('div', { class: 'auth-card', role: 'alert' },
      h('p', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), 'Parley'),
      h('p', { class: 'config-icon' }, icon('warn')),
      h('h1', null, 'Parley cannot start'),
      h('p', null, 'The admin panel’s settings are missing or incorrect, so it cannot sign you in safely. Nothing was sent anywhere.'),
      h('p', { class: 'config-detail' }, err instanceof Error ? err.message : 'The configuration could not be read.'),
      h('p', { class: 'hint' }, 'If you run this Parley, check /admin/config.json. Otherwise, please let whoever set it up know, and try again later.'),
      button('Try again', () => location.reload(), { icon: 'refresh' })));

export const renderCreateAccount = (email: string, done: (account: Account) => void): HTMLElement => {
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'organization', required: true, maxlength: '80', placeholder: 'Acme Outdoor' });
  const error = errorLine();
  const submit = button('Create my account', () => undefined, { kind: 'primary', type: 'submit' });
  const form = h('form', { class: 'stack', novalidate: true }, field('Business name', name, 'Shown to you and your team only.'), error, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      error.textContent = 'Enter the name of your business.';
      name.focus();
      return;
    }
    submit.disabled = true;
    api('POST', '/v1/account', { body: { name: name.value.trim() } })
      .then((res) => done(res.account))
      .catch((err: unknown) => {
        error.textContent = messageOf(err);
        submit.disabled = false;
      });
  });
  queueMicrotask(() => name.focus());
  const view = frame(
    h('h1', null, 'Welcome to Parley'),
    h('p', { class: 'lead' }, `You are signed in as ${email}. One more step: name your account.`),
    form);
  mount(view.querySelector('.auth-foot')!, 'Parley keeps your data in your account only, encrypted with a key of its own.');
  return view;
};
