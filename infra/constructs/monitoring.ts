/**
 * Monitoring: alarms on what an operator must hear about — any function's errors
 * or throttles, and any ingest message that reached the dead-letter queue (a
 * document whose ingestion gave up) — sent to an encrypted SNS topic, by e-mail
 * when the deploy parameter `alarmEmail` is set; and a dashboard of the same.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ParleyFunction } from './parley-function.ts';

export interface MonitoringProps {
  /** Every Parley function, each watched for errors and throttles. */
  readonly functions: readonly ParleyFunction[];
  /** The ingest dead-letter queue: a message there is a document that could not be ingested. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Where alarms are e-mailed.
   * @default - no subscription; the topic is there for the operator to subscribe to
   */
  readonly alarmEmail?: string;
}

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: 'Parley alarm topic' });
    this.topic = new sns.Topic(this, 'Alarms', { displayName: 'Parley alarms', masterKey: key, enforceSSL: true });
    // CloudWatch publishes alarms to the encrypted topic.
    key.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

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
    watch('DeadLetters', props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }), 'Ingest messages that gave up: a document could not be ingested');

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
      ],
    });
  }
}
