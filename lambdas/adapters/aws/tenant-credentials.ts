/**
 * Tenant-scoped AWS credentials. A function that reads tenant data assumes the
 * stack's tenant role with the session tag `accountId`, taken from verified
 * identity (a TenantContext); the role's policy limits DynamoDB to partition keys
 * `A#<accountId>` and `A#<accountId>#…`, S3 to `accounts/<accountId>/`, and KMS
 * to that account's encryption context. So a bug that builds another account's
 * key is refused by IAM, not only by our code.
 *
 * Credentials are cached per account: one AssumeRole per account per cache
 * period, concurrent callers share one request, and a session is replaced well
 * before it ends: the SDK is told it expires `PRESIGN_HEADROOM_MS` early, so a
 * URL presigned with it (15 minutes at most) stays valid for its whole life.
 * If STS fails when a session is due for replacement, the cached one serves
 * until that (early) expiry.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

/** What the SDK clients accept as `credentials` (structurally the SDK's own types). */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** The longest a presigned URL made with tenant credentials lives (uploads, downloads, exports). */
export const PRESIGN_HEADROOM_MS = 15 * 60_000;
/** A cached session is replaced when less than this is left before the headroom. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** The session tag IAM conditions read (`aws:PrincipalTag/accountId`). */
export const TENANT_TAG = 'accountId';

export interface TenantCredentialOptions {
  readonly sts: Pick<STSClient, 'send'>;
  readonly roleArn: string;
  /** Session length asked of STS; the role's maximum must allow it. */
  readonly durationSeconds?: number;
  /** How many accounts' sessions a warm function keeps at most. */
  readonly maxAccounts?: number;
  readonly now?: () => number;
}

export interface TenantCredentials {
  /** A credential provider for one account, for that account's clients. */
  forAccount(accountId: string): AwsCredentialIdentityProvider;
}

/** RoleSessionName allows `[\w+=,.@-]`, 2 to 64 characters; account ids are letters and digits. */
const sessionName = (accountId: string) => `parley-${accountId}`.slice(0, 64);

export const createTenantCredentials = (opts: TenantCredentialOptions): TenantCredentials => {
  const now = opts.now ?? Date.now;
  const maxAccounts = opts.maxAccounts ?? 500;
  // Map order is insertion order: re-inserting on use makes it an LRU.
  const cache = new Map<string, AwsCredentialIdentity & { expiration: Date }>();
  const inflight = new Map<string, Promise<AwsCredentialIdentity & { expiration: Date }>>();

  const assume = async (accountId: string) => {
    const out = await opts.sts.send(new AssumeRoleCommand({
      RoleArn: opts.roleArn,
      RoleSessionName: sessionName(accountId),
      DurationSeconds: opts.durationSeconds ?? 3600,
      Tags: [{ Key: TENANT_TAG, Value: accountId }],
    }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error('STS returned no credentials for the tenant role');
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: new Date(c.Expiration.getTime() - PRESIGN_HEADROOM_MS),
    };
  };

  const fresh = (c: { expiration: Date }) => c.expiration.getTime() - now() > REFRESH_MARGIN_MS;

  const get = async (accountId: string) => {
    const hit = cache.get(accountId);
    if (hit && fresh(hit)) {
      cache.delete(accountId);
      cache.set(accountId, hit);
      return hit;
    }
    let pending = inflight.get(accountId);
    if (!pending) {
      pending = assume(accountId)
        .then((creds) => {
          cache.delete(accountId);
          cache.set(accountId, creds);
          while (cache.size > maxAccounts) cache.delete(cache.keys().next().value as string);
          return creds;
        })
        .finally(() => inflight.delete(accountId));
      inflight.set(accountId, pending);
    }
    try {
      return await pending;
    } catch (err) {
      // STS throttled or down while a cached session still has its headroom left: keep using it
      // (the next request asks STS again). One past that headroom is not handed out.
      if (hit && hit.expiration.getTime() > now()) return hit;
      throw err;
    }
  };

  return { forAccount: (accountId) => () => get(accountId) };
};
