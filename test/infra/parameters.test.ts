import { App, Token } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readDeployParameters } from '../../infra/parameters.ts';
import { buildParleyApp, cdkJsonContext, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

const parametersFrom = (context: Record<string, unknown>) => readDeployParameters(new App({ context }).node);
const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

const defaults = {
  region: 'eu-west-1',
  stage: 'dev',
  logRetentionDays: 30,
  allowedProviders: ['openai', 'anthropic', 'openai-compatible', 'bedrock'],
  conversationRetentionDays: 90,
  residency: 'none',
  selfSignUp: false,
  spendAlarmUsdPerHour: 5,
  ingestConcurrency: 5,
  waf: true,
};

describe('deploy parameters', () => {
  it('come from cdk.json: eu-west-1, stage dev, a month of logs, no alarm e-mail, every provider, WAF on', () => {
    expect(parametersFrom(cdkJsonContext())).toEqual(defaults);
  });

  it('fall back to the same defaults when the context has none', () => {
    expect(parametersFrom({})).toEqual(defaults);
  });

  it('accept -c values, which arrive as strings (lists as a,b; objects as JSON; booleans as true/false)', () => {
    expect(
      parametersFrom({
        region: 'eu-central-1', stage: 'prod', logRetentionDays: '14', alarmEmail: 'ops@example.com',
        domain: 'chat.example.com', certificateArn, allowedProviders: 'openai, anthropic',
        platformKeySecrets: '{"openai":"parley/openai"}', conversationRetentionDays: '0', residency: 'eu',
        selfSignUp: 'true', spendAlarmUsdPerHour: '2.5', ingestConcurrency: '10', waf: 'false',
        reservedConcurrency: '{"ingest":10,"chat-stream":20}',
      }),
    ).toEqual({
      region: 'eu-central-1', stage: 'prod', logRetentionDays: 14, alarmEmail: 'ops@example.com',
      domain: 'chat.example.com', certificateArn, allowedProviders: ['openai', 'anthropic'],
      platformKeySecrets: { openai: 'parley/openai' }, conversationRetentionDays: 0, residency: 'eu',
      selfSignUp: true, spendAlarmUsdPerHour: 2.5, ingestConcurrency: 10, waf: false,
      reservedConcurrency: { ingest: 10, 'chat-stream': 20 },
    });
  });

  it('accept lists and objects from cdk.json as they are', () => {
    expect(parametersFrom({ allowedProviders: ['anthropic'], platformKeySecrets: { anthropic: 'parley/anthropic' } })).toMatchObject({
      allowedProviders: ['anthropic'], platformKeySecrets: { anthropic: 'parley/anthropic' },
    });
  });

  it('reject bad values, naming every one', () => {
    const bad = {
      region: 'Ireland', stage: 'Prod!', logRetentionDays: 31, alarmEmail: 'ops', allowedProviders: 'openai,gemini',
      conversationRetentionDays: 4000, residency: 'mars', selfSignUp: 'yes', spendAlarmUsdPerHour: -1, ingestConcurrency: 0,
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
    };
    expect(() => parametersFrom(bad)).toThrow(
      /region: .*stage: .*logRetentionDays: .*alarmEmail: .*certificateArn: expected an ACM certificate ARN in us-east-1.*allowedProviders\.1: .*conversationRetentionDays: .*residency: .*selfSignUp: expected true or false.*spendAlarmUsdPerHour: .*ingestConcurrency: /,
    );
  });

  it('refuse a domain without its certificate, EU residency outside the EU, and a key for a provider not allowed', () => {
    expect(() => parametersFrom({ domain: 'chat.example.com' })).toThrow(/certificateArn: domain and certificateArn are given together or not at all/);
    expect(() => parametersFrom({ certificateArn })).toThrow(/domain: domain and certificateArn are given together/);
    expect(() => parametersFrom({ residency: 'eu', region: 'us-east-1' })).toThrow(/residency: residency eu needs an eu-\* region, not us-east-1/);
    expect(() => parametersFrom({ allowedProviders: 'openai', platformKeySecrets: '{"anthropic":"parley/anthropic"}' })).toThrow(/platformKeySecrets\.anthropic: anthropic is not in allowedProviders/);
    expect(() => parametersFrom({ platformKeySecrets: '{"openai":"bad name!"}' })).toThrow(/platformKeySecrets\.openai: expected a Secrets Manager secret name/);
    expect(() => parametersFrom({ platformKeySecrets: '{"openai-compatible":"x"}' })).toThrow(/platformKeySecrets/);
    expect(() => parametersFrom({ platformKeySecrets: 'not json' })).toThrow(/platformKeySecrets: /);
    expect(() => parametersFrom({ reservedConcurrency: '{"ingest":3}' })).toThrow(/reservedConcurrency\.ingest: 3 is below ingestConcurrency \(5\): the queue would be throttled/);
    expect(() => parametersFrom({ reservedConcurrency: '{"chat":5}' })).toThrow(/reservedConcurrency\.chat: not a function: expected one of admin-api, widget-api, chat-stream, ingest, account-export, notify, sweeper/);
    expect(() => parametersFrom({ reservedConcurrency: '{"sweeper":0}' })).toThrow(/reservedConcurrency\.sweeper: /);
    expect(() => parametersFrom({ reservedConcurrency: '{"sweeper":1.5}' })).toThrow(/reservedConcurrency\.sweeper: expected a whole number/);
    expect(() => buildParleyApp({ context: { residency: 'eu', region: 'us-west-2' } })).toThrow(/Invalid Parley deploy parameters \(CDK context\): residency: /);
  });

  it('name the stack after the stage and place it in the region, leaving the account to deploy time', () => {
    const { stack } = buildParleyApp({ context: { stage: 'prod', region: 'eu-central-1' } });
    expect(stack.stackName).toBe('Parley-prod');
    expect(stack.region).toBe('eu-central-1');
    expect(Token.isUnresolved(stack.account)).toBe(true);
  });

  it('reach every function as variables, and let the four functions that call providers read exactly the named key secrets', () => {
    const parley = buildParleyApp({
      context: { allowedProviders: 'openai,anthropic', platformKeySecrets: '{"openai":"parley/openai","anthropic":"parley/anthropic"}', residency: 'eu', conversationRetentionDays: 7 },
    });
    const template = templateOf(parley);
    const functions = Object.values(resourcesOfType(template, 'AWS::Lambda::Function'))
      .map((f) => f.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)
      .filter((e) => e?.Variables.PARLEY_STAGE === 'aws');
    expect(functions).toHaveLength(7);
    for (const env of functions) {
      expect(env?.Variables).toMatchObject({
        PARLEY_RESIDENCY: 'eu',
        PARLEY_ALLOWED_PROVIDERS: 'openai,anthropic',
        PARLEY_PLATFORM_KEY_SECRETS: '{"openai":"parley/openai","anthropic":"parley/anthropic"}',
        PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS: '7',
      });
    }
    const secretArn = (name: string) => ({ 'Fn::Join': ['', ['arn:aws:secretsmanager:eu-west-1:', { Ref: 'AWS::AccountId' }, `:secret:${name}-??????`]] });
    for (const fn of [parley.stack.api.adminFunction, parley.stack.api.widgetFunction, parley.stack.chat.function, parley.stack.ingest.function, parley.stack.exports.function, parley.stack.notifications.function, parley.stack.sweeper.function]) {
      const statements = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties?.Roles).includes(JSON.stringify({ Ref: logicalIdOf(fn.role) })))
        .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement)
        .filter((s) => JSON.stringify(s.Action).includes('secretsmanager:'));
      // Neither the sweeper, an export nor a notification calls a model provider.
      if (fn.handlerName === 'sweeper' || fn.handlerName === 'account-export' || fn.handlerName === 'notify') expect(statements, fn.handlerName).toEqual([]);
      else expect(statements, fn.handlerName).toEqual([expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: expect.arrayContaining([secretArn('parley/openai'), secretArn('parley/anthropic')]) as unknown })]);
    }
  });

  it('leave PARLEY_PLATFORM_KEY_SECRETS out, and grant no secret, when none is named', () => {
    const parley = buildParleyApp();
    const template = templateOf(parley);
    expect((propertiesOf(template, parley.stack.chat.function.function).Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty('PARLEY_PLATFORM_KEY_SECRETS');
    expect(JSON.stringify(resourcesOfType(template, 'AWS::IAM::Policy'))).not.toContain('secretsmanager:GetSecretValue');
  });
});
