// Physical names and retention: synthesizing twice with the same parameters gives the same names
// and policies; every name is scoped to the stage (and the region where the namespace spans
// regions) and passes its service's rule; retained names carry the stack id's suffix, so a retry
// after a failed first deployment gets fresh ones; only the tables and the user pool outlive a
// failed creation.
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { nameProblems, nameRules, namingProblems, type NameKind } from '../../infra/naming.ts';
import { readDeployParameters } from '../../infra/parameters.ts';
import { buildParleyApp, edgeTemplateOf, logicalIdOf, templateOf } from './fixtures/parley-app.ts';

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** Where each named resource type keeps its name, and the rule it follows. */
const nameProperties: Record<string, { path: string[]; kind: NameKind }> = {
  'AWS::S3::Bucket': { path: ['BucketName'], kind: 'bucket' },
  'AWS::Cognito::UserPoolDomain': { path: ['Domain'], kind: 'signInDomain' },
  'AWS::Backup::BackupVault': { path: ['BackupVaultName'], kind: 'backupVault' },
  'AWS::Backup::BackupPlan': { path: ['BackupPlan', 'BackupPlanName'], kind: 'backupPlan' },
  'AWS::WAFv2::WebACL': { path: ['Name'], kind: 'webAcl' },
  'AWS::CloudFront::ResponseHeadersPolicy': { path: ['ResponseHeadersPolicyConfig', 'Name'], kind: 'cloudFrontPolicy' },
  'AWS::CloudFront::CachePolicy': { path: ['CachePolicyConfig', 'Name'], kind: 'cloudFrontPolicy' },
  'AWS::CloudFront::OriginRequestPolicy': { path: ['OriginRequestPolicyConfig', 'Name'], kind: 'cloudFrontPolicy' },
  'AWS::CloudFront::OriginAccessControl': { path: ['OriginAccessControlConfig', 'Name'], kind: 'originAccessControl' },
  'AWS::CloudFront::Function': { path: ['Name'], kind: 'cloudFrontFunction' },
};

interface Deployment {
  readonly stackId: string;
  readonly region: string;
}

/** What CloudFormation makes of a name: Fn::Join, Fn::Select and Fn::Split over the pseudo parameters. */
const resolve = (value: unknown, at: Deployment): string | string[] => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v.Ref === 'AWS::StackId') return at.stackId;
  if (v.Ref === 'AWS::Region') return at.region;
  if (v['Fn::Join']) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, at)).join(separator);
  }
  if (v['Fn::Split']) {
    const [separator, source] = v['Fn::Split'] as [string, unknown];
    return (resolve(source, at) as string).split(separator);
  }
  if (v['Fn::Select']) {
    const [index, list] = v['Fn::Select'] as [number, unknown];
    return (resolve(list, at) as string[])[index]!;
  }
  throw new Error(`no value for ${JSON.stringify(value)}`);
};

const resourcesOf = (parley: ParleyApp): Record<string, Resource> => ({
  ...(templateOf(parley).toJSON() as { Resources: Record<string, Resource> }).Resources,
  ...(edgeTemplateOf(parley).toJSON() as { Resources: Record<string, Resource> }).Resources,
});

/** Every physical name the templates give, by logical id, unresolved. */
const namesOf = (parley: ParleyApp): Record<string, { kind: NameKind; value: unknown }> => {
  const names: Record<string, { kind: NameKind; value: unknown }> = {};
  for (const [id, resource] of Object.entries(resourcesOf(parley))) {
    const where = nameProperties[resource.Type];
    if (!where) continue;
    const value = where.path.reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], resource.Properties);
    if (value !== undefined) names[id] = { kind: where.kind, value };
  }
  return names;
};

const policiesOf = (parley: ParleyApp) =>
  Object.fromEntries(Object.entries(resourcesOf(parley)).map(([id, r]) => [id, [r.Type, r.DeletionPolicy, r.UpdateReplacePolicy]]));

const stackIdIn = (region: string, uuid: string) => `arn:aws:cloudformation:${region}:111122223333:stack/Parley-prod/${uuid}`;
const first = { stackId: stackIdIn('eu-west-1', '1c2fa620-982a-11e3-aff7-50e2416294e0'), region: 'eu-west-1' };
const retry = { stackId: stackIdIn('eu-west-1', '9d41b7e2-5c3a-4f0e-8b6d-2a7c9e10f311'), region: 'eu-west-1' };
const otherRegion = { stackId: first.stackId.replace('eu-west-1', 'eu-central-1'), region: 'eu-central-1' };

let once: ParleyApp;
let again: ParleyApp;
let central: ParleyApp;

beforeAll(() => {
  const context = { stage: 'prod', region: 'eu-west-1' };
  once = buildParleyApp({ context });
  again = buildParleyApp({ context });
  central = buildParleyApp({ context: { ...context, region: 'eu-central-1' } });
}, 180_000);

