/**
 * A conversation search is bounded in time as well as in count: past its budget
 * it stops opening conversations and says the result was cut short.
 */
import { describe, expect, it } from 'vitest';
import { SEARCH_TIME_BUDGET_MS, searchConversations } from '../../lambdas/core/conversations.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { Deps } from '../../lambdas/core/ports.ts';
import { tenantForMember } from '../../lambdas/core/tenancy.ts';

describe('conversation search', () => {
  it('stops after its time budget and says it was cut short', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const botId = newId();
    const conversations = Array.from({ length: 300 }, () => ({ conversationId: newId(), visitorId: 'v', startedAt: '', turnCount: 1 }));
    let opened = 0;
    const deps = {
      clock: { now: () => new Date(now) },
      bots: { get: async () => ({ botId }) },
      conversations: {
        list: async (_t: unknown, _b: unknown, page: { limit: number; cursor?: string }) => {
          const from = Number(page.cursor ?? 0);
          const items = conversations.slice(from, from + page.limit);
          return { items, ...(from + page.limit < conversations.length ? { cursor: String(from + page.limit) } : {}) };
        },
        listTurns: async () => {
          opened++;
          // Every conversation takes a tenth of a second to open and read.
          now += 100;
          return [{ turnId: 't', question: 'Where is my parcel?', answer: 'On its way.' }];
        },
      },
    } as unknown as Deps;
    const tenant = tenantForMember({ accountId: newId(), userId: 'u', role: 'viewer' });
    const result = await searchConversations(deps, tenant, botId, { q: 'refund', limit: 20 });
    expect(result.items).toEqual([]);
    expect(result.truncated).toBe(true);
    // Batches of 8 run together: the search stops within one batch of the budget.
    expect(opened).toBeLessThanOrEqual(SEARCH_TIME_BUDGET_MS / 100 + 8);
    expect(result.searchedUpTo).toBe(opened);
  });
});
