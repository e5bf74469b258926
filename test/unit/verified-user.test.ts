/** Identity from the JWT claims, as API Gateway's authorizer (strings) and a verifier of our own (JSON types) pass them. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { verifiedUser } from '../../lambdas/http/request.ts';

const withClaims = (claims: Record<string, unknown> | undefined) =>
  ({ headers: {}, requestContext: { authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined } }) as unknown as APIGatewayProxyEventV2;

describe('the verified user', () => {
  it('counts an address as verified only when email_verified is true or "true"', () => {
    const base = { sub: 'b1c2', email: 'a@example.com' };
    expect(verifiedUser(withClaims({ ...base, email_verified: true })).emailVerified).toBe(true);
    expect(verifiedUser(withClaims({ ...base, email_verified: 'true' })).emailVerified).toBe(true);
    for (const v of [false, 'false', 'TRUE ', 1, null, undefined]) {
      expect({ v, verified: verifiedUser(withClaims({ ...base, email_verified: v })).emailVerified }).toEqual({ v, verified: false });
    }
    expect(verifiedUser(withClaims(base))).toEqual({ userId: 'b1c2', email: 'a@example.com', emailVerified: false });
  });

  it('refuses a request without a subject', () => {
    expect(() => verifiedUser(withClaims(undefined))).toThrow(/Sign in/);
    expect(() => verifiedUser(withClaims({ email: 'a@example.com', email_verified: true }))).toThrow(/Sign in/);
  });
});
