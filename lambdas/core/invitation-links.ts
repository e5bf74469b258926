/**
 * The secret an invitation link carries. An invitation is joined only by the
 * person with its verified e-mail address who presents this secret; the account
 * keeps only its SHA-256 (the secret is 256 random bits, so a fast hash is
 * enough), and a resend replaces it, so the previous link stops working.
 *
 * The token the link holds is `<accountId>.<secret>`: the account id says where
 * to look for the invitation, the secret proves the link came from it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isId } from './ids.ts';

const TOKEN = /^([0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]{43})$/;

const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A new token for an invitation to `accountId`, and the hash the account keeps. */
export const newInvitationToken = (accountId: string): { token: string; secretHash: string } => {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${accountId}.${secret}`, secretHash: hashOf(secret) };
};

/** The parts of a well-formed token; null for anything else. */
export const parseInvitationToken = (token: string): { accountId: string; secret: string } | null => {
  const m = TOKEN.exec(token.trim());
  if (!m || !isId(m[1])) return null;
  return { accountId: m[1], secret: m[2]! };
};

/** Whether `secret` is the one whose hash was kept (compared in constant time). */
export const secretMatches = (secret: string, secretHash: string | null): boolean => {
  if (!secretHash || !/^[0-9a-f]{64}$/.test(secretHash)) return false;
  return timingSafeEqual(Buffer.from(hashOf(secret), 'hex'), Buffer.from(secretHash, 'hex'));
};
