// The Bedrock grants, decided by the offline IAM simulator against the synthesized
// stack (built with the integration platforms' approved models): what the recorded
// calls need is allowed, and what they must not do is denied.
import { beforeAll, describe, expect, it } from 'vitest';
import type { IamRequest } from './iam-requests.ts';
import { decide } from './simulate.ts';
import { ACCOUNT, REGION, readStackIam, type StackIam } from './stack-policies.ts';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const PROFILE = `arn:aws:bedrock:${REGION}:${ACCOUNT}:inference-profile/eu.${SONNET}`;
const model = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;

let iam: StackIam;
beforeAll(() => {
  iam = readStackIam();
}, 180_000);

const allowed = async (fn: 'chat-stream' | 'ingest' | 'admin-api' | 'widget-api', request: IamRequest) =>
  (await decide({ kind: 'function', functionName: fn, role: iam.functionRoles.get(fn)! }, request)).allowed;
const stream = (resource: string, context: IamRequest['context'] = {}): IamRequest => ({ action: 'bedrock:InvokeModelWithResponseStream', resource, context });
const invoke = (resource: string): IamRequest => ({ action: 'bedrock:InvokeModel', resource, context: {} });

describe('Bedrock under the stack\'s policies', () => {
  it('lets chat answer on the EU profile, and reach its model in an EU region through it', async () => {
    expect(await allowed('chat-stream', stream(PROFILE))).toBe(true);
    expect(await allowed('chat-stream', stream(model('eu-north-1', SONNET), { 'bedrock:InferenceProfileArn': PROFILE }))).toBe(true);
    expect(await allowed('chat-stream', stream(model(REGION, 'amazon.nova-lite-v1:0')))).toBe(true);
  });

  it('denies the profile\'s model called directly, outside the EU, or another model', async () => {
    expect(await allowed('chat-stream', stream(model('eu-north-1', SONNET)))).toBe(false);
    expect(await allowed('chat-stream', stream(model('us-east-1', SONNET), { 'bedrock:InferenceProfileArn': PROFILE }))).toBe(false);
    expect(await allowed('chat-stream', stream(model(REGION, 'meta.llama3-3-70b-instruct-v1:0')))).toBe(false);
    expect(await allowed('chat-stream', invoke(model(REGION, 'amazon.nova-lite-v1:0')))).toBe(false);
  });

  it('lets chat and ingest embed with Titan, and nobody else call Bedrock', async () => {
    const titan = invoke(model(REGION, 'amazon.titan-embed-text-v2:0'));
    expect(await allowed('chat-stream', titan)).toBe(true);
    expect(await allowed('ingest', titan)).toBe(true);
    expect(await allowed('ingest', stream(PROFILE))).toBe(false);
    expect(await allowed('admin-api', titan)).toBe(false);
    expect(await allowed('widget-api', stream(PROFILE))).toBe(false);
  });

  it('lets chat and ingest embed with the approved Cohere Embed v3, and not with the one not approved', async () => {
    const approved = invoke(model(REGION, 'cohere.embed-multilingual-v3'));
    expect(await allowed('chat-stream', approved)).toBe(true);
    expect(await allowed('ingest', approved)).toBe(true);
    expect(await allowed('ingest', invoke(model(REGION, 'cohere.embed-english-v3')))).toBe(false);
    expect(await allowed('chat-stream', stream(model(REGION, 'cohere.embed-multilingual-v3')))).toBe(false);
  });
});
