// Publishing an event never fails the request that raised it: an event that cannot be
// queued is one error line, `event not queued`, which the stack counts (EventsNotQueued)
// and alarms on. It carries ids and the reason, never the event's content.
import { describe, expect, it } from 'vitest';
import { createEventQueue, EVENT_NOT_QUEUED } from '../../lambdas/adapters/sqs/event-queue.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import type { Logger } from '../../lambdas/shared/logger.ts';

const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
const logger: Logger = Object.fromEntries((['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (message: string, fields: Record<string, unknown> = {}) => {
  lines.push({ level, message, fields });
}])) as unknown as Logger;

const accountId = '01JACC0VNTACC0VNTACC0VNT00';
const event = { eventId: '01JEVENTEVENTEVENTEVENT000', type: 'lead.created', botId: '01JB0TB0TB0TB0TB0TB0TB0T00', contactId: '01JC0NTACTC0NTACTC0NTACT00', at: '2026-12-06T05:00:00.000Z' } as const;

describe('an event that cannot be queued', () => {
  it('is logged as "event not queued" with ids and the reason, and publishing still resolves', async () => {
    lines.length = 0;
    await createEventQueue({ region: 'eu-west-1', logger }).publish(tenantForSystem(accountId), event);
    // Port 9 on loopback: nothing listens, the send fails.
    await createEventQueue({ region: 'eu-west-1', logger, queueUrl: 'http://127.0.0.1:9/000000000000/parley-notify', endpoint: 'http://127.0.0.1:9' })
      .publish(tenantForSystem(accountId), event);
    expect(lines.map((l) => [l.level, l.message, l.fields.reason])).toEqual([
      ['error', EVENT_NOT_QUEUED, 'PARLEY_NOTIFY_QUEUE_URL is not configured'],
      ['error', EVENT_NOT_QUEUED, 'send failed'],
    ]);
    expect(lines[1]!.fields).toMatchObject({ accountId, eventId: event.eventId, type: 'lead.created' });
    expect(EVENT_NOT_QUEUED).toBe('event not queued');
  });
});
