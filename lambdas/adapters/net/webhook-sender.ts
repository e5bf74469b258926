/**
 * Posts webhook deliveries through the egress guard: the resolved address is checked
 * at connect time (no loopback, private or metadata addresses unless the operator
 * allowlisted the host), https only on AWS, no redirect followed (a webhook that
 * moved is a failure the owner should see), within `WEBHOOK_TIMEOUT_MS`. The answer's
 * body is not read beyond what closing needs.
 */
import { WEBHOOK_TIMEOUT_MS } from '../../core/limits.ts';
import type { WebhookSender } from '../../core/ports.ts';
import { blockedDestinationOf, type GuardedFetch } from './guarded-fetch.ts';

export const createWebhookSender = (guardedFetch: GuardedFetch): WebhookSender => ({
  async post(url, body, headers) {
    try {
      const res = await guardedFetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
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
