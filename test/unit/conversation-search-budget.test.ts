/**
 * A conversation search is bounded in time as well as in count: past its budget
 * it stops opening conversations and says the result was cut short.
 */
import { describe, expect, it } from 'vitest';
import { SEARCH_TIME_BUDGET_MS, searchConversations } from '../../lambdas/core/conversations.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { BotRepository, ConversationRepository } from '../../lambdas/core/ports.ts';
import type { Bot, Conversation, ConversationTurn } from '../../lambdas/core/records.ts';
import { tenantForMember } from '../../lambdas/core/tenancy.ts';
import { fakePort } from '../fakes/ports.ts';

const at = '2026-11-29T10:00:00.000Z';

describe('conversation search', () => {
  it('stops after its time budget and says it was cut short', async () => {
    let now = Date.parse(at);
    const botId = newId();
    const bot: Bot = { botId, publicId: newId(), name: 'Shop', instructions: '', welcomeMessage: '', allowedOrigins: [], createdAt: at, updatedAt: at };
    const conversations: Conversation[] = Array.from({ length: 300 }, () => ({
      conversationId: newId(), botId, visitorId: 'v', origin: 'https://shop.example', createdAt: at, updatedAt: at, expiresAt: at, turnCount: 1, preview: '',
    }));
    const turn: ConversationTurn = {
      turnId: 't', question: 'Where is my parcel?', answer: 'On its way.', citations: [], answered: true, keyClass: 'local', provider: 'local', model: 'local',
      usage: { inputTokens: 0, outputTokens: 0 }, createdAt: at,
    };
    let opened = 0;
    const deps = {
      clock: { now: () => new Date(now) },
      bots: fakePort<BotRepository>('bots', { get: async () => bot }),
      conversations: fakePort<ConversationRepository>('conversations', {
        list: async (_t, _b, page) => {
          const from = Number(page.cursor ?? 0);
          const items = conversations.slice(from, from + page.limit);
          return { items, ...(from + page.limit < conversations.length ? { cursor: String(from + page.limit) } : {}) };
        },
        listTurns: async () => {
          opened++;
          // Every conversation takes a tenth of a second to open and read.
          now += 100;
          return [turn];
        },
      }),
    };
    const tenant = tenantForMember({ accountId: newId(), userId: 'u', role: 'viewer' });
    const result = await searchConversations(deps, tenant, botId, { q: 'refund', limit: 20 });
    expect(result.items).toEqual([]);
    expect(result.truncated).toBe(true);
    // Batches of 8 run together: the search stops within one batch of the budget.
    expect(opened).toBeLessThanOrEqual(SEARCH_TIME_BUDGET_MS / 100 + 8);
    expect(result.searchedUpTo).toBe(opened);
  });
});
