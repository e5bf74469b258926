/**
 * The admin function's own check of Cognito ID tokens: signature by the pool's
 * key, issuer, audience (the panel's app client), token use and expiry. The
 * pool's JWKS is served by a fake fetch at Cognito's real address.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdminAuthSettings } from '../../lambdas/adapters/auth/admin-auth-settings.ts';
import { cognitoIssuerOf, createIdTokenVerifier } from '../../lambdas/adapters/auth/id-token-verifier.ts';
import { createLogger } from '../../lambdas/shared/logger.ts';

const POOL = 'eu-central-1_Pool42abc';
const CLIENT = '5a6b7c8d9e0f1g2h3i4j5k6l7m';
const ISSUER = 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool42abc';
const settings = createAdminAuthSettings({ userPoolId: POOL, clientId: CLIENT });

let key: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;

const idToken = (overrides: { iss?: string; aud?: string; tokenUse?: string; exp?: string | number; signWith?: CryptoKey; claims?: Record<string, unknown> } = {}) => {
  const jwt = new SignJWT({ email: 'owner@example.com', email_verified: true, token_use: overrides.tokenUse ?? 'id', ...overrides.claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('0f1e2d3c-aaaa-4bbb-8ccc-123456789abc')
    .setIssuer(overrides.iss ?? ISSUER)
    .setIssuedAt();
  if (overrides.aud !== '') jwt.setAudience(overrides.aud ?? CLIENT);
  jwt.setExpirationTime(overrides.exp ?? '1h');
  return jwt.sign(overrides.signWith ?? key);
};

const fakeCognito = () => {
  const fetched: string[] = [];
  let failing = false;
  const fetch = async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    fetched.push(url);
    if (failing) throw new TypeError('fetch failed');
    if (url !== `${ISSUER}/.well-known/jwks.json`) return new Response('{"message":"not found"}', { status: 404 });
    return Response.json({ keys: [{ ...jwk, kid: 'k1', alg: 'RS256', use: 'sig' }] });
  };
  return { fetch, fetched, fail: () => { failing = true; } };
};

beforeAll(async () => {
  ({ privateKey: key } = await generateKeyPair('RS256', { extractable: true }).then(async (pair) => {
    jwk = await exportJWK(pair.publicKey);
    return pair;
  }));
  ({ privateKey: otherKey } = await generateKeyPair('RS256'));
});

describe('the ID token check', () => {
  it("names the pool's issuer from its id", () => {
    expect(cognitoIssuerOf(POOL)).toBe(ISSUER);
  });

  it("accepts the pool's ID token for the panel's client, fetching the pool's keys once", async () => {
    const cognito = fakeCognito();
    const verifier = createIdTokenVerifier({ settings, fetch: cognito.fetch });
    const claims = await verifier.verify(await idToken());
    expect(claims).toMatchObject({ sub: '0f1e2d3c-aaaa-4bbb-8ccc-123456789abc', email: 'owner@example.com', email_verified: true, token_use: 'id' });
    await verifier.verify(await idToken());
    expect(cognito.fetched).toEqual([`${ISSUER}/.well-known/jwks.json`]);
  });

  it('refuses with 401 whatever is not such a token', async () => {
    const cognito = fakeCognito();
    const verifier = createIdTokenVerifier({ settings, fetch: cognito.fetch });
    const header = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = header({ sub: 'x', iss: ISSUER, aud: CLIENT, token_use: 'id', exp: Math.floor(Date.now() / 1000) + 600 });
    const refused = {
      missing: undefined,
      garbage: 'not-a-token',
      'another issuer': await idToken({ iss: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Other' }),
      'another client': await idToken({ aud: 'someotherclient' }),
      'an access token': await idToken({ tokenUse: 'access', aud: '', claims: { client_id: CLIENT } }),
      'no token_use': await idToken({ tokenUse: '' }),
      expired: await idToken({ exp: Math.floor(Date.now() / 1000) - 60 }),
      'signed by another key': await idToken({ signWith: otherKey }),
      'alg none': `${header({ alg: 'none', kid: 'k1' })}.${payload}.`,
      'HS256 with the public key as secret': await new SignJWT({ token_use: 'id' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setSubject('x').setIssuer(ISSUER).setAudience(CLIENT).setExpirationTime('1h').sign(new TextEncoder().encode(JSON.stringify(jwk))),
    };
    for (const [what, token] of Object.entries(refused)) {
      const outcome = await verifier.verify(token).then(() => 'accepted', (err: { code?: string; status?: number; message?: string }) => `${err.status} ${err.code}`);
      expect({ what, outcome }).toEqual({ what, outcome: '401 unauthorized' });
    }
  });

  it("answers 503 when the pool's keys cannot be fetched, and logs no token", async () => {
    const cognito = fakeCognito();
    cognito.fail();
    const lines: string[] = [];
    const verifier = createIdTokenVerifier({ settings, fetch: cognito.fetch, logger: createLogger('debug', (l) => lines.push(l)) });
    const token = await idToken();
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 503, code: 'unavailable' });
    expect(lines.join('\n')).toContain('sign-in keys could not be read');
    expect(lines.join('\n')).not.toContain(token.split('.')[2]!);
  });

  it('checks local tokens with the same code, given the local issuer and keys', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const local = { issuer: 'parley-local', jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'l1', alg: 'ES256' }] } };
    const cognito = fakeCognito();
    const verifier = createIdTokenVerifier({ settings: createAdminAuthSettings({ userPoolId: 'eu-west-1_parleylocal', clientId: 'parley_local_admin' }), fetch: cognito.fetch, local });
    const sign = (aud: string) => new SignJWT({ token_use: 'id', email: 'a@example.com' }).setProtectedHeader({ alg: 'ES256', kid: 'l1' })
      .setSubject('s').setIssuer('parley-local').setAudience(aud).setExpirationTime('1h').sign(pair.privateKey);
    await expect(verifier.verify(await sign('parley_local_admin'))).resolves.toMatchObject({ sub: 's' });
    await expect(verifier.verify(await sign('parley-admin'))).rejects.toMatchObject({ status: 401 });
    expect(cognito.fetched).toEqual([]);
  });
});
