import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountItems, botItems, conversationItems } from '../../lambdas/adapters/dynamo/key-layout.ts';
import { ID_PATTERN, isId, newId } from '../../lambdas/core/ids.ts';
import { keys, parseDocumentObjectKey, tenantForMember, tenantForSystem, tenantForVisitor } from '../../lambdas/core/tenancy.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const arbId = fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 26, maxLength: 26 });

describe('ids', () => {
  it('are 26-character ULIDs that sort by creation time', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a).toMatch(ID_PATTERN);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId())).size).toBe(1000);
  });

  it('rejects anything that is not exactly one id', () => {
    for (const bad of ['', 'abc', `${newId()}x`, newId().toLowerCase(), '01ARZ3NDEKTSV4RRFFQ69G5FAU'.replace('U', 'I'), 42, null]) {
      expect(isId(bad)).toBe(false);
    }
  });
});

describe('tenancy keys', () => {
  it('never start with another account’s prefix', () => {
    fc.assert(fc.property(arbId, arbId, arbId, (acc, other, bot) => {
      fc.pre(acc !== other);
      const t = tenantForSystem(acc);
      for (const key of [accountItems.pk(t), botItems.pk(t, bot), conversationItems.pk(t, bot)]) {
        expect(key.startsWith(`A#${acc}`)).toBe(true);
        expect(key === `A#${other}` || key.startsWith(`A#${other}#`) || key.startsWith(`A#${other}`)).toBe(false);
      }
      expect(keys.objectPrefix(t).startsWith(`accounts/${other}`)).toBe(false);
      expect(keys.documentPrefix(t, bot, bot).startsWith(keys.objectPrefix(t))).toBe(true);
    }), { numRuns: 500 });
  });

  it('can only be built for a well-formed account id', () => {
    expect(() => tenantForSystem('')).toThrow();
    expect(() => tenantForVisitor('A#x')).toThrow();
    expect(() => tenantForMember({ accountId: `${newId()}#B#x`, userId: 'u', role: 'owner' })).toThrow();
  });

  it('parses only document keys made of ids', () => {
    const [acc, bot, doc] = [newId(), newId(), newId()];
    expect(parseDocumentObjectKey(`accounts/${acc}/bots/${bot}/docs/${doc}/faq.md`)).toEqual({ accountId: acc, botId: bot, docId: doc, name: 'faq.md' });
    expect(parseDocumentObjectKey(`accounts/${acc}/bots/${bot}/docs/${doc}/a/b.md`)).toBeNull();
    expect(parseDocumentObjectKey(`accounts/../bots/${bot}/docs/${doc}/faq.md`)).toBeNull();
    expect(parseDocumentObjectKey(`exports/${acc}/bots/${bot}/docs/${doc}/faq.md`)).toBeNull();
  });
});