describe('physical names', () => {
  it('are the same, with the same retention, when the app is synthesized again with the same parameters', () => {
    expect(Object.keys(namesOf(once)).length).toBeGreaterThanOrEqual(9);
    expect(namesOf(again)).toEqual(namesOf(once));
    expect(policiesOf(again)).toEqual(policiesOf(once));
  });

  it('start with parley-<stage>-, are unique, and pass their service\'s rule once deployed', () => {
    const resolved = Object.values(namesOf(once)).map(({ kind, value }) => ({ kind, name: resolve(value, first) as string }));
    for (const { kind, name } of resolved) {
      expect(name, kind).toMatch(/^parley-prod-/);
      expect(nameProblems(name, nameRules[kind]), name).toEqual([]);
    }
    expect(new Set(resolved.map((r) => r.name)).size).toBe(resolved.length);
  });

  it('carry the region where the namespace spans regions, so one stage deploys to two regions', () => {
    const west = namesOf(once);
    const east = namesOf(central);
    for (const [id, { kind, value }] of Object.entries(west)) {
      if (!nameRules[kind].global) continue;
      expect(resolve(value, first), id).toContain('-eu-west-1-');
      // The same stack id in both regions (the worst case) still gives different names.
      expect(resolve(east[id]!.value, otherRegion), id).not.toBe(resolve(value, first));
    }
    expect(once.edge!.stackName).toBe('Parley-prod-edge-eu-west-1');
    expect(central.edge!.stackName).toBe('Parley-prod-edge-eu-central-1');
    expect(once.edge!.region).toBe(central.edge!.region);
  });

  it('of what outlives a failed deployment (documents bucket, backup vault) and of the sign-in domain change with the stack id', () => {
    const names = Object.values(namesOf(once));
    const documents = namesOf(once)[logicalIdOf(once.stack.storage.documents)]!;
    expect([resolve(documents.value, first), resolve(documents.value, retry)]).toEqual(['parley-prod-eu-west-1-docs-1c2fa620', 'parley-prod-eu-west-1-docs-9d41b7e2']);
    const vault = names.find(({ kind }) => kind === 'backupVault')!;
    expect([resolve(vault.value, first), resolve(vault.value, retry)]).toEqual(['parley-prod-backups-1c2fa620', 'parley-prod-backups-9d41b7e2']);
    const domain = names.find(({ kind }) => kind === 'signInDomain')!;
    expect([resolve(domain.value, first), resolve(domain.value, retry)]).toEqual(['parley-prod-1c2fa620', 'parley-prod-9d41b7e2']);
    // Every bucket the stack names has the suffix; the others get names from CloudFormation.
    for (const { kind, value } of names.filter((n) => n.kind === 'bucket')) expect(resolve(value, retry), kind).toMatch(/-9d41b7e2$/);
  });
});

describe('retention', () => {
  it('keeps only the tables and the user pool whatever happens; the rest is kept on deletion but not after a failed creation', () => {
    const resources = Object.entries(resourcesOf(once));
    const retainedTypes = new Set(resources.filter(([, r]) => r.DeletionPolicy === 'Retain').map(([, r]) => r.Type));
    expect([...retainedTypes].sort()).toEqual(['AWS::Cognito::UserPool', 'AWS::DynamoDB::Table']);
    const exceptOnCreate = resources.filter(([, r]) => r.DeletionPolicy === 'RetainExceptOnCreate');
    expect(new Set(exceptOnCreate.map(([, r]) => r.Type))).toEqual(new Set(['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::Backup::BackupVault']));
    for (const [id, r] of exceptOnCreate) expect(r.UpdateReplacePolicy, id).toBe('Retain');
    // Every KMS key, the backup vault and the documents and access-log buckets are among them.
    const { storage, backups } = once.stack;
    for (const c of [storage.documents, storage.accessLogs, storage.dataKey, storage.contentKey, storage.secretsKey, backups.vault]) {
      expect(resourcesOf(once)[logicalIdOf(c)]?.DeletionPolicy, c.node.path).toBe('RetainExceptOnCreate');
    }
    expect(resources.filter(([, r]) => r.Type === 'AWS::KMS::Key').every(([, r]) => r.DeletionPolicy === 'RetainExceptOnCreate')).toBe(true);
  });

  it('empties the assets bucket before deleting it (the deployment removes its files)', () => {
    const resources = Object.values(resourcesOf(once));
    const deployment = resources.find((r) => r.Type === 'Custom::CDKBucketDeployment');
    expect(deployment?.Properties?.RetainOnDelete).toBe(false);
    expect(resourcesOf(once)[logicalIdOf(once.stack.hosting.assets)]?.DeletionPolicy).toBe('Delete');
  });
});

describe('stage names', () => {
  const parametersFrom = (context: Record<string, unknown>) => readDeployParameters(new App({ context }).node);

  it('refuse a stage that puts a word Cognito reserves into the sign-in domain', () => {
    for (const stage of ['aws', 'my-aws-test', 'amazon', 'cognito-dev']) {
      const word = ['aws', 'amazon', 'cognito'].find((w) => stage.includes(w))!;
      expect(() => parametersFrom({ stage }), stage).toThrow(
        new RegExp(`stage: ${stage} in eu-west-1: the Cognito sign-in domain prefix parley-${stage}-ffffffff contains "${word}", which the service refuses`),
      );
    }
    expect(parametersFrom({ stage: 'prod-2' }).stage).toBe('prod-2');
  });

  it('are checked against every rule for every name, the longest region included', () => {
    expect(namingProblems('a'.repeat(20), 'ap-southeast-4')).toEqual([]);
    expect(namingProblems('dev', 'eu-west-1')).toEqual([]);
    // The rules themselves: too long, a character the service refuses.
    expect(nameProblems(`parley-${'x'.repeat(60)}`, nameRules.bucket)).toEqual([expect.stringMatching(/S3 bucket name .* is 67 characters; at most 63 are allowed/)]);
    expect(nameProblems('parley-dev_backups', nameRules.bucket)).toEqual([expect.stringMatching(/does not match/)]);
    expect(nameProblems('parley-dev.x', nameRules.backupVault)).toEqual([expect.stringMatching(/AWS Backup vault name parley-dev\.x does not match/)]);
  });
});
