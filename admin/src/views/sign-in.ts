/** Local e-mail sign-in (Cognito's hosted sign-in takes its place on AWS) and first-time account creation. */
import { messageOf, request } from '../api.ts';
import { h, mount } from '../dom.ts';
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
    request<{ account: Account }>('POST', '/v1/account', { name: name.value.trim() })
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
