import { App, Token } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readDeployParameters } from '../../infra/parameters.ts';
import { buildParleyApp, cdkJsonContext } from './fixtures/parley-app.ts';

const parametersFrom = (context: Record<string, unknown>) => readDeployParameters(new App({ context }).node);

describe('deploy parameters', () => {
  it('come from cdk.json: eu-west-1, stage dev, a month of logs, no alarm e-mail', () => {
    expect(parametersFrom(cdkJsonContext())).toEqual({ region: 'eu-west-1', stage: 'dev', logRetentionDays: 30 });
  });

  it('fall back to the same defaults when the context has none', () => {
    expect(parametersFrom({})).toEqual({ region: 'eu-west-1', stage: 'dev', logRetentionDays: 30 });
  });

  it('accept -c values, which arrive as strings', () => {
    expect(
      parametersFrom({ region: 'eu-central-1', stage: 'prod', logRetentionDays: '14', alarmEmail: 'ops@example.com' }),
    ).toEqual({ region: 'eu-central-1', stage: 'prod', logRetentionDays: 14, alarmEmail: 'ops@example.com' });
  });

  it('reject bad values, naming every one', () => {
    const bad = { region: 'Ireland', stage: 'Prod!', logRetentionDays: 31, alarmEmail: 'ops' };
    expect(() => parametersFrom(bad)).toThrow(/region: .*stage: .*logRetentionDays: .*alarmEmail: /);
  });

  it('name the stack after the stage and place it in the region, leaving the account to deploy time', () => {
    const { stack } = buildParleyApp({ context: { stage: 'prod', region: 'eu-central-1' } });
    expect(stack.stackName).toBe('Parley-prod');
    expect(stack.region).toBe('eu-central-1');
    expect(Token.isUnresolved(stack.account)).toBe(true);
  });
});
