/** The owner's bots: a list of cards, and a short form to create one. */
import { api, messageOf } from '../api.ts';
import type { PageContext } from '../context.ts';
import { modelLabel } from '../describe.ts';
import { h, icon, mount } from '../dom.ts';
import { WIDGET_DEFAULT_COLOR, type Bot } from '../types.ts';
import { badge, button, empty, field, formatDate, loadInto, pageHeader, roleNote, VIEWER_NOTE } from '../ui.ts';

const createForm = (ctx: PageContext, onCancel?: () => void): HTMLElement => {
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: '80', placeholder: 'Help desk', autocomplete: 'off' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = button('Create bot', () => undefined, { kind: 'primary', type: 'submit', icon: 'plus' });
  const form = h('form', { class: 'card create-bot', novalidate: true },
    h('h2', null, 'Create a bot'),
    field('Name', name, 'Visitors see this name at the top of the chat. You can change it later.'),
    error,
    h('div', { class: 'actions' }, onCancel ? button('Cancel', onCancel) : null, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      error.textContent = 'Give your bot a name.';
      name.focus();
      return;
    }
    submit.disabled = true;
    api('POST', '/v1/bots', { body: { name: name.value.trim() } })
      .then((res) => ctx.navigate(`#/bots/${res.bot.botId}/data`))
      .catch((err: unknown) => {
        error.textContent = messageOf(err);
        submit.disabled = false;
      });
  });
  queueMicrotask(() => name.focus());
  return form;
};

const botCard = (bot: Bot): HTMLElement =>
  h('li', { class: 'bot-card' },
    h('span', { class: 'swatch', 'aria-hidden': 'true', 'data-color': bot.theme?.color ?? WIDGET_DEFAULT_COLOR }, icon('chat')),
    h('div', { class: 'bot-main' },
      h('h2', null, h('a', { href: `#/bots/${bot.botId}/data` }, bot.name)),
      h('p', { class: 'muted' }, modelLabel(bot.model)),
      h('p', { class: 'muted small' }, `Created ${formatDate(bot.createdAt, false)}`)),
    h('div', { class: 'bot-side' },
      bot.paused ? badge('Paused', 'warn') : badge('Live', 'ok'),
      h('a', { class: 'btn ghost', href: `#/bots/${bot.botId}/try` }, icon('chat'), h('span', null, 'Try it'))));

export const renderBots = (main: HTMLElement, ctx: PageContext): void => {
  document.title = 'Bots · Parley';
  const body = h('div');
  const formSlot = h('div');
  const showForm = () => {
    // The empty state already has the form: go to it rather than show a second one.
    const existing = main.querySelector<HTMLInputElement>('.create-bot input');
    if (existing) existing.focus();
    else mount(formSlot, createForm(ctx, () => mount(formSlot)));
  };
  const admin = ctx.can('admin');
  mount(main,
    pageHeader('Your bots', 'Each bot answers questions from its own training data.', admin ? button('New bot', showForm, { kind: 'primary', icon: 'plus' }) : null),
    admin ? null : roleNote(VIEWER_NOTE),
    formSlot,
    body);
  void loadInto(body, 'your bots', () => api('GET', '/v1/bots'), ({ bots }) => {
    if (!bots.length) {
      return admin
        ? [empty('No bots yet', 'Create your first bot, give it your documents, and put it on your website in minutes.'), createForm(ctx)]
        : empty('No bots yet', 'When an owner or admin of this account creates a bot, it appears here.');
    }
    const list = h('ul', { class: 'bot-list' }, ...bots.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map(botCard));
    // The swatch colour comes from the bot's theme, applied through the CSSOM (no style attribute under the CSP).
    for (const sw of list.querySelectorAll<HTMLElement>('.swatch')) sw.style.background = /^#[0-9a-f]{6}$/i.test(sw.dataset.color ?? '') ? sw.dataset.color! : WIDGET_DEFAULT_COLOR;
    return list;
  });
};
