/**
 * Which DynamoDB credentials a request uses, chosen from verified identity:
 * - `tenant(t)`: an account's own partitions (`A#<acc>`, `A#<acc>#…`), with the
 *   tenant role's credentials on AWS (see `aws/tenant-credentials.ts`);
 * - `platform`: the partitions that belong to no account (`U#…`, `PUB#…`,
 *   `INV#…`, `ERASED#…`, `HOLDS`, `PLATFORM`), with the function's own role;
 * - `unscoped()`: the sweeper's table-wide scan, and the operator's tools.
 *
 * Every tenant and platform client checks each request's partition keys the
 * way IAM's `dynamodb:LeadingKeys` condition does, before it is sent, in every
 * mode. Locally (no IAM) that check is what enforces the rule, so the whole
 * test suite runs under it; on AWS it stops a bug before IAM has to.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantContext } from '../../core/tenancy.ts';
import { perAccount } from '../aws/per-account.ts';
import { isAccountPartition, isPlatformPartition } from './key-layout.ts';

/** What the repositories use of a document client. */
export type DocClient = Pick<DynamoDBDocumentClient, 'send'>;

export interface Tables {
  /** The client for one account's partitions. */
  tenant(tenant: TenantContext): DocClient;
  /** The client for the partitions that belong to no account. */
  readonly platform: DocClient;
  /** Table-wide access: the sweeper's scan and the operator's tools only. */
  unscoped(): DocClient;
}

/** The error IAM gives, so callers and logs see the same thing locally and on AWS. */
export class LeadingKeysDenied extends Error {
  override readonly name = 'AccessDeniedException';
}

type Input = Record<string, unknown>;
const pkOf = (keyOrItem: unknown): unknown => (keyOrItem as Input | undefined)?.pk;

/**
 * Every partition key a request touches, from the shape of its input (class
 * names do not survive minification). Null for requests that name no partition
 * (Scan, PartiQL): those are refused to tenant and platform clients.
 */
export const partitionKeysOf = (input: Input): unknown[] | null => {
  if ('Statement' in input || 'Statements' in input || 'TransactStatements' in input) return null;
  // Every member that can name an item is read, whatever the operation: a stray `Key` beside a
  // Put's `Item` (or the reverse) must not let the one sent escape the check.
  const named = (op: Input | undefined): unknown[] => {
    if (!op) return [undefined];
    const pks = [op.Key, op.Item].filter((k) => k !== undefined).map(pkOf);
    return pks.length > 0 ? pks : [undefined];
  };
  if (Array.isArray(input.TransactItems)) {
    return (input.TransactItems as Input[]).flatMap((t) => {
      const ops = [t.Put, t.Update, t.Delete, t.ConditionCheck, t.Get].filter((op) => op !== undefined) as Input[];
      return ops.length > 0 ? ops.flatMap(named) : [undefined];
    });
  }
  if (input.RequestItems && typeof input.RequestItems === 'object') {
    return Object.values(input.RequestItems as Record<string, unknown>).flatMap((requests) =>
      Array.isArray(requests)
        ? (requests as Input[]).flatMap((r) => {
          const ops = [r.PutRequest, r.DeleteRequest].filter((op) => op !== undefined) as Input[];
          return ops.length > 0 ? ops.flatMap(named) : [undefined];
        })
        : ((requests as Input).Keys as unknown[] | undefined ?? [undefined]).map(pkOf));
  }
  if (typeof input.KeyConditionExpression === 'string') {
    if ('IndexName' in input) return null;
    const name = /^\s*pk\s*=\s*(:\w+)/.exec(input.KeyConditionExpression)?.[1];
    return [name ? (input.ExpressionAttributeValues as Input | undefined)?.[name] : undefined];
  }
  if ('Key' in input || 'Item' in input) return named(input);
  return null;
};


/** A client that sends only requests whose every partition key `allowed` accepts. */
export const withLeadingKeys = (base: DocClient, allowed: (pk: string) => boolean, who: string): DocClient => ({
  send: ((command: { input: Input }, ...rest: unknown[]) => {
    const pks = partitionKeysOf(command.input);
    const bad = pks === null ? -1 : pks.findIndex((pk) => typeof pk !== 'string' || !allowed(pk));
    if (pks === null || bad >= 0) {
      const what = pks !== null && typeof pks[bad] === 'string' ? `partition ${pks[bad]}` : 'a request that names no partition it may use';
      return Promise.reject(new LeadingKeysDenied(`${who} may not touch ${what} (dynamodb:LeadingKeys)`));
    }
    return (base as { send(...args: unknown[]): unknown }).send(command, ...rest);
  }) as DocClient['send'],
});

export interface TablesOptions {
  /** The function's own client. */
  readonly base: DocClient;
  /** One account's client with the tenant role's credentials; without it, `base` serves tenants too (locally; the sweeper). */
  readonly scopedFor?: (accountId: string) => DocClient;
}

export const createTables = (opts: TablesOptions): Tables => {
  const platform = withLeadingKeys(opts.base, isPlatformPartition, 'The platform client');
  const tenantClient = perAccount((accountId) =>
    withLeadingKeys(opts.scopedFor?.(accountId) ?? opts.base, (pk) => isAccountPartition(accountId, pk), `Account ${accountId}'s client`));
  return {
    tenant: (t) => tenantClient(t.accountId),
    platform,
    unscoped: () => opts.base,
  };
};
