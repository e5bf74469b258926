// Two members editing one webhook at the same moment. A URL change and a rotation each re-seal the URL and the
// secret together, so without a check one would put back what the other replaced: the new address lost, or a
// secret shown to its member that never signs. Both requests here read the webhook before either writes (a
// barrier in the running platform's repository holds their first reads until both arrived), then race to write.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookRepository } from '../../lambdas/core/ports.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';
import { newOwner, usePlatform, type Owner } from './fixtures/platform.ts';

interface Hook { webhookId: string; urlHint: string; previousSecretUntil?: string }

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());

describe('two members editing one webhook at once', () => {
  const platform = usePlatform({ env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: receiver.host }) });

  /** Holds the first `reads` reads of `webhookId` until all of them arrived, so each edit reads the same revision. */
  const holdFirstReads = (webhookId: string, reads: number): void => {
    const repo: WebhookRepository = platform().deps.webhooks;
    const get = repo.get.bind(repo);
    let waiting = 0;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    repo.get = async (tenant, botId, id) => {
      const read = await get(tenant, botId, id);
      if (id === webhookId && waiting < reads) {
        waiting += 1;
        if (waiting === reads) release();
        await allArrived;
      }
      return read;
    };
    restore = () => {
      repo.get = get;
    };
  };
  let restore = (): void => undefined;
  afterEach(() => restore());

  const created = async (o: Owner, path: string) => {
    const res = await o.request<{ webhook: Hook; secret: string }>('POST', `/v1/bots/${o.botId}/webhooks`, { url: `${receiver.url}${path}`, events: ['lead.created'] });
    expect(res.status).toBe(201);
    return res.body.webhook;
  };
  /** Sends a test event and answers where it arrived and which secrets' signatures it carries. */
  const testEvent = async (o: Owner, webhookId: string) => {
    const sent = await o.request<{ delivery: { ok: boolean } }>('POST', `/v1/bots/${o.botId}/webhooks/${webhookId}/test`);
    expect(sent.body.delivery.ok).toBe(true);
    const got = receiver.received.at(-1)!;
    const header = String(got.headers['parley-signature']);
    const t = /t=(\d+)/.exec(header)![1];
    const signedBy = (secret: string) => header.includes(`v1=${createHmac('sha256', secret).update(`${t}.${got.body}`).digest('hex')}`);
    return { path: got.path, signedBy };
  };
  const rotate = (o: Owner, webhookId: string) =>
    o.request<{ webhook: Hook; secret: string }>('POST', `/v1/bots/${o.botId}/webhooks/${webhookId}/rotate`, { previousValidHours: 0 });

  it('keeps both a new address and a rotated secret made at the same moment', async () => {
    for (const rotationFirst of [true, false]) {
      const o = await newOwner(platform());
      const hook = await created(o, '/edits/old');
      holdFirstReads(hook.webhookId, 2);
      const move = () => o.request<{ webhook: Hook }>('PATCH', `/v1/bots/${o.botId}/webhooks/${hook.webhookId}`, { url: `${receiver.url}/edits/new-${String(rotationFirst)}` });
      // Which request writes first is up to the race; each order of sending is tried.
      const moving = rotationFirst ? undefined : move();
      const rotating = rotate(o, hook.webhookId);
      const [rotated, moved] = await Promise.all([rotating, moving ?? move()]);
      restore();
      expect([rotated.status, moved.status]).toEqual([200, 200]);

      const event = await testEvent(o, hook.webhookId);
      expect(event.path).toBe(`/edits/new-${String(rotationFirst)}`);
      expect(event.signedBy(rotated.body.secret)).toBe(true);
      const listed = (await o.request<{ webhooks: Hook[] }>('GET', `/v1/bots/${o.botId}/webhooks`)).body.webhooks;
      expect(listed[0]!.urlHint).toBe(`${receiver.url}/edits/new-${String(rotationFirst)}`);
    }
  });

  it('answers 409 to the second of two rotations at once, and the first one’s secret is the one that signs', async () => {
    const o = await newOwner(platform());
    const hook = await created(o, '/edits/rotations');
    holdFirstReads(hook.webhookId, 2);
    const answers = await Promise.all([rotate(o, hook.webhookId), rotate(o, hook.webhookId)]);
    restore();

    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const won = answers.find((a) => a.status === 200)!;
    const lost = answers.find((a) => a.status === 409)!;
    expect(lost.body).toEqual({ error: { code: 'conflict', message: expect.stringContaining('Someone else rotated this webhook\'s secret') as string } });
    expect(lost.text).not.toMatch(/whsec_/);
    const event = await testEvent(o, hook.webhookId);
    expect(event.signedBy(won.body.secret)).toBe(true);
    expect(event.path).toBe('/edits/rotations');
  });
});
