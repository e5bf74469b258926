/** Shared pieces of the panel: states (loading, empty, error), buttons, fields, dialogs, notices. */
import { messageOf } from './api.ts';
import { h, icon, mount, uid, type Child, type IconName } from './dom.ts';

export const button = (label: string, onclick: (e: Event) => void, opts: { kind?: 'primary' | 'secondary' | 'danger' | 'ghost'; icon?: IconName; type?: 'button' | 'submit'; label?: string } = {}): HTMLButtonElement =>
  h('button', { type: opts.type ?? 'button', class: `btn ${opts.kind ?? 'secondary'}`, onclick, 'aria-label': opts.label }, opts.icon ? icon(opts.icon) : null, h('span', null, label));

/** "Loading …" in words, announced politely. */
export const loading = (what: string): HTMLElement =>
  h('div', { class: 'state loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, `Loading ${what}…`));

export const empty = (title: string, text: string, action?: Child): HTMLElement =>
  h('div', { class: 'state empty' }, h('p', { class: 'state-title' }, title), h('p', null, text), action);

export const failure = (err: unknown, retry?: () => void): HTMLElement =>
  h('div', { class: 'state error', role: 'alert' },
    icon('warn'),
    h('p', null, messageOf(err)),
    retry ? button('Try again', retry, { icon: 'refresh' }) : null);

/** Shows a loading state, then what `render` makes of the data, or the error with a retry. */
export const loadInto = async <T>(el: HTMLElement, what: string, fetch: () => Promise<T>, render: (data: T) => Child | Child[]): Promise<void> => {
  mount(el, loading(what));
  try {
    const data = await fetch();
    const out = render(data);
    mount(el, ...(Array.isArray(out) ? out : [out]));
  } catch (err) {
    mount(el, failure(err, () => void loadInto(el, what, fetch, render)));
  }
};

/** A labelled control with an optional hint, wired up by id. */
export const field = (label: string, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, hint?: string): HTMLElement => {
  control.id ||= uid('f');
  const hintId = hint ? uid('hint') : undefined;
  // Kept beside what the control is already described by (its error line).
  if (hintId) control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), hintId].filter(Boolean).join(' '));
  return h('div', { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
};

/** A switch: a checkbox with the switch role, and a label and hint beside it. */
export const toggle = (label: string, checked: boolean, hint?: string, name?: string): { el: HTMLElement; input: HTMLInputElement } => {
  const input = h('input', { type: 'checkbox', role: 'switch', class: 'switch', id: uid('sw'), name });
  input.checked = checked;
  const hintId = hint ? uid('hint') : undefined;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  const el = h('div', { class: 'toggle' }, input, h('div', null, h('label', { for: input.id }, label), hint ? h('p', { class: 'hint', id: hintId }, hint) : null));
  return { el, input };
};

const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });

/** A short notice at the foot of the screen, read out by screen readers. */
export const notify = (message: string, kind: 'ok' | 'error' = 'ok'): void => {
  if (!toasts.isConnected) document.body.append(toasts);
  const t = h('div', { class: `toast ${kind}` }, message);
  toasts.append(t);
  setTimeout(() => t.remove(), 5000);
};

/**
 * A modal dialog that resolves true or false: `build` gets the ids its title and
 * text must carry and `close`, and returns the dialog's content and what to focus.
 */
