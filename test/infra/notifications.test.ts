// Notifications in the stack: the notify queue (encrypted, with a dead-letter queue that
// alarms) fed by the functions where events arise, and the notify function, which may send e-mail from
// the operator's SES identity and from no other, and only when one is given.
import { describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { DIGEST_HOUR_UTC } from '../../lambdas/core/digest.ts';
import { buildParleyApp, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

type Statement = { Sid?: string; Action: unknown; Resource: unknown };

const statementsOf = (parley: ParleyApp): Statement[] =>
  Object.values(resourcesOfType(templateOf(parley), 'AWS::IAM::Policy'))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.map((s) => ({ ...s, roles: JSON.stringify(p.Properties?.Roles) })));

const variablesOf = (parley: ParleyApp, fn: ParleyApp['stack']['notifications']['function']) =>
  (propertiesOf(templateOf(parley), fn.function).Environment as { Variables: Record<string, unknown> }).Variables;

describe('notifications', () => {
  it('grant ses:SendEmail on the sender identity alone, to the notify function alone', () => {
    const parley = buildParleyApp({ context: { sesSenderIdentity: 'Example.COM' } });
    const ses = statementsOf(parley).filter((s) => JSON.stringify(s.Action).includes('ses:'));
    const identity = { 'Fn::Join': ['', ['arn:aws:ses:eu-west-1:', { Ref: 'AWS::AccountId' }, ':identity/example.com']] };
    expect(ses).toEqual([expect.objectContaining({ Action: 'ses:SendEmail', Resource: identity, roles: JSON.stringify([{ Ref: logicalIdOf(parley.stack.notifications.function.role) }]) })]);
    expect(variablesOf(parley, parley.stack.notifications.function)).toMatchObject({ PARLEY_SES_SENDER: 'notifications@example.com', PARLEY_SES_IDENTITY_ARN: identity });
  });

  it('send from an address identity as that address', () => {
    const parley = buildParleyApp({ context: { sesSenderIdentity: 'help@example.com' } });
    expect(variablesOf(parley, parley.stack.notifications.function).PARLEY_SES_SENDER).toBe('help@example.com');
  });

  it('leave e-mail off, with no SES permission at all, without a sender identity', () => {
    const parley = buildParleyApp();
    expect(JSON.stringify(statementsOf(parley))).not.toContain('ses:');
    expect(variablesOf(parley, parley.stack.notifications.function)).not.toHaveProperty('PARLEY_SES_SENDER');
  });

  it('start the daily digest once a day in the notify function, with the scheduled event itself as input', () => {
    const parley = buildParleyApp();
    const rule = propertiesOf(templateOf(parley), parley.stack.notifications.digestSchedule) as { ScheduleExpression: string; State: string; Targets: Array<{ Arn: unknown; Input?: unknown; RetryPolicy?: unknown }> };
    expect(rule.ScheduleExpression).toBe(`cron(0 ${DIGEST_HOUR_UTC} * * ? *)`);
    expect(rule.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [logicalIdOf(parley.stack.notifications.function.function), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } })]);
    expect(rule.Targets[0]!.Input).toBeUndefined();
    const permissions = Object.values(resourcesOfType(templateOf(parley), 'AWS::Lambda::Permission')).map((p) => p.Properties!)
      .filter((p) => p.Principal === 'events.amazonaws.com' && JSON.stringify(p.SourceArn).includes(logicalIdOf(parley.stack.notifications.digestSchedule)));
    expect(permissions).toEqual([expect.objectContaining({ Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [logicalIdOf(parley.stack.notifications.function.function), 'Arn'] } })]);
  });

  it('refuse a sender identity that is neither a domain nor an address', () => {
    expect(() => buildParleyApp({ context: { sesSenderIdentity: 'not an identity' } })).toThrow(/sesSenderIdentity: /);
  });

  it('queue events from the functions where they arise and webhook attempts from the notify function, on an encrypted queue whose dead letters alarm', () => {
    const parley = buildParleyApp();
    const template = templateOf(parley);
    const { queue, deadLetterQueue } = parley.stack.notifications;
    const queueProps = propertiesOf(template, queue);
    expect(queueProps).toMatchObject({ QueueName: 'Parley-dev-notify', SqsManagedSseEnabled: true, RedrivePolicy: { maxReceiveCount: 5 } });
    const senders = statementsOf(parley).filter((s) => JSON.stringify(s.Action).includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(logicalIdOf(queue)));
    expect(senders.map((s) => (s as Statement & { roles: string }).roles).sort()).toEqual(
      [parley.stack.api.widgetFunction, parley.stack.chat.function, parley.stack.ingest.function, parley.stack.api.adminFunction, parley.stack.notifications.function]
        .map((fn) => JSON.stringify([{ Ref: logicalIdOf(fn.role) }])).sort(),
    );
    for (const fn of [parley.stack.api.widgetFunction, parley.stack.chat.function, parley.stack.ingest.function, parley.stack.api.adminFunction]) {
      expect(variablesOf(parley, fn).PARLEY_NOTIFY_QUEUE_URL).toBeDefined();
    }
    // The sweeper reads keys only and raises nothing.
    expect(variablesOf(parley, parley.stack.sweeper.function)).not.toHaveProperty('PARLEY_NOTIFY_QUEUE_URL');
    const alarm = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'))
      .find((a) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties.Dimensions).includes(logicalIdOf(deadLetterQueue)));
    expect(alarm?.Properties).toMatchObject({ Threshold: 1 });
    expect(variablesOf(parley, parley.stack.notifications.function).PARLEY_PANEL_URL).toBeDefined();
  });
});
