/**
 * The tenancy invariant in code. A TenantContext can be made only here, from
 * verified identity (a membership found for a JWT subject, a public bot id looked
 * up server-side, or a storage key our own server issued); every tenant key is
 * built from it (object keys here, DynamoDB keys in the adapters' key layout),
 * never taken from a caller.
 */
import { isId } from './ids.ts';
import type { Role } from './records.ts';

export type { Role };

declare const verified: unique symbol;

/** Who is acting for which account. Only the constructors below produce one. */
export interface TenantContext {
  readonly accountId: string;
  /** `user`: an admin-panel member; `visitor`: a widget visitor; `system`: an internal event (ingest). */
  readonly actor: { readonly kind: 'user'; readonly userId: string; readonly role: Role }
    | { readonly kind: 'visitor' }
    | { readonly kind: 'system' };
  readonly [verified]: true;
}

const make = (accountId: string, actor: TenantContext['actor']): TenantContext => {
  if (!isId(accountId)) throw new Error('TenantContext needs a well-formed account id');
  return { accountId, actor } as TenantContext;
};

/** From a membership item found for the JWT's `sub`. */
export const tenantForMember = (m: { accountId: string; userId: string; role: Role }): TenantContext =>
  make(m.accountId, { kind: 'user', userId: m.userId, role: m.role });

/** From the server-side lookup of a bot's public id. */
export const tenantForVisitor = (accountId: string): TenantContext => make(accountId, { kind: 'visitor' });

/** From an S3 key under `accounts/<acc>/` that our own server issued; callers still check the document exists. */
export const tenantForSystem = (accountId: string): TenantContext => make(accountId, { kind: 'system' });

/**
 * Object keys: every tenant object's key starts with `accounts/<accountId>/`. DynamoDB
 * keys (every tenant pk starts with `A#<accountId>`) are built from a TenantContext
 * in lambdas/adapters/dynamo/key-layout.ts.
 */
export const keys = {
  objectPrefix: (t: TenantContext) => `accounts/${t.accountId}/`,
  documentPrefix: (t: TenantContext, botId: string, docId: string) =>
    `accounts/${t.accountId}/bots/${botId}/docs/${docId}/`,
} as const;

/** Splits `accounts/<acc>/bots/<bot>/docs/<doc>/<name>`; null for anything else. */
export const parseDocumentObjectKey = (key: string): { accountId: string; botId: string; docId: string; name: string } | null => {
  const m = /^accounts\/([^/]+)\/bots\/([^/]+)\/docs\/([^/]+)\/([^/]+)$/.exec(key);
  if (!m || !isId(m[1]) || !isId(m[2]) || !isId(m[3])) return null;
  return { accountId: m[1], botId: m[2], docId: m[3], name: m[4]! };
};
