/**
 * The text of sent e-mails, read back from the local outbox (infra/local/ses-local.ts),
 * which keeps every message the notify function sends. Wired only on the local platform
 * (`PARLEY_LOCAL_OUTBOX_URL`); on AWS there is no copy to read.
 */
import type { MailCopies } from '../../core/ports.ts';

/** Where the outbox answers a kept message as JSON, by its id. */
export const OUTBOX_READ_PATH = '/local/outbox/';
/** The ids the outbox gives its messages; nothing else is asked for. */
export const OUTBOX_MESSAGE_ID = /^local-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const READ_TIMEOUT_MS = 5_000;

export const createOutboxCopies = (outboxUrl: string): MailCopies => ({
  async textOf(messageId) {
    if (!OUTBOX_MESSAGE_ID.test(messageId)) return null;
    const res = await fetch(new URL(`${OUTBOX_READ_PATH}${messageId}`, outboxUrl), { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`the local outbox answered ${res.status}`);
    const body = await res.json() as { text?: unknown };
    return typeof body.text === 'string' ? body.text : null;
  },
});
