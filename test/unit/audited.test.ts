// Audit has one home, core: an action records what its caller knew before acting, plus what
// acting produced (a created thing's id), and a refusal only what was known.
import { describe, expect, it } from 'vitest';
import { audited, documentAuditDetail } from '../../lambdas/core/audit.ts';
import { AppError } from '../../lambdas/core/errors.ts';
import type { AuditEntry } from '../../lambdas/core/records.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { tenantForMember } from '../../lambdas/core/tenancy.ts';

const recording = () => {
  const entries: AuditEntry[] = [];
  const deps = {
    clock: { now: () => new Date('2026-01-02T03:04:05Z') },
    audit: { record: async (_t: unknown, e: AuditEntry) => { entries.push(e); }, list: async () => entries },
  };
  return { deps, entries };
};
const tenant = tenantForMember({ accountId: newId(), userId: 'user1', role: 'admin' });
const from = { sourceIp: '203.0.113.9' };

describe('an audited action', () => {
  it('records what it created as the target, from the result, with the caller and address', async () => {
    const { deps, entries } = recording();
    const made = await audited(deps, tenant, from, 'bot.create', {}, async () => ({ botId: 'b-new' }), (bot) => ({ target: bot.botId }));
    expect(made).toEqual({ botId: 'b-new' });
    expect(entries).toMatchObject([{ action: 'bot.create', outcome: 'ok', target: 'b-new', sourceIp: '203.0.113.9', actor: { kind: 'user', userId: 'user1' } }]);
  });

  it('records a refusal (403) and a conflict (409) with only what was known, and rethrows', async () => {
    const { deps, entries } = recording();
    const known = { target: 'd1', detail: { document: 'a.md', source: 'upload' } };
    for (const code of ['forbidden', 'conflict'] as const) {
      await expect(audited(deps, tenant, from, 'document.delete', known, async () => { throw new AppError(code, 'no'); }, () => ({ target: 'other' })))
        .rejects.toMatchObject({ code });
    }
    expect(entries.map((e) => [e.action, e.outcome, e.target, e.detail])).toEqual([
      ['document.delete', 'refused', 'd1', { document: 'a.md', source: 'upload' }],
      ['document.delete', 'refused', 'd1', { document: 'a.md', source: 'upload' }],
    ]);
  });

  it('records nothing for a missing thing, bad input or a failure', async () => {
    const { deps, entries } = recording();
    for (const failure of [new AppError('not_found', 'bot not found'), new AppError('invalid_request', 'bad'), new Error('boom')]) {
      await expect(audited(deps, tenant, from, 'bot.update', { target: 'b1' }, async () => { throw failure; })).rejects.toBe(failure);
    }
    expect(entries).toEqual([]);
  });

  it('names a document and its kind of source; a Q&A taught from an unanswered question says so', () => {
    expect(documentAuditDetail({ name: 'Gift cards.md', source: 'qa' })).toEqual({ document: 'Gift cards.md', source: 'qa' });
    expect(documentAuditDetail({ name: 'Gift cards.md', source: 'qa' }, true)).toEqual({ document: 'Gift cards.md', source: 'improved_answer' });
    expect(documentAuditDetail({ name: 'old.pdf' })).toEqual({ document: 'old.pdf', source: 'upload' });
    expect(documentAuditDetail(undefined)).toBeUndefined();
  });
});