const modal = (build: (ids: { titleId: string; textId: string }, close: (ok: boolean) => void) => { content: Node; focus: HTMLElement }): Promise<boolean> =>
  new Promise((resolve) => {
    const ids = { titleId: uid('dlg'), textId: uid('dlg') };
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': ids.titleId, 'aria-describedby': ids.textId });
    const close = (ok: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    const { content, focus } = build(ids, close);
    mount(dialog, content);
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    focus.focus();
  });

/** Asks before something that cannot be undone. Resolves true when confirmed. */
export const confirmAction = (title: string, text: string, confirmLabel: string): Promise<boolean> =>
  modal(({ titleId, textId }, close) => {
    const cancel = button('Cancel', () => close(false));
    const content = h('div', { class: 'stack' },
      h('h2', { id: titleId }, title),
      h('p', { id: textId }, text),
      h('div', { class: 'actions' }, cancel, button(confirmLabel, () => close(true), { kind: 'danger' })));
    return { content, focus: cancel };
  });

/**
 * Asks before something that cannot be undone and erases a lot: the confirm button
 * works only once `expected` is typed exactly. Resolves true when confirmed.
 */
export const confirmTyped = (title: string, text: string, expected: string, confirmLabel: string): Promise<boolean> =>
  modal(({ titleId, textId }, close) => {
    const typed = h('input', { type: 'text', name: 'confirm-name', autocomplete: 'off', spellcheck: 'false' });
    const confirm = h('button', { type: 'submit', class: 'btn danger', disabled: true }, h('span', null, confirmLabel));
    typed.addEventListener('input', () => (confirm.disabled = typed.value.trim() !== expected));
    const form = h('form', { class: 'stack', method: 'dialog', novalidate: true },
      h('h2', { id: titleId }, title),
      h('p', { id: textId }, text),
      field(`Type “${expected}” to confirm`, typed),
      h('div', { class: 'actions' }, button('Cancel', () => close(false)), confirm));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (typed.value.trim() === expected) close(true);
    });
    return { content: form, focus: typed };
  });

/** Runs an action with its button disabled and busy; errors become a notice. */
export const busy = async (btn: HTMLButtonElement, action: () => Promise<void>): Promise<void> => {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try {
    await action();
  } catch (err) {
    notify(messageOf(err), 'error');
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  }
};

export const pageHeader = (title: string, lead?: string, ...actions: Child[]): HTMLElement =>
  h('header', { class: 'page-header' },
    h('div', null, h('h1', { tabindex: '-1' }, title), lead ? h('p', { class: 'lead' }, lead) : null),
    actions.some(Boolean) ? h('div', { class: 'actions' }, ...actions) : null);

export const card = (title: string | null, ...children: Child[]): HTMLElement =>
  h('section', { class: 'card' }, title ? h('h2', null, title) : null, ...children);

export const badge = (text: string, kind: 'ok' | 'warn' | 'bad' | 'info' | 'muted' = 'muted'): HTMLElement => h('span', { class: `badge ${kind}` }, text);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDate = (iso: string | undefined, withTime = true): string => {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : (withTime ? dateTime : dateOnly).format(d);
};

export const formatBytes = (n: number): string =>
  n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

export const formatNumber = (n: number): string => new Intl.NumberFormat().format(n);

export const plural = (n: number, one: string, many = `${one}s`): string => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** Saves text as a file through the browser, without a round trip. */
export const download = (name: string, text: string, type = 'application/json'): void => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, class: 'sr-only' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/** Why some controls are missing: a short note for members whose role may not use them. */
export const roleNote = (text: string): HTMLElement =>
  h('p', { class: 'role-note' }, icon('shield'), h('span', null, text));

/** The note for viewers, who may read everything but change nothing. */
export const VIEWER_NOTE = 'You can look but not change anything here: your role in this account is Viewer. An owner can give you more access under Account → Team.';

/**
 * An API refusal in words for the owner. Validation messages name a field first
 * (“budget.dailyTokens: Too big: …”): `labels` turns the field into its label on
 * the page; the message keeps the API's words otherwise.
 */
export const plainError = (err: unknown, labels: Record<string, string> = {}): string => {
  const status = (err as { status?: number }).status;
  if (status === 403) return 'Your role in this account does not allow this. Ask an owner.';
  const text = messageOf(err);
  const m = /^([\w.]+): (.*)$/s.exec(text);
  if (!m) return text;
  const [, path, rest] = m as unknown as [string, string, string];
  const label = labels[path] ?? labels[path.split('.').slice(0, 2).join('.')] ?? labels[path.split('.')[0]!];
  // The validator's own words for a limit, in plain ones: “Too big: expected string to have <=200000 characters”.
  const limit = /^Too big: expected (string|array) to have <=(\d+) (\w+)\.?$/.exec(rest);
  if (limit) {
    const [, kind, n, unit] = limit as unknown as [string, string, string, string];
    const most = `at most ${formatNumber(Number(n))} ${kind === 'string' ? 'characters' : unit}`;
    return kind === 'string' ? `${label ?? 'This'} is too long (${most}).` : `${label ?? 'This'} has too many (${most}).`;
  }
  const words = rest.charAt(0).toUpperCase() + rest.slice(1);
  return label ? `${label}: ${words}` : words;
};
