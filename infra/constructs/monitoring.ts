/**
 * Monitoring: alarms on what an operator must hear about — any function's errors
 * or throttles, and any ingest message that reached the dead-letter queue (a
 * document whose ingestion gave up) — sent to an encrypted SNS topic, by e-mail
 * when the deploy parameter `alarmEmail` is set; and a dashboard of the same.
 *
 * Attack and spend alarms read the functions' own JSON log lines (see
 * the shapes below) through Contributor Insights rules, which
 * rank contributors (a source address, an account) without a metric per
 * contributor, and alarm on the top contributor's value.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_NOT_QUEUED } from '../../lambdas/adapters/sqs/event-queue.ts';
import type { ParleyFunction } from './parley-function.ts';

export interface MonitoringProps {
  /** Every Parley function, each watched for errors and throttles. */
  readonly functions: readonly ParleyFunction[];
  /** Dead-letter queues, each with what a message there means (the ingest queue's: a document that could not be ingested). */
  readonly deadLetterQueues: ReadonlyArray<{ readonly queue: sqs.IQueue; readonly description: string }>;
  /**
   * Where alarms are e-mailed.
   * @default - no subscription; the topic is there for the operator to subscribe to
   */
  readonly alarmEmail?: string;
  /**
   * One account's model spend in one hour that raises the spend alarm, in US dollars.
   * @default 5
   */
  readonly spendAlarmUsdPerHour?: number;
  /**
   * The functions that queue events for the notify function; an event one of them could not
   * queue (its `event not queued` line) is counted as `EventsNotQueued` and alarms.
   * @default - none
   */
  readonly eventPublishers?: readonly ParleyFunction[];
}

/**
 * The log lines the rules read, written raw to stdout by the functions, one JSON object a line:
 * - `{"level":"info","message":"request","fn","route","status","accountId"|null,"source":"203.0.113.0/24","ms"}` per HTTP response;
 * - `{"level":"info","message":"spend","accountId","botId","keyClass","costMicros"}` per answered chat, and with
 *   `"kind":"embedding"` per embedding of a document (ingest) or a question (chat) through a provider (micro-dollars);
 * - `{"level":"info","message":"export","accountId"}` per export requested;
 * - `{"level":"error","message":"event not queued","accountId","eventId","type","reason"}` per event lost before its queue.
 */
export const refusedStatuses = [401, 403, 404];

