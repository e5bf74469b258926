/**
 * The text of sent e-mails, read back from the local outbox (infra/local/ses-local.ts),
 * which keeps every message the notify function sends. Wired only on the local platform
 * (`PARLEY_LOCAL_OUTBOX_URL`); on AWS there is no copy to read. Requests go through a
 * guarded fetch that allows the outbox's host and port only (the egress boundary holds for
 * every Lambda module).
 */
import type { MailCopies } from '../../core/ports.ts';
import { createGuardedFetch } from '../net/guarded-fetch.ts';

/** Where the outbox answers a kept message as JSON, by its id. */
export const OUTBOX_READ_PATH = '/local/outbox/';
/** The ids the outbox gives its messages; nothing else is asked for. */
export const OUTBOX_MESSAGE_ID = /^local-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const createOutboxCopies = (outboxUrl: string): MailCopies => {
  // The outbox's own host and port, and nothing else: the operator's local platform, never an owner's address.
  const guardedFetch = createGuardedFetch({ allowHosts: [new URL(outboxUrl).host], requireHttps: false, maxRedirects: 0, timeoutMs: 5_000 });
  return {
    async textOf(messageId) {
      if (!OUTBOX_MESSAGE_ID.test(messageId)) return null;
      const res = await guardedFetch(new URL(`${OUTBOX_READ_PATH}${messageId}`, outboxUrl));
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`the local outbox answered ${res.status}`);
      const body = await res.json() as { text?: unknown };
      return typeof body.text === 'string' ? body.text : null;
    },
  };
};
