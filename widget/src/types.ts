/**
 * Types more than one widget module reads: what an answer cites, and the
 * conversation the tab keeps. They sit below the API client and the storage so
 * that neither has to import the other (no import cycle, types included).
 */
import type { ChatStreamEvent } from '../../lambdas/contracts/views.ts';

/** A passage an answer cites. */
export type Source = Extract<ChatStreamEvent, { readonly type: 'sources' }>['sources'][number];

/** One question or answer, as the tab keeps it. */
export interface SavedMessage {
  readonly role: 'user' | 'bot';
  text: string;
  sources?: Source[];
  turnId?: string;
  /** The answer's state: streaming, complete, stopped by the visitor, or failed. */
  state?: 'streaming' | 'done' | 'stopped' | 'failed';
  answered?: boolean;
  offerHandoff?: boolean;
  /** The answer quotes the documents word for word (no AI model wrote it). */
  quoted?: boolean;
  rating?: 'up' | 'down';
}

/** The visitor's conversation with one bot, as the tab keeps it. */
export interface SavedChat {
  token?: string;
  /** When the token expires, in epoch milliseconds. */
  expiresAt?: number;
  conversationId?: string;
  messages: SavedMessage[];
  /** The lead form was sent (or, for `during`, offered). */
  lead?: 'sent' | 'offered';
}
