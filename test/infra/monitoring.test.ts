// Alarms an operator must hear about: every function's errors and throttles, and any
// ingest message that gave up; to an encrypted topic, e-mailed when alarmEmail is set.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { ParleyFunction } from '../../infra/constructs/parley-function.ts';
import { buildParleyApp, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

let parley: ParleyApp;
let template: Template;

beforeAll(() => {
  parley = buildParleyApp({ context: { alarmEmail: 'ops@example.com' } });
  template = templateOf(parley);
}, 60_000);

describe('monitoring', () => {
  const alarms = () => Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as Record<string, unknown>);

  it('alarms on every function’s errors and throttles, and on dead letters, to the topic', () => {
    const functions = parley.stack.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction);
    const topic = { Ref: logicalIdOf(parley.stack.monitoring.topic) };
    for (const fn of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        const alarm = alarms().find((a) => a.MetricName === metric && JSON.stringify(a.Dimensions).includes(logicalIdOf(fn.function)));
        expect({ fn: fn.handlerName, metric, actions: alarm?.AlarmActions }).toEqual({ fn: fn.handlerName, metric, actions: [topic] });
      }
    }
    const dlq = alarms().find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(JSON.stringify(dlq?.Dimensions)).toContain(logicalIdOf(parley.stack.ingest.deadLetterQueue));
    expect(dlq).toMatchObject({ Threshold: 1, AlarmActions: [topic] });
  });

  it('encrypts the topic, refuses it without TLS, and e-mails the operator', () => {
    expect(propertiesOf(template, parley.stack.monitoring.topic).KmsMasterKeyId).toBeDefined();
    const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'));
    expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
    const subscriptions = Object.values(resourcesOfType(template, 'AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toEqual([expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com' })]);
  });
});
