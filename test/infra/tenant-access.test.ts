// Tenant-scoped credentials (tenancy invariant 6): the functions that serve accounts reach an
// account's partitions, objects and keys only through TenantRole, assumed with the session tag
// accountId; their own roles reach only the platform partitions.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import type { ParleyFunction } from '../../infra/constructs/parley-function.ts';
import { arnRef, buildParleyApp, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

let parley: ParleyApp;
let template: Template;
let tenantFunctions: ParleyFunction[];

beforeAll(() => {
  parley = buildParleyApp();
  template = templateOf(parley);
  const { api, chat, ingest, exports, notifications } = parley.stack;
  tenantFunctions = [api.adminFunction, api.widgetFunction, chat.function, ingest.function, exports.function, notifications.function];
}, 60_000);

const actionsOf = (s: Statement): string[] => [s.Action].flat();
const policyStatements = (role: { node: unknown }): Statement[] =>
  Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: logicalIdOf(role as never) }]))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
const tenantStatements = () => policyStatements(parley.stack.tenantAccess.role);
const bySid = (sid: string) => tenantStatements().find((s) => s.Sid === sid);
const tag = '${aws:PrincipalTag/accountId}';

describe('the tenant role', () => {
  it('may be assumed, with the accountId session tag and no other, by exactly the six functions that work on accounts’ data', () => {
    const role = propertiesOf(template, parley.stack.tenantAccess.role);
    const trust = (role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringLike: { 'aws:RequestTag/accountId': '?*' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['accountId'] },
      },
    });
    const principals = [(trust[0]?.Principal as { AWS: unknown }).AWS].flat();
    expect(principals).toEqual(expect.arrayContaining(tenantFunctions.map((fn) => arnRef(fn.role))));
    expect(principals).toHaveLength(6);
    expect(role.MaxSessionDuration).toBe(3600);
  });

  it('reaches the data and keys tables only at partition keys A#<accountId> and A#<accountId>#…', () => {
    const { table, keysTable } = parley.stack.storage;
    const dynamo = tenantStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`A#${tag}`, `A#${tag}#*`] } });
    const resources = JSON.stringify(dynamo[0]?.Resource);
    for (const t of [table, keysTable]) {
      expect(resources).toContain(JSON.stringify(arnRef(t)));
      expect(resources).toContain(`${JSON.stringify(arnRef(t))},"/index/*"`);
    }
  });

  it('can never Scan or use PartiQL, which name no partition key for LeadingKeys to fence', () => {
    const actions = tenantStatements().flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem']));
    for (const action of actions) {
      expect(action).not.toMatch(/Scan|Statement|PartiQL|\*/i);
    }
  });

  it('reaches objects only under accounts/<accountId>/ and lists only that prefix', () => {
    const documents = arnRef(parley.stack.storage.documents);
    expect(actionsOf(bySid('OwnObjects')!).sort()).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:PutObjectTagging']);
    expect(bySid('OwnObjects')).toMatchObject({
      Resource: { 'Fn::Join': ['', [documents, `/accounts/${tag}/*`]] },
    });
    expect(bySid('OwnObjects')?.Condition).toBeUndefined();
    expect(actionsOf(bySid('ListOwnPrefix')!).sort()).toEqual(['s3:ListBucket', 's3:ListBucketVersions']);
    expect(bySid('ListOwnPrefix')).toMatchObject({
      Resource: documents,
      Condition: { StringLike: { 's3:prefix': `accounts/${tag}/*` } },
    });
  });

  it('uses the content and secrets keys only with its own account in the encryption context, in its policy and in both key policies', () => {
    const { contentKey, secretsKey } = parley.stack.storage;
    const context = { StringEquals: { 'kms:EncryptionContext:accountId': tag } };
    const keyActions = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];
    expect(actionsOf(bySid('OwnEncryptionContext')!).sort()).toEqual(keyActions);
    expect(bySid('OwnEncryptionContext')).toMatchObject({
      Resource: [arnRef(contentKey), arnRef(secretsKey)],
      Condition: context,
    });
    const roleArn = arnRef(parley.stack.tenantAccess.role);
    for (const key of [contentKey, secretsKey]) {
      const statements = (propertiesOf(template, key).KeyPolicy as { Statement: Statement[] }).Statement
        .filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: roleArn }));
      expect(statements).toEqual([
        expect.objectContaining({ Effect: 'Allow', Action: expect.arrayContaining(keyActions) as unknown, Condition: context }),
        expect.objectContaining({ Effect: 'Deny', Condition: { StringNotEquals: context.StringEquals } }),
      ]);
    }
    // Other keys (the data key) only through DynamoDB and S3.
    const dataKey = bySid('DataKeyThroughStorageOnly');
    expect(dataKey?.Resource).toEqual(arnRef(parley.stack.storage.dataKey));
    const via = JSON.stringify(dataKey?.Condition?.StringEquals?.['kms:ViaService']);
    expect(via).toContain('"dynamodb.eu-west-1."');
    expect(via).toContain('"s3.eu-west-1."');
    const kms = tenantStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    for (const s of kms) expect(s.Condition, s.Sid).toBeDefined();
  });
});

describe('the serving functions', () => {
  it('know the tenant role and may assume it with session tags', () => {
    const roleArn = arnRef(parley.stack.tenantAccess.role);
    for (const fn of tenantFunctions) {
      const variables = (propertiesOf(template, fn.function).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.PARLEY_TENANT_ROLE_ARN, fn.handlerName).toEqual(roleArn);
      expect(policyStatements(fn.role), fn.handlerName).toContainEqual(expect.objectContaining({ Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: roleArn }));
    }
    const sweeper = (propertiesOf(template, parley.stack.sweeper.function.function).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(sweeper).not.toHaveProperty('PARLEY_TENANT_ROLE_ARN');
  });

  it('have no unconditioned table access of their own: only the platform partitions, never A#…, never Scan', () => {
    const { table, keysTable } = parley.stack.storage;
    const signers = new Set(['widget-api', 'chat-stream']);
    for (const fn of tenantFunctions) {
      const dynamo = policyStatements(fn.role).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      const onTable = dynamo.filter((s) => JSON.stringify(s.Resource).includes(logicalIdOf(table)));
      expect(onTable, fn.handlerName).toHaveLength(1);
      expect(onTable[0], fn.handlerName).toMatchObject({
        Resource: arnRef(table),
        Condition: { 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['A#*'] } },
      });
      expect(dynamo.flatMap(actionsOf).filter((a) => /Scan|Statement|\*/.test(a)), fn.handlerName).toEqual([]);
      // The keys table only at its one platform item, the visitor-token signing key, and only for the functions that sign.
      const onKeys = dynamo.filter((s) => JSON.stringify(s.Resource).includes(logicalIdOf(keysTable)));
      if (signers.has(fn.handlerName)) {
        expect(onKeys, fn.handlerName).toEqual([expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          Resource: arnRef(keysTable),
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['PLATFORM'] } },
        })]);
      } else {
        expect(JSON.stringify(policyStatements(fn.role)), fn.handlerName).not.toContain(logicalIdOf(keysTable));
      }
      expect(dynamo, fn.handlerName).toHaveLength(onTable.length + onKeys.length);
    }
  });

  it('leave the sweeper its table-wide grant: it scans for expired items', () => {
    const actions = policyStatements(parley.stack.sweeper.function.role).flatMap(actionsOf);
    expect(actions).toContain('dynamodb:Scan');
  });
});