/** A Contributor Insights rule and the thresholds its alarm uses. */
export interface WatchedRule {
  readonly rule: cloudwatch.CfnInsightRule;
  readonly alarm: cloudwatch.Alarm;
}

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  /** Refused requests (401/403/404) by source network: a burst from one place. */
  readonly refusedBySource: WatchedRule;
  /** Refused requests by account: probing against one account. */
  readonly refusedByAccount: WatchedRule;
  /** Exports requested by account. */
  readonly exportsByAccount: WatchedRule;
  /** Model spend (micro-dollars) by account, per hour. */
  readonly spendByAccount: WatchedRule;
  /** Total model spend (micro-dollars), a metric from the chat function's spend lines. */
  readonly spendMetric: cloudwatch.Metric;
  /** Total spend outside its expected band. */
  readonly spendAnomaly: cloudwatch.AnomalyDetectionAlarm;
  /** Events the functions could not queue (nobody was told of them), from their log lines. */
  readonly eventsNotQueued: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: 'Parley alarm topic' });
    this.topic = new sns.Topic(this, 'Alarms', { displayName: 'Parley alarms', masterKey: key, enforceSSL: true });
    // CloudWatch publishes alarms to the encrypted topic.
    key.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));
    if (props.alarmEmail) {
      const email = this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(email).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail subscription for alarms: a message SNS cannot deliver has nobody to replay it to, the alarm stays in ALARM on the dashboard, and SNS counts failed deliveries in its metrics.',
      });
    }

    const notify = new actions.SnsAction(this.topic);
    const watch = (name: string, metric: cloudwatch.Metric, description: string) => {
      const alarm = metric.createAlarm(this, name, {
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(notify);
      this.alarms.push(alarm);
    };
    const period = Duration.minutes(5);
    for (const fn of props.functions) {
      watch(`${fn.handlerName}-errors`, fn.function.metricErrors({ period }), `${fn.handlerName}: errors in the last 5 minutes`);
      watch(`${fn.handlerName}-throttles`, fn.function.metricThrottles({ period }), `${fn.handlerName}: throttled invocations in the last 5 minutes`);
    }
    props.deadLetterQueues.forEach(({ queue, description }, i) =>
      watch(i === 0 ? 'DeadLetters' : `DeadLetters${i + 1}`, queue.metricApproximateNumberOfMessagesVisible({ period }), description));

    // Attack and spend alarms from the functions' JSON log lines (Contributor Insights, JSON log format).
    const stack = Stack.of(this);
    const logGroupNames = props.functions.map((fn) => fn.logGroup.logGroupName);
    const insight = (name: string, contribution: Record<string, unknown>, aggregateOn: 'Count' | 'Sum', alarm: { period: Duration; threshold: number; description: string }): WatchedRule => {
      const rule = new cloudwatch.CfnInsightRule(this, `${name}Rule`, {
        ruleName: `${stack.stackName}-${name}`,
        ruleState: 'ENABLED',
        ruleBody: stack.toJsonString({
          Schema: { Name: 'CloudWatchLogRule', Version: 1 },
          LogGroupNames: logGroupNames,
          LogFormat: 'JSON',
          Contribution: contribution,
          AggregateOn: aggregateOn,
        }),
      });
      const metric = new cloudwatch.MathExpression({
        expression: `INSIGHT_RULE_METRIC('${rule.ruleName}', 'MaxContributorValue')`,
        usingMetrics: {},
        period: alarm.period,
        label: `${name}: top contributor`,
      });
      const created = metric.createAlarm(this, name, {
        threshold: alarm.threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: alarm.description,
      });
      created.node.addDependency(rule);
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return { rule, alarm: created };
    };
    const refused = [{ Match: '$.message', In: ['request'] }, { Match: '$.status', In: refusedStatuses }];
    this.refusedBySource = insight('RefusedBySource', { Keys: ['$.source'], Filters: refused }, 'Count', {
      period, threshold: 100, description: 'More than 100 refused requests (401/403/404) from one source network in 5 minutes: scanning or guessing',
    });
    this.refusedByAccount = insight('RefusedByAccount', { Keys: ['$.accountId'], Filters: [...refused, { Match: '$.accountId', IsPresent: true }] }, 'Count', {
      period, threshold: 100, description: 'More than 100 refused requests (401/403/404) against one account in 5 minutes',
    });
    const hour = Duration.hours(1);
    this.exportsByAccount = insight('ExportsByAccount', { Keys: ['$.accountId'], Filters: [{ Match: '$.message', In: ['export'] }] }, 'Count', {
      period: hour, threshold: 5, description: 'More than 5 exports of one account in an hour: someone may be taking the data',
    });
    const usd = props.spendAlarmUsdPerHour ?? 5;
    this.spendByAccount = insight('SpendByAccount', { Keys: ['$.accountId'], ValueOf: '$.costMicros', Filters: [{ Match: '$.message', In: ['spend'] }] }, 'Sum', {
      period: hour, threshold: usd * 1e6, description: `One account spent more than $${usd} on models in an hour`,
    });

    // Total spend, from the spend lines of the functions that call models (chat: answers and questions' embedding;
    // ingest: documents' embedding), with an anomaly-detection alarm on it.
    const namespace = `Parley/${stack.stackName}`;
    this.spendMetric = new cloudwatch.Metric({ namespace, metricName: 'SpendMicros', statistic: 'Sum', period: hour, label: 'Model spend (micro-dollars)' });
    for (const fn of props.functions.filter((f) => f.handlerName === 'chat-stream' || f.handlerName === 'ingest')) {
      // The chat function's filter keeps the id it had before ingest's spend was counted.
      new logs.MetricFilter(this, fn.handlerName === 'chat-stream' ? 'SpendFilter' : `SpendFilter-${fn.handlerName}`, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'spend'),
        metricNamespace: namespace,
        metricName: 'SpendMicros',
        metricValue: '$.costMicros',
      });
    }
    // An event lost before the notify queue (SQS refused or unreachable): nobody hears of that request or lead, and
    // no dead-letter queue holds it, so the log line is all there is to count.
    this.eventsNotQueued = new cloudwatch.Metric({ namespace, metricName: 'EventsNotQueued', statistic: 'Sum', period });
    (props.eventPublishers ?? []).forEach((fn) => new logs.MetricFilter(this, `EventsNotQueued-${fn.handlerName}`, {
      logGroup: fn.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', EVENT_NOT_QUEUED),
      metricNamespace: namespace,
      metricName: 'EventsNotQueued',
      metricValue: '1',
    }));
    watch('EventsNotQueued', this.eventsNotQueued, 'An event could not be queued for the notify function in the last 5 minutes: members were not e-mailed, or webhooks not posted, about it');
    this.spendAnomaly = new cloudwatch.AnomalyDetectionAlarm(this, 'SpendAnomaly', {
      metric: this.spendMetric,
      stdDevs: 3,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Total model spend in the last hour is above its usual band',
    });
    this.spendAnomaly.addAlarmAction(notify);
    this.alarms.push(this.spendAnomaly);

    const ranked = (title: string, watched: WatchedRule) =>
      new cloudwatch.GraphWidget({ title, left: [watched.alarm.metric], leftAnnotations: [watched.alarm.toAnnotation()], width: 6 });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Invocations', left: props.functions.map((fn) => fn.function.metricInvocations({ period })), width: 12 }),
          new cloudwatch.GraphWidget({ title: 'Errors and throttles', left: props.functions.flatMap((fn) => [fn.function.metricErrors({ period }), fn.function.metricThrottles({ period })]), width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Duration (p95)', left: props.functions.map((fn) => fn.function.metricDuration({ period, statistic: 'p95' })), width: 12 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
        [
          ranked('Refused requests, top source', this.refusedBySource),
          ranked('Refused requests, top account', this.refusedByAccount),
          ranked('Exports, top account', this.exportsByAccount),
          ranked('Spend, top account (micro-$)', this.spendByAccount),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Model spend, all accounts (micro-$ per hour)', left: [this.spendMetric], width: 24 }),
        ],
      ],
    });
  }
}
