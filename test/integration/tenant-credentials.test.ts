/**
 * Tenant-scoped credentials against a fake STS that speaks the real wire format,
 * driven by the real STSClient: one AssumeRole per account per cache period,
 * tagged with the account; sessions replaced before they end; failures not
 * cached; each account's DynamoDB and S3 requests signed with its own session,
 * over connections all accounts' clients share.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../lambdas/adapters/aws/tenant-clients.ts';
import { createTenantCredentials, PRESIGN_HEADROOM_MS } from '../../lambdas/adapters/aws/tenant-credentials.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { startFakeSts, type FakeSts } from './fixtures/fake-sts.ts';

const ROLE = 'arn:aws:iam::111122223333:role/parley-tenant';
let sts: FakeSts;
beforeAll(async () => { sts = await startFakeSts(); });
afterAll(async () => { await sts.close(); });
beforeEach(() => {
  sts.calls.length = 0;
  sts.sessionSeconds = 3600;
  sts.failWith = null;
});

const stsClient = () => new STSClient({ region: 'eu-west-1', endpoint: sts.endpoint, credentials: { accessKeyId: 'fn', secretAccessKey: 'fn' } });

describe('tenant credentials', () => {
  it('assumes the tenant role once per account, tagged with the account, however many ask at once', async () => {
    const creds = createTenantCredentials({ sts: stsClient(), roleArn: ROLE });
    const first = await Promise.all(Array.from({ length: 20 }, () => creds.forAccount('acc1')()));
    expect(sts.calls).toEqual([{ roleArn: ROLE, sessionName: 'parley-acc1', durationSeconds: 3600, tags: { accountId: 'acc1' } }]);
    expect(new Set(first.map((c) => c.accessKeyId)).size).toBe(1);
    await creds.forAccount('acc1')();
    expect(sts.calls).toHaveLength(1);

    const other = await creds.forAccount('acc2')();
    expect(sts.calls).toHaveLength(2);
    expect(sts.calls[1]!.tags).toEqual({ accountId: 'acc2' });
    expect(other.accessKeyId).not.toBe(first[0]!.accessKeyId);
    expect(other.sessionToken).toContain('acc2');
  });

  it('tells the SDK a session ends 15 minutes early, so presigned URLs outlive nothing', async () => {
    const creds = createTenantCredentials({ sts: stsClient(), roleArn: ROLE });
    const before = Date.now();
    const c = await creds.forAccount('acc1')();
    const real = before + 3600_000;
    expect(c.expiration!.getTime()).toBeGreaterThan(real - PRESIGN_HEADROOM_MS - 5_000);
    expect(c.expiration!.getTime()).toBeLessThanOrEqual(real - PRESIGN_HEADROOM_MS + 5_000);
  });

  it('replaces a session before it ends, and not before it must', async () => {
    let clock = Date.now();
    const creds = createTenantCredentials({ sts: stsClient(), roleArn: ROLE, now: () => clock });
    const first = await creds.forAccount('acc1')();
    const reported = first.expiration!.getTime();
    clock = reported - 6 * 60_000;
    expect((await creds.forAccount('acc1')()).accessKeyId).toBe(first.accessKeyId);
    clock = reported - 4 * 60_000;
    const second = await creds.forAccount('acc1')();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(sts.calls).toHaveLength(2);
  });

  it('does not cache a refusal: the next request asks STS again', async () => {
    const creds = createTenantCredentials({ sts: stsClient(), roleArn: ROLE });
    sts.failWith = { status: 403, code: 'AccessDenied' };
    await expect(creds.forAccount('acc1')()).rejects.toMatchObject({ name: 'AccessDenied' });
    sts.failWith = null;
    expect((await creds.forAccount('acc1')()).accessKeyId).toMatch(/^ASIAFAKE/);
  });

  it('keeps serving a session due for replacement while STS fails, but never one past its headroom', async () => {
    let clock = Date.now();
    const creds = createTenantCredentials({ sts: stsClient(), roleArn: ROLE, now: () => clock });
    const first = await creds.forAccount('acc1')();
    const reported = first.expiration!.getTime();
    sts.failWith = { status: 400, code: 'Throttling' };
    clock = reported - 4 * 60_000;
    expect((await creds.forAccount('acc1')()).accessKeyId).toBe(first.accessKeyId);
    clock = reported + 1;
    await expect(creds.forAccount('acc1')()).rejects.toMatchObject({ name: 'Throttling' });
    sts.failWith = null;
    expect((await creds.forAccount('acc1')()).accessKeyId).not.toBe(first.accessKeyId);
  });

  it('keeps at most the configured number of accounts', async () => {
    const creds = createTenantCredentials({ sts: stsClient(), roleArn: ROLE, maxAccounts: 2 });
    for (const acc of ['a1', 'a2', 'a3']) await creds.forAccount(acc)();
    await creds.forAccount('a3')();
    await creds.forAccount('a2')();
    expect(sts.calls).toHaveLength(3);
    await creds.forAccount('a1')();
    expect(sts.calls).toHaveLength(4);
  });
});

describe('clients on tenant credentials', () => {
  it("signs each account's DynamoDB request with that account's session, and the platform's with the function's own", async () => {
    const seen: Array<{ key: string; token: string | undefined }> = [];
    const dynamo = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
        seen.push({ key, token: req.headers['x-amz-security-token'] as string | undefined });
        res.setHeader('content-type', 'application/x-amz-json-1.0');
        res.end('{}');
      });
    });
    await new Promise<void>((r) => dynamo.listen(0, '127.0.0.1', r));
    // The function's own credentials, as Lambda provides them, for its call to STS.
    const prior = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'FUNCTIONROLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'function-secret';
    try {
      const endpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
      const withEndpoint = createAwsClients({ region: 'eu-west-1', tenantRoleArn: ROLE, stsEndpoint: sts.endpoint, dynamodbEndpoint: endpoint });
      const acc1 = tenantForSystem(newId());
      const acc2 = tenantForSystem(newId());
      await withEndpoint.tables.tenant(acc1).send(new GetCommand({ TableName: 't', Key: { pk: `A#${acc1.accountId}`, sk: 'ACCOUNT' } }));
      await withEndpoint.tables.tenant(acc2).send(new GetCommand({ TableName: 't', Key: { pk: `A#${acc2.accountId}`, sk: 'ACCOUNT' } }));
      await withEndpoint.tables.tenant(acc1).send(new GetCommand({ TableName: 't', Key: { pk: `A#${acc1.accountId}#M`, sk: 'X' } }));
      expect(seen.map((s) => s.token?.replace(/^token-\d+-/, ''))).toEqual([acc1.accountId, acc2.accountId, acc1.accountId]);
      expect(seen[0]!.key).toBe(seen[2]!.key);
      expect(seen[0]!.key).not.toBe(seen[1]!.key);
      expect(sts.calls.map((c) => c.tags.accountId)).toEqual([acc1.accountId, acc2.accountId]);

      const s3a = await (await withEndpoint.s3For(acc1)).config.credentials();
      expect(s3a.sessionToken).toContain(acc1.accountId);
      expect(sts.calls).toHaveLength(2);

      // What belongs to no account goes with the function's own credentials (here the endpoint's dummy ones).
      await withEndpoint.tables.platform.send(new GetCommand({ TableName: 't', Key: { pk: 'PUB#p1', sk: 'BOT' } }));
      expect(seen.at(-1)).toEqual({ key: 'local', token: undefined });
    } finally {
      if (prior.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = prior.id;
      if (prior.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = prior.secret;
      await new Promise<void>((r) => dynamo.close(() => r()));
    }
  });

  it('share kept-alive connections across accounts: a warm function serving a new account opens none', async () => {
    const opened = { dynamodb: 0, s3: 0 };
    const server = (service: keyof typeof opened, type: string, body: string) => {
      const s = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.setHeader('content-type', type);
          res.end(body);
        });
      });
      s.on('connection', () => opened[service]++);
      return s;
    };
    const dynamo = server('dynamodb', 'application/x-amz-json-1.0', '{}');
    const s3 = server('s3', 'application/octet-stream', 'bytes');
    await Promise.all([dynamo, s3].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    const url = (s: typeof dynamo) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    try {
      const clients = createAwsClients({ region: 'eu-west-1', tenantRoleArn: ROLE, stsEndpoint: sts.endpoint, dynamodbEndpoint: url(dynamo), s3Endpoint: url(s3) });
      for (const account of [newId(), newId(), newId()]) {
        const tenant = tenantForSystem(account);
        await clients.tables.tenant(tenant).send(new GetCommand({ TableName: 't', Key: { pk: `A#${account}`, sk: 'ACCOUNT' } }));
        const object = await (await clients.s3For(tenant)).send(new GetObjectCommand({ Bucket: 'b', Key: `accounts/${account}/x` }));
        expect(await object.Body!.transformToString()).toBe('bytes');
      }
      await clients.tables.platform.send(new GetCommand({ TableName: 't', Key: { pk: 'PUB#p1', sk: 'BOT' } }));
      // Three accounts' clients and the platform's, each signing with its own credentials: one connection a service.
      expect(sts.calls).toHaveLength(3);
      expect(opened).toEqual({ dynamodb: 1, s3: 1 });
    } finally {
      await Promise.all([dynamo, s3].map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    }
  });
});
