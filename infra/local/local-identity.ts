/**
 * Local sign-in: for development on this machine only. Issues a signed JWT with
 * the claims Cognito gives on AWS (sub, email, email_verified, iss, aud, token_use), and verifies
 * it the way the admin function checks Cognito's ID tokens on AWS, so handlers read
 * identity the same way in both places. The signing key lives in the local data folder.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const LOCAL_ISSUER = 'parley-local';
/** The local stand-in for the panel's app client id (Cognito's pattern: letters, digits, `_` and `+`). */
export const LOCAL_AUDIENCE = 'parley_local_admin';
const TOKEN_TTL = '12h';
const ALG = 'ES256';

export interface LocalIdentity {
  /**
   * A token for `email`. Cognito verifies addresses before it signs anyone in with them,
   * so `email_verified` is true unless a test asks for a token with it false or missing.
   */
  signIn(email: string, options?: { emailVerified?: boolean | 'missing' }): Promise<{ token: string; expiresAt: string; sub: string }>;
  verify(token: string): Promise<JWTPayload>;
  /** The public signing key, as a JSON Web Key Set (what Cognito publishes at `/.well-known/jwks.json`). */
  readonly jwks: { keys: JWK[] };
}

/** A stable user id for an e-mail, shaped like a Cognito `sub` (a UUID). */
export const localSubFor = (email: string): string => {
  const h = createHash('sha256').update(`parley-local:${email.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

type Keys = { privateKey: CryptoKey; publicKey: CryptoKey; kid: string };

// Without a data folder, one key per process: the admin function keeps the keys it read at its cold start.
let processKeys: Promise<Keys> | undefined;

const loadKeys = async (dataDir: string | undefined): Promise<Keys> => {
  if (!dataDir) return (processKeys ??= generateKeys(undefined));
  return readOrGenerateKeys(path.join(dataDir, 'local-signing-key.json'));
};

const readOrGenerateKeys = async (file: string): Promise<Keys> => {
  try {
    const jwk = JSON.parse(await fs.readFile(file, 'utf8')) as JWK & { kid: string };
    const { d: _d, ...pub } = jwk;
    return { privateKey: (await importJWK(jwk, ALG)) as CryptoKey, publicKey: (await importJWK(pub, ALG)) as CryptoKey, kid: jwk.kid };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return generateKeys(file);
};

const generateKeys = async (file: string | undefined): Promise<Keys> => {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  if (file) await fs.writeFile(file, JSON.stringify({ ...(await exportJWK(privateKey)), kid }), { mode: 0o600 });
  return { privateKey, publicKey, kid };
};

export const createLocalIdentity = async (dataDir: string | undefined): Promise<LocalIdentity> => {
  const { privateKey, publicKey, kid } = await loadKeys(dataDir);
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' }] };
  const verify = async (token: string): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(token, publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: [ALG] });
    return payload;
  };
  return {
    verify,
    jwks,
    async signIn(email, { emailVerified = true } = {}) {
      const sub = localSubFor(email);
      const verified = emailVerified === 'missing' ? {} : { email_verified: emailVerified };
      const token = await new SignJWT({ email, ...verified, token_use: 'id', 'cognito:username': email })
        .setProtectedHeader({ alg: ALG, kid })
        .setSubject(sub)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(TOKEN_TTL)
        .sign(privateKey);
      const { exp } = await verify(token);
      return { token, sub, expiresAt: new Date((exp ?? 0) * 1000).toISOString() };
    },
  };
};
