/**
 * One widget on the page: fetches the bot's config from the script's origin,
 * then draws the bubble (or the inline panel) and wires the conversation.
 * A refused or unknown bot (403/404) or a failed request draws nothing and
 * makes no further requests.
 */
import { createClient, type WidgetConfig } from './api.ts';
import { createChat, type Visitor } from './chat.ts';
import { createStore } from './storage.ts';
import { createShell } from './ui.ts';

/** `window.Parley`. */
export interface ParleyApi {
  open(): void;
  close(): void;
  /** Removes the widget and the API (the conversation stays in session storage). */
  destroy(): void;
  /** A name to fill in the widget's forms with. */
  identify(visitor: { name?: string }): void;
}

export interface MountOptions {
  /** The API origin: where the script came from. */
  readonly base: string;
  readonly publicId: string;
  /** Inline mode: a selector for the element to render into. */
  readonly target: string | undefined;
  readonly onReady: () => void;
  readonly onDestroy: () => void;
}

const whenBodyReady = (): Promise<void> =>
  document.body ? Promise.resolve() : new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));

const findTarget = (selector: string): Element | null => {
  try {
    return document.querySelector(selector);
  } catch {
    return null;
  }
};

export const mountWidget = (opts: MountOptions): ParleyApi => {
  const store = createStore(opts.publicId);
  const saved = store.load();
  const client = createClient(opts.base, opts.publicId, saved, () => store.save(saved));
  const visitor: Visitor = {};
  let shell: ReturnType<typeof createShell> | null = null;
  let chat: ReturnType<typeof createChat> | null = null;
  let destroyed = false;
  let openWhenReady = false;

  const start = async () => {
    let config: WidgetConfig;
    try {
      config = await client.config();
    } catch {
      return;
    }
    await whenBodyReady();
    const target = opts.target ? findTarget(opts.target) : null;
    if (destroyed || (opts.target && !target)) return;
    const suggested = Array.isArray(config.suggestedQuestions) ? config.suggestedQuestions.map(String) : [];
    config = { ...config, suggestedQuestions: suggested, theme: config.theme ?? {} };
    shell = createShell({
      config, target, origin: opts.base,
      onSubmit: (q) => chat?.ask(q),
      onStop: () => chat?.stop(),
      onClear: () => chat?.clear(),
      onHandoff: () => chat?.showHandoff(),
      onOpen: () => client.warmUp(),
    });
    chat = createChat(shell, client, config, store, saved, visitor);
    opts.onReady();
    if (openWhenReady || target) shell.open();
  };
  void start();

  return Object.freeze({
    open() {
      if (shell) shell.open();
      else openWhenReady = true;
    },
    close() {
      openWhenReady = false;
      shell?.close();
    },
    destroy() {
      destroyed = true;
      chat?.destroy();
      shell?.host.remove();
      shell = chat = null;
      opts.onDestroy();
    },
    identify(who: { name?: string }) {
      visitor.name = typeof who?.name === 'string' ? who.name.trim().slice(0, 120) || undefined : undefined;
      chat?.identify();
    },
  });
};
