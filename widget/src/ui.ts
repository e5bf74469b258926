/**
 * The widget's frame: a host element with a shadow root, the bubble, and the
 * panel (header, conversation log, composer, footer). It knows how to open,
 * close and keep keyboard focus inside the open panel; what the conversation
 * shows is up to `chat.ts`.
 */
import type { WidgetConfig } from './api.ts';
import { h, icon, iconButton } from './dom.ts';
import { safeHref } from './markdown.ts';
import { adoptStyles } from './styles.ts';

export interface ShellOptions {
  readonly config: WidgetConfig;
  /** Parley's origin, where the script came from. */
  readonly origin: string;
  /** Inline mode: render into this element, always open, no bubble. */
  readonly target: Element | null;
  readonly onSubmit: (question: string) => void;
  readonly onStop: () => void;
  readonly onClear: () => void;
  readonly onHandoff: () => void;
  readonly onOpen: () => void;
}

/** The longest question the API takes. */
const MAX_QUESTION = 2000;
const FOCUSABLE = 'button,a[href],input,textarea,summary,[tabindex="0"]';

export const createShell = (opts: ShellOptions) => {
  const { config, target } = opts;
  const inline = !!target;
  const title = config.theme.title || config.name;
  const host = document.createElement('parley-widget');
  if (inline) host.setAttribute('data-inline', '');
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, config.theme.color);

  const mode = ['light', 'dark'].includes(config.theme.mode) ? config.theme.mode : 'auto';
  const w = h('div', { class: `w ${mode}${config.theme.position === 'left' ? ' left' : ''}${inline ? ' inline open' : ''}` });

  const initial = (): HTMLElement => h('div', { class: 'av', 'aria-hidden': 'true' }, [...title][0]?.toUpperCase() ?? '?');
  // The widget talks to its own origin only: an avatar elsewhere would tell that host about every
  // visitor, so it is shown only when Parley serves it; otherwise the title's initial stands in.
  const avatarUrl = config.theme.avatarUrl ? safeHref(config.theme.avatarUrl) : null;
  const avatar = avatarUrl && new URL(avatarUrl).origin === opts.origin
    ? h('img', { class: 'av', src: avatarUrl, alt: '', referrerpolicy: 'no-referrer', onerror: () => avatar.replaceWith(initial()) })
    : initial();

  const live = h('div', { class: 'sr', 'aria-live': 'polite' });
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'off', 'aria-label': 'Conversation', tabindex: 0 });
  const input = h('textarea', {
    rows: 1, maxlength: MAX_QUESTION, placeholder: 'Ask a question…', 'aria-label': 'Your question', enterkeyhint: 'send',
    onkeydown: (e: Event) => {
      const k = e as KeyboardEvent;
      if (k.key === 'Enter' && !k.shiftKey && !k.isComposing) {
        k.preventDefault();
        form.requestSubmit();
      }
    },
  });
  const send = h('button', { type: 'submit', class: 'send' });
  let busy = false;
  const form = h('form', {
    class: 'cmp',
    onsubmit: (e: Event) => {
      e.preventDefault();
      if (busy) return opts.onStop();
      const question = input.value.trim();
      if (question) opts.onSubmit(question);
    },
  }, input, send);
  const paused = h('p', { class: 'paused', role: 'status' }, 'This assistant is taking a break right now. Please come back a little later.');

  const panel = h('section', { class: 'panel', id: 'panel', role: inline ? 'region' : 'dialog', 'aria-labelledby': 'title', hidden: !inline, ...(inline ? {} : { 'aria-modal': 'true' }) },
    h('div', { class: 'top' },
      avatar,
      h('div', { class: 'who' }, h('h2', { id: 'title' }, title), h('p', { class: 'sub' }, 'AI assistant')),
      iconButton('reset', 'Start a new conversation', () => opts.onClear()),
      !inline && iconButton('close', 'Close chat', () => close()),
    ),
    log,
    config.available ? form : paused,
    h('div', { class: 'foot' },
      h('span', null, 'AI answers can be wrong.'),
      config.handoff && h('button', { type: 'button', class: 'link', onclick: () => opts.onHandoff() }, 'Talk to a person'),
    ),
    live,
  );

  const bubble = h('button', { type: 'button', class: 'bubble', 'aria-controls': 'panel', 'aria-expanded': 'false', onclick: () => (isOpen() ? close() : open()) });
  const isOpen = () => !panel.hidden;

  const setBusy = (next: boolean) => {
    busy = next;
    send.replaceChildren(icon(next ? 'stop' : 'send'));
    send.setAttribute('aria-label', next ? 'Stop the answer' : 'Send');
    send.title = next ? 'Stop' : 'Send';
  };
  const setBubble = () => {
    bubble.replaceChildren(icon(isOpen() ? 'down' : 'chat'));
    bubble.setAttribute('aria-label', isOpen() ? 'Close chat' : `Open chat with ${title}`);
    bubble.setAttribute('aria-expanded', String(isOpen()));
  };

  /** The first visible field of a form in the log, else the question box. */
  const focusStart = () => {
    const field = log.querySelector<HTMLElement>('.card input, .card textarea');
    (field ?? (input.disabled || !config.available ? log : input)).focus();
  };

  /*
   * Following the answer is a state, not a distance: a frame that adds a burst of text, or a log that was
   * hidden (closed, its scroll position lost), would otherwise look like a visitor who scrolled away. Only a
   * scroll up by the visitor stops it; scrolling back to the end starts it again.
   */
  let pinned = true;
  let lastTop = 0;
  const toEnd = () => {
    log.scrollTop = log.scrollHeight;
    lastTop = log.scrollTop;
  };
  log.addEventListener('scroll', () => {
    if (!isOpen()) return;
    if (log.scrollHeight - log.scrollTop - log.clientHeight < 24) pinned = true;
    else if (log.scrollTop < lastTop) pinned = false;
    lastTop = log.scrollTop;
  }, { passive: true });

  function open() {
    if (isOpen()) return;
    panel.hidden = false;
    w.classList.add('open');
    if (pinned) toEnd();
    setBubble();
    opts.onOpen();
    focusStart();
  }
  function close() {
    if (inline || !isOpen()) return;
    const hadFocus = !!root.activeElement;
    panel.hidden = true;
    w.classList.remove('open');
    setBubble();
    if (hadFocus) bubble.focus();
  }

  const visible = (el: HTMLElement) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0;
  panel.addEventListener('keydown', (e) => {
    if (inline) return;
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      // Focus stays in the open panel: Tab from the last control wraps to the first, and back.
      const items = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(visible);
      const first = items[0];
      const last = items.at(-1);
      const active = root.activeElement;
      if (e.shiftKey && (active === first || !active)) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first?.focus();
      }
    }
  });

  setBusy(false);
  setBubble();
  w.append(panel);
  if (!inline) w.append(bubble);
  root.append(w);
  (target ?? document.body).append(host);

  return {
    host, log, input, live, open, close, isOpen, setBusy, focusStart,
    /** Scrolls the log to its end, unless the visitor scrolled up to read (or `force`). */
    follow(force = false) {
      if (force) pinned = true;
      if (pinned) toEnd();
    },
    /** Whether the visitor can type a question (a lead form asked first disables it). */
    setInputEnabled(enabled: boolean) {
      input.disabled = !enabled;
      input.placeholder = enabled ? 'Ask a question…' : 'Please fill in the form above first';
    },
  };
};

export type Shell = ReturnType<typeof createShell>;
