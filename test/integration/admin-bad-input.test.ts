// The admin routes this work added refuse malformed input with 400 (or 404 for ids
// that cannot name anything), and never answer it with data.
import { describe, expect, it } from 'vitest';
import { newOwner, usePlatform } from './fixtures/platform.ts';

describe('bad input on the added admin routes', () => {
  const platform = usePlatform();

  it('answers each with a clear 400 or 404', async () => {
    const owner = await newOwner(platform());
    const bot = `/v1/bots/${owner.botId}`;
    const cases: Array<[string, string, unknown, number]> = [
      ['GET', `${bot}/conversations?limit=0`, undefined, 400],
      ['GET', `${bot}/conversations?limit=many`, undefined, 400],
      ['GET', `${bot}/conversations?cursor=not-a-cursor`, undefined, 400],
      ['GET', `${bot}/conversations/not-an-id`, undefined, 404],
      ['GET', '/v1/usage?month=2026-13', undefined, 400],
      ['GET', '/v1/audit?action=DROP TABLE', undefined, 400],
      ['GET', '/v1/visitors?email=a@b.example&extra=1', undefined, 400],
      ['GET', '/v1/account/exports/not-an-id', undefined, 404],
      ['POST', '/v1/members', { email: 'x@example.com', role: 'king' }, 400],
      ['PATCH', '/v1/members/01ARZ3NDEKTSV4RRFFQ69G5FAV', { role: 'viewer' }, 404],
      ['DELETE', '/v1/invitations/nobody@example.com', undefined, 404],
      ['PATCH', bot, { budget: { dailyTokens: -1, monthlyTokens: 1, dailyCostMicros: 1, monthlyCostMicros: 1 } }, 400],
      ['PATCH', bot, { model: { provider: 'openai', model: 'gpt 4; rm -rf' } }, 400],
      ['PATCH', bot, { theme: { color: 'red', position: 'right', mode: 'auto' } }, 400],
      ['PATCH', bot, { leadForm: 'off' }, 400],
      ['GET', `${bot}/conversations?q=${'x'.repeat(201)}`, undefined, 400],
      ['DELETE', `${bot}/handoffs/not-an-id`, undefined, 404],
      ['DELETE', `${bot}/leads/01ARZ3NDEKTSV4RRFFQ69G5FAV`, undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await owner.request(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status });
      expect(res.body).toMatchObject({ error: { code: expect.any(String) as string, message: expect.any(String) as string } });
    }
  });
});
