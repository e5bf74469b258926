// The invitation link's secret: 256 random bits after the account id, kept only as
// its SHA-256, compared in constant time; anything not shaped like a token is no token.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newInvitationToken, parseInvitationToken, secretMatches } from '../../lambdas/core/invitation-links.ts';

const ACCOUNT = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

describe('invitation link tokens', () => {
  it('carry the account id and a fresh secret whose hash alone is kept', () => {
    const a = newInvitationToken(ACCOUNT);
    const b = newInvitationToken(ACCOUNT);
    expect(a.token).not.toBe(b.token);
    const parsed = parseInvitationToken(a.token)!;
    expect(parsed.accountId).toBe(ACCOUNT);
    expect(parsed.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.secretHash).toBe(createHash('sha256').update(parsed.secret).digest('hex'));
    expect(a.secretHash).not.toContain(parsed.secret);
  });

  it('match only their own hash', () => {
    const a = newInvitationToken(ACCOUNT);
    const b = newInvitationToken(ACCOUNT);
    const secret = parseInvitationToken(a.token)!.secret;
    expect(secretMatches(secret, a.secretHash)).toBe(true);
    expect(secretMatches(secret, b.secretHash)).toBe(false);
    expect(secretMatches(secret, null)).toBe(false);
    expect(secretMatches(secret, 'not-a-hash')).toBe(false);
    expect(secretMatches(secret, a.secretHash.toUpperCase())).toBe(false);
  });

  it('are refused when not shaped like one', () => {
    const { token } = newInvitationToken(ACCOUNT);
    for (const bad of ['', token.slice(0, -1), `${token}A`, token.replace('.', ':'), `a${token.slice(1)}`, `${ACCOUNT}.${'='.repeat(43)}`, token.toLowerCase()]) {
      expect(parseInvitationToken(bad), bad).toBeNull();
    }
    expect(parseInvitationToken(` ${token}\n`)?.accountId).toBe(ACCOUNT);
  });
});
