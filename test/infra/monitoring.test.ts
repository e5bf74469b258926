// Alarms an operator must hear about: every function's errors and throttles, and any
// ingest message that gave up; to an encrypted topic, e-mailed when alarmEmail is set.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { ParleyFunction } from '../../infra/constructs/parley-function.ts';
import type { IConstruct } from 'constructs';
import { buildParleyApp, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

let parley: ParleyApp;
let template: Template;

beforeAll(() => {
  parley = buildParleyApp({ context: { alarmEmail: 'ops@example.com', spendAlarmUsdPerHour: 2.5 } });
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
    for (const queue of [parley.stack.ingest.deadLetterQueue, parley.stack.exports.deadLetterQueue]) {
      const dlq = alarms().find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions).includes(logicalIdOf(queue)));
      expect(dlq, queue.node.path).toMatchObject({ Threshold: 1, AlarmActions: [topic] });
    }
  });

  it('encrypts the topic, refuses it without TLS, and e-mails the operator', () => {
    expect(propertiesOf(template, parley.stack.monitoring.topic).KmsMasterKeyId).toBeDefined();
    const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'));
    expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
    const subscriptions = Object.values(resourcesOfType(template, 'AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toEqual([expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com' })]);
  });

  interface RuleBody {
    Schema: { Name: string; Version: number };
    LogGroupNames: unknown[];
    LogFormat: string;
    Contribution: { Keys: string[]; ValueOf?: string; Filters: Array<Record<string, unknown>> };
    AggregateOn: string;
  }
  const ruleBody = (watched: { rule: IConstruct }): RuleBody => {
    const body = propertiesOf(template, watched.rule).RuleBody;
    // The body is JSON text with the log group names spliced in: resolve them to their Refs for reading.
    const text = typeof body === 'string' ? body : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, "'"))).join('');
    return JSON.parse(text) as RuleBody;
  };
  const alarmOf = (watched: { alarm: IConstruct }) => propertiesOf(template, watched.alarm) as {
    Metrics: Array<{ Expression?: string; Period?: number }>; Threshold: number; ComparisonOperator: string; AlarmActions: unknown[];
  };
  const refused = [{ Match: '$.message', In: ['request'] }, { Match: '$.status', In: [401, 403, 404] }];

  it('reads every function\'s log group as JSON in each Contributor Insights rule', () => {
    const { monitoring } = parley.stack;
    const groups = parley.stack.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction).map((fn) => `{'Ref':'${logicalIdOf(fn.logGroup)}'}`);
    for (const watched of [monitoring.refusedBySource, monitoring.refusedByAccount, monitoring.exportsByAccount, monitoring.spendByAccount]) {
      const body = ruleBody(watched);
      expect(body.Schema).toEqual({ Name: 'CloudWatchLogRule', Version: 1 });
      expect(body.LogFormat).toBe('JSON');
      expect(body.LogGroupNames.sort()).toEqual(groups.sort());
      expect(propertiesOf(template, watched.rule).RuleState).toBe('ENABLED');
    }
  });

  it('alarms on refused requests from one source (>100 in 5 minutes) and against one account', () => {
    const { refusedBySource, refusedByAccount } = parley.stack.monitoring;
    expect(ruleBody(refusedBySource)).toMatchObject({ Contribution: { Keys: ['$.source'], Filters: refused }, AggregateOn: 'Count' });
    expect(ruleBody(refusedByAccount)).toMatchObject({ Contribution: { Keys: ['$.accountId'], Filters: expect.arrayContaining(refused) as unknown }, AggregateOn: 'Count' });
    for (const watched of [refusedBySource, refusedByAccount]) {
      const ruleName = propertiesOf(template, watched.rule).RuleName as string;
      expect(alarmOf(watched)).toMatchObject({
        Metrics: [{ Expression: `INSIGHT_RULE_METRIC('${ruleName}', 'MaxContributorValue')`, Period: 300 }],
        Threshold: 100,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: logicalIdOf(parley.stack.monitoring.topic) }],
      });
    }
  });

  it('alarms on more than 5 exports of one account in an hour', () => {
    const { exportsByAccount } = parley.stack.monitoring;
    expect(ruleBody(exportsByAccount)).toMatchObject({ Contribution: { Keys: ['$.accountId'], Filters: [{ Match: '$.message', In: ['export'] }] }, AggregateOn: 'Count' });
    expect(alarmOf(exportsByAccount)).toMatchObject({ Metrics: [{ Period: 3600 }], Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('alarms when one account\'s summed costMicros in an hour passes spendAlarmUsdPerHour × 10⁶', () => {
    const { spendByAccount } = parley.stack.monitoring;
    expect(ruleBody(spendByAccount)).toMatchObject({
      Contribution: { Keys: ['$.accountId'], ValueOf: '$.costMicros', Filters: [{ Match: '$.message', In: ['spend'] }] },
      AggregateOn: 'Sum',
    });
    expect(alarmOf(spendByAccount)).toMatchObject({ Metrics: [{ Period: 3600 }], Threshold: 2_500_000, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('sums every spend line, of answers and of embedding in chat and ingest, into a metric and alarms when total spend leaves its anomaly band', () => {
    const filters = Object.values(resourcesOfType(template, 'AWS::Logs::MetricFilter')).map((f) => f.Properties)
      .filter((f) => JSON.stringify(f?.MetricTransformations).includes('SpendMicros'));
    const spendFilter = (logGroup: Parameters<typeof logicalIdOf>[0]) => expect.objectContaining({
      LogGroupName: { Ref: logicalIdOf(logGroup) },
      FilterPattern: '{ $.message = "spend" }',
      MetricTransformations: [expect.objectContaining({ MetricName: 'SpendMicros', MetricValue: '$.costMicros', MetricNamespace: 'Parley/Parley-dev' })],
    }) as unknown;
    expect(filters).toHaveLength(2);
    expect(filters).toEqual(expect.arrayContaining([spendFilter(parley.stack.chat.function.logGroup), spendFilter(parley.stack.ingest.function.logGroup)]));
    const anomaly = propertiesOf(template, parley.stack.monitoring.spendAnomaly) as { Metrics: Array<{ Expression?: string; Id: string }>; ThresholdMetricId: string; ComparisonOperator: string; AlarmActions: unknown[] };
    expect(anomaly.ComparisonOperator).toBe('GreaterThanUpperThreshold');
    const band = anomaly.Metrics.find((m) => m.Id === anomaly.ThresholdMetricId);
    expect(band?.Expression).toMatch(/^ANOMALY_DETECTION_BAND\(\w+, 3\)$/);
    expect(anomaly.AlarmActions).toEqual([{ Ref: logicalIdOf(parley.stack.monitoring.topic) }]);
  });

  it('counts every event a function could not queue, from its log line, and alarms on the first', () => {
    const publishers = [parley.stack.api.widgetFunction, parley.stack.chat.function, parley.stack.ingest.function, parley.stack.api.adminFunction];
    const filters = Object.values(resourcesOfType(template, 'AWS::Logs::MetricFilter')).map((f) => f.Properties!)
      .filter((f) => JSON.stringify(f.MetricTransformations).includes('EventsNotQueued'));
    expect(filters.map((f) => f.LogGroupName).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))))
      .toEqual(publishers.map((fn) => ({ Ref: logicalIdOf(fn.logGroup) })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
    for (const f of filters) {
      expect(f).toMatchObject({
        FilterPattern: '{ $.message = "event not queued" }',
        MetricTransformations: [{ MetricName: 'EventsNotQueued', MetricValue: '1', MetricNamespace: 'Parley/Parley-dev' }],
      });
    }
    const alarm = alarms().find((a) => a.MetricName === 'EventsNotQueued');
    expect(alarm).toMatchObject({
      Namespace: 'Parley/Parley-dev', Statistic: 'Sum', Period: 300, Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalIdOf(parley.stack.monitoring.topic) }],
    });
  });

  it('shows the ranked rules and total spend on the dashboard', () => {
    const body = JSON.stringify(propertiesOf(template, parley.stack.monitoring.dashboard).DashboardBody);
    for (const name of ['RefusedBySource', 'RefusedByAccount', 'ExportsByAccount', 'SpendByAccount']) expect(body).toContain(`INSIGHT_RULE_METRIC('Parley-dev-${name}'`);
    expect(body).toContain('SpendMicros');
  });
});
