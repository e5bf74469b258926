// Least privilege for Amazon Bedrock in the synthesized stack: the approved models and
// profiles only, one action per use, no bedrock:* and no wildcard model; a profile's
// foundation model only in its geography's regions and only through the profile; and
// cdk-nag finds nothing to acknowledge.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { bedrockStatements as statementsFor, grantBedrock } from '../../infra/constructs/bedrock-access.ts';
import type { ParleyFunction } from '../../infra/constructs/parley-function.ts';
import { buildParleyApp, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

const SONNET_EU = 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-embed-text-v2:0';

interface Statement { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> }

let parley: ParleyApp;
let statements: Array<{ policy: string; statement: Statement }>;
beforeAll(() => {
  parley = buildParleyApp({ context: { bedrockModels: `${SONNET_EU},amazon.nova-lite-v1:0,${TITAN}` } });
  const template = templateOf(parley);
  statements = Object.entries(resourcesOfType(template, 'AWS::IAM::Policy')).flatMap(([id, resource]) =>
    ((resource.Properties?.PolicyDocument as { Statement: Statement[] }).Statement).map((statement) => ({ policy: id, statement })));
}, 120_000);

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const bedrockStatements = () => statements.filter((s) => actionsOf(s.statement).some((a) => a.startsWith('bedrock:')));
/** An ARN as text, with CloudFormation's joins, partition and account written plainly. */
const flat = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref === 'AWS::Partition') return 'aws';
  if (v.Ref === 'AWS::AccountId') return 'ACCOUNT';
  if (v['Fn::Join']) return v['Fn::Join'][1].map(flat).join(v['Fn::Join'][0]);
  throw new Error(`unexpected ${JSON.stringify(value)}`);
};
const resourcesOf = (s: Statement): string[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(flat);

describe('Bedrock permissions', () => {
  it('are only bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream, on named models', () => {
    const found = bedrockStatements();
    expect(found.length).toBeGreaterThan(0);
    for (const { statement } of found) {
      expect(actionsOf(statement).every((a) => a === 'bedrock:InvokeModel' || a === 'bedrock:InvokeModelWithResponseStream')).toBe(true);
      for (const resource of resourcesOf(statement)) {
        expect(resource).toMatch(/^arn:aws:bedrock:[a-z0-9-]*:(ACCOUNT)?:(foundation-model|inference-profile)\/[a-z]/);
        expect(resource).not.toContain('*');
      }
    }
  });

  it('let the chat function answer on the approved profile and model, and nothing else', () => {
    const answering = bedrockStatements().filter((s) => actionsOf(s.statement).includes('bedrock:InvokeModelWithResponseStream'));
    expect(new Set(answering.map((s) => s.policy)).size).toBe(1);
    expect(answering[0]!.policy).toMatch(/^Chat/);
    const direct = answering.find((s) => !s.statement.Condition)!;
    expect(resourcesOf(direct.statement).sort()).toEqual([
      'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0',
      'arn:aws:bedrock:eu-west-1:ACCOUNT:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
  });

  it('reach a profile\'s model in EU regions only, and only through that profile', () => {
    const via = bedrockStatements().filter((s) => s.statement.Condition);
    expect(via).toHaveLength(1);
    const regions = resourcesOf(via[0]!.statement).map((r) => /^arn:aws:bedrock:([a-z0-9-]+)::foundation-model\/anthropic\.claude-sonnet-4-5-20250929-v1:0$/.exec(r)?.[1]);
    expect(regions.every((r) => r?.startsWith('eu-'))).toBe(true);
    expect(regions).toContain('eu-north-1');
    expect(flat(via[0]!.statement.Condition?.StringEquals?.['bedrock:InferenceProfileArn'])).toBe(`arn:aws:bedrock:eu-west-1:ACCOUNT:inference-profile/${SONNET_EU}`);
  });

  it('let the chat and ingest functions embed with Titan, and no other function call Bedrock', () => {
    const embedding = bedrockStatements().filter((s) => actionsOf(s.statement).includes('bedrock:InvokeModel'));
    expect(embedding.map((s) => s.policy.replace(/Function.*$/, '')).sort()).toEqual(['Chat', 'Ingest']);
    for (const { statement } of embedding) expect(resourcesOf(statement)).toEqual([`arn:aws:bedrock:eu-west-1::foundation-model/${TITAN}`]);
  });

  it('grant Cohere Embed v3 for embedding to the functions that embed, only when approved', () => {
    const stack = new Stack(new App(), 'Grants', { env: { account: '123456789012', region: 'eu-west-1' } });
    // The grant reads only a function's role.
    const user = (id: string) => ({ role: new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }) }) as unknown as ParleyFunction;
    grantBedrock(stack, ['amazon.nova-lite-v1:0', 'cohere.embed-multilingual-v3'], { chat: [user('Chat')], embedding: [user('Ingest')] });

    const granted = Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(([id, r]) =>
      ((r.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement).map((st) => [id.replace(/DefaultPolicy.*$/, ''), actionsOf(st).join(), resourcesOf(st).join()]));
    expect(granted.sort()).toEqual([
      ['Chat', 'bedrock:InvokeModel', 'arn:aws:bedrock:eu-west-1::foundation-model/cohere.embed-multilingual-v3'],
      ['Chat', 'bedrock:InvokeModelWithResponseStream', 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0'],
      ['Ingest', 'bedrock:InvokeModel', 'arn:aws:bedrock:eu-west-1::foundation-model/cohere.embed-multilingual-v3'],
    ]);
  });

  it('grant a profile or foundation model given as an ARN exactly as its id', () => {
    const stack = new Stack(new App(), 'Arns', { env: { account: '123456789012', region: 'eu-west-1' } });
    // The stack's partition and account written plainly, so an id's grant and its ARN's compare.
    const plainly = (_key: string, value: unknown): unknown => {
      const v = value as { Ref?: string; 'Fn::Join'?: [string, string[]] } | null;
      if (v?.Ref === 'AWS::Partition') return 'aws';
      if (v?.Ref === 'AWS::AccountId') return '123456789012';
      return v?.['Fn::Join'] ? v['Fn::Join'][1].join(v['Fn::Join'][0]) : value;
    };
    const flatJoins = (models: string[]) => {
      const resolved: unknown = stack.resolve(statementsFor(stack, models, 'bedrock:InvokeModelWithResponseStream', 'Answers').map((st) => st.toStatementJson() as unknown));
      return JSON.stringify(JSON.parse(JSON.stringify(resolved), plainly));
    };
    const byId = flatJoins([SONNET_EU, 'global.amazon.nova-2-lite-v1:0', 'amazon.nova-lite-v1:0']);
    const byArn = flatJoins([
      `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/${SONNET_EU}`,
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/global.amazon.nova-2-lite-v1:0',
      'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0',
    ]);
    expect(byArn).toBe(byId);
    expect(byId).toContain('"bedrock:InferenceProfileArn":"arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic');
    expect(byId).toContain('arn:aws:bedrock:eu-north-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  it('refuse an application inference profile at deploy, whose models cannot be known', () => {
    const application = 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
    expect(() => buildParleyApp({ context: { bedrockModels: application } })).toThrow(/bedrockModels: .*application inference profile/);
    const stack = new Stack(new App(), 'Application', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => statementsFor(stack, [application], 'bedrock:InvokeModel', 'Embeddings')).toThrow(/application inference profile/);
  });

  it('are absent without approved models', () => {
    const plain = templateOf(buildParleyApp());
    const all = JSON.stringify(resourcesOfType(plain, 'AWS::IAM::Policy'));
    expect(all).not.toContain('bedrock:');
  });

  it('give cdk-nag nothing to find', () => {
    const findings = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
      pack.validateScope(parley.app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)));
    expect(findings).toEqual([]);
  });

  it('refuse, under eu residency, a model served outside the EU', () => {
    expect(() => buildParleyApp({ context: { residency: 'eu', bedrockModels: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } })).toThrow(/bedrockModels: .*us\.anthropic/);
  });
});
