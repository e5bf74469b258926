/**
 * Visitor tokens: HS256 JWTs (jose) with the visitor id as subject, the bot's
 * public id as audience and the page origin as a claim. The signing key is a
 * random 256-bit secret made once per installation, wrapped by the secrets
 * keyring (KMS on AWS) and kept in the keys table; each function instance
 * unwraps it once. A token from another bot, another origin, or signed with
 * anything else fails verification.
 */
import { randomBytes } from 'node:crypto';
import type { KeyringNode } from '@aws-crypto/material-management-node';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { jwtVerify, SignJWT } from 'jose';
import type { VisitorClaims, VisitorTokens } from '../../core/ports.ts';
import { isConditionFailure } from '../dynamo/items.ts';
import { PLATFORM_KEYS_PARTITION, visitorTokenKeyKey } from '../dynamo/key-layout.ts';
import type { Tables } from '../dynamo/tables.ts';
import { openWithContext, sealWithContext } from './envelope.ts';

/** The keys table's partition of the signing key: it belongs to no account (IAM names it). */
export const VISITOR_TOKEN_KEY_PARTITION = PLATFORM_KEYS_PARTITION;
const KEY = visitorTokenKeyKey;
/** The encryption context's purpose; IAM lets the widget function use the secrets key for this alone. */
export const VISITOR_TOKEN_KEY_PURPOSE = 'visitor-token-key';
const CONTEXT = { purpose: VISITOR_TOKEN_KEY_PURPOSE };
const ISSUER = 'parley-widget';

export const createVisitorTokens = (tables: Pick<Tables, 'platform'>, keysTable: string, keyring: KeyringNode): VisitorTokens => {
  const db = tables.platform;
  let secret: Promise<Uint8Array> | undefined;

  const load = async (): Promise<Uint8Array> => {
    const read = async () => (await db.send(new GetCommand({ TableName: keysTable, Key: KEY, ConsistentRead: true }))).Item?.wrapped as Uint8Array | undefined;
    let wrapped = await read();
    if (!wrapped) {
      const sealed = await sealWithContext(keyring, randomBytes(32), CONTEXT);
      try {
        await db.send(new PutCommand({ TableName: keysTable, Item: { ...KEY, wrapped: sealed }, ConditionExpression: 'attribute_not_exists(pk)' }));
        wrapped = sealed;
      } catch (err) {
        // Another instance made it first: everyone must sign with the same key.
        if (!isConditionFailure(err)) throw err;
        wrapped = await read();
      }
    }
    if (!wrapped) throw new Error('visitor token key could not be created');
    return openWithContext(keyring, wrapped, CONTEXT);
  };
  const key = () => (secret ??= load().catch((err: unknown) => {
    secret = undefined;
    throw err;
  }));

  return {
    async issue(claims, ttlSeconds) {
      return new SignJWT({ origin: claims.origin })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setSubject(claims.visitorId)
        .setAudience(claims.publicId)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(await key());
    },
    async verify(token, options = {}): Promise<VisitorClaims | null> {
      if (token.length > 2048) return null;
      try {
        const { payload } = await jwtVerify(token, await key(), { issuer: ISSUER, algorithms: ['HS256'], clockTolerance: options.graceSeconds ?? 0 });
        const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
        if (typeof payload.sub !== 'string' || typeof aud !== 'string' || typeof payload.origin !== 'string') return null;
        return { visitorId: payload.sub, publicId: aud, origin: payload.origin };
      } catch {
        return null;
      }
    },
  };
};
