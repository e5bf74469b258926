/**
 * The visitor's conversation on this site, kept in `sessionStorage` under one
 * key per bot: it survives navigations within the tab and goes with it. No
 * cookies, nothing shared with other tabs. Storage can be missing or full
 * (private modes, sandboxed frames): the widget then simply forgets.
 */
import type { SavedChat } from './types.ts';

/** Kept messages; older ones are dropped first. */
const MAX_MESSAGES = 60;

export const createStore = (publicId: string) => {
  const key = `parley:${publicId}`;
  const storage = (): Storage | null => {
    try {
      return window.sessionStorage;
    } catch {
      return null;
    }
  };
  return {
    load(): SavedChat {
      try {
        const saved = JSON.parse(storage()?.getItem(key) ?? 'null') as SavedChat | null;
        if (saved && Array.isArray(saved.messages)) return saved;
      } catch {
        // Unreadable: start afresh.
      }
      return { messages: [] };
    },
    save(chat: SavedChat): void {
      try {
        storage()?.setItem(key, JSON.stringify({ ...chat, messages: chat.messages.slice(-MAX_MESSAGES) }));
      } catch {
        // Full or forbidden: the conversation lives on in this page only.
      }
    },
    clear(): void {
      try {
        storage()?.removeItem(key);
      } catch {
        // Nothing to clear.
      }
    },
  };
};

export type Store = ReturnType<typeof createStore>;
