/**
 * Posts webhook deliveries through the egress guard: the resolved address is checked
 * at connect time (no loopback, private or metadata addresses unless the operator
 * allowlisted the host), https only on AWS, no redirect followed (a webhook that
 * moved is a failure the owner should see), within `WEBHOOK_TIMEOUT_MS`. The answer's
 * body is not read beyond what closing needs, except Slack's refusal: a short error
 * code (`channel_is_archived`), kept for the delivery log when it looks like one.
 */
import { WEBHOOK_TIMEOUT_MS } from '../../core/limits.ts';
import type { WebhookSender } from '../../core/ports.ts';
import { webhookKindOf } from '../../core/webhook-payload.ts';
import { blockedDestinationOf, type GuardedFetch } from './guarded-fetch.ts';

/** Slack's error codes are short snake_case words; anything else is not shown. */
const SLACK_ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;
const SLACK_BODY_MAX_BYTES = 256;

/** Options of {@link createWebhookSender}. */
export interface WebhookSenderOptions {
  /**
   * Local platform and tests only (the configuration refuses it on AWS): posts for Slack's incoming webhooks
   * (`https://hooks.slack.com/…`) go to this origin instead, path and query kept, through the same guard.
   * @default undefined, Slack itself
   */
  readonly slackEndpoint?: string | undefined;
}

/** The first bytes of an answer as text, the rest left unread. */
const firstBytes = async (res: Response, max: number): Promise<string> => {
  const reader = res.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (!reader) return '';
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
};

export const createWebhookSender = (guardedFetch: GuardedFetch, options: WebhookSenderOptions = {}): WebhookSender => ({
  async post(url, body, headers) {
    const parsed = URL.parse(url);
    const slack = parsed !== null && webhookKindOf(parsed) === 'slack';
    const target = slack && options.slackEndpoint ? new URL(`${parsed.pathname}${parsed.search}`, options.slackEndpoint).href : url;
    try {
      const res = await guardedFetch(target, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
      if (slack && (res.status < 200 || res.status >= 300)) {
        const code = (await firstBytes(res, SLACK_BODY_MAX_BYTES).catch(() => '')).trim();
        return { statusCode: res.status, ...(SLACK_ERROR_CODE.test(code) ? { reason: code } : {}) };
      }
      await res.body?.cancel().catch(() => undefined);
      return { statusCode: res.status };
    } catch (err) {
      const blocked = blockedDestinationOf(err);
      if (blocked) return { error: blocked.message };
      if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') return { error: `No answer within ${WEBHOOK_TIMEOUT_MS / 1000} s.` };
      return { error: 'The endpoint could not be reached.' };
    }
  },
});
