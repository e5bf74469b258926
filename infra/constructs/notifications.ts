/**
 * Notifications: the functions where events arise (the widget function's
 * handoffs and leads) queue them on an encrypted queue, and the notify function
 * e-mails them to the members who want them, through Amazon SES from the
 * operator's verified sender identity, and posts them to the bots' webhooks
 * (attempts and their delayed retries queued on the same queue). An event that fails
 * `INGEST_MAX_RECEIVE_COUNT` times moves to a dead-letter queue, which alarms.
 * Without a sender identity the queue and function still run (events are
 * consumed), and e-mail is off: the panel says so.
 */
import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INGEST_MAX_RECEIVE_COUNT, NOTIFY_TIMEOUT_SECONDS } from '../../lambdas/core/limits.ts';
import { ParleyFunction } from './parley-function.ts';
import type { FunctionDefaults } from './parley-function.ts';
import type { Storage } from './storage.ts';

/** The operator's SES sender: a verified identity (a domain or an address) in the stack's region. */
export interface NotificationSender {
  /** The SES identity: `example.com`, or `parley@example.com`. */
  readonly identity: string;
  /** The From address; an address at the identity's domain. */
  readonly from: string;
}

export interface NotificationsProps {
  /** The table the notify function reads (members, preferences, contacts) and writes (the sent log). */
  readonly storage: Storage;
  /** Settings shared by the stack's functions. */
  readonly functions: FunctionDefaults;
  /**
   * The SES sender identity.
   * @default - none: e-mail is off
   */
  readonly sender?: NotificationSender;
  /** The admin panel's address, for links in e-mails. */
  readonly panelUrl: string;
}

export class Notifications extends Construct {
  /** Events carry ids only; SQS encrypts them at rest with its own keys. */
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: ParleyFunction;
  /** The identity the function may send from, when one was given. */
  readonly identityArn: string | undefined;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const timeout = Duration.seconds(NOTIFY_TIMEOUT_SECONDS);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the notify queue\'s dead-letter queue: events end here (and alarm); a redrive policy on it would only move them again.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // Named, so senders are told the queue's URL without a reference to it (see `grantSendFrom`).
      queueName: `${Stack.of(this).stackName}-notify`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda consumers: six times the function timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: INGEST_MAX_RECEIVE_COUNT },
    });

    this.function = new ParleyFunction(this, 'Function', {
      handler: 'notify',
      defaults: props.functions,
      description: 'Parley notifications: e-mails visitors\' requests and leads to the members who want them',
      memorySize: 256,
      timeout,
    });
    this.function.function.addEnvironment('PARLEY_PANEL_URL', props.panelUrl);
    this.function.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }));
    const mapping = this.function.function.node.tryFindChild(`SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`);
    if (!mapping) throw new Error('Notifications: aws-cdk-lib no longer names the SQS event source mapping as expected');
    Validations.of(mapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'Lambda supports on-failure destinations only for stream and Kafka sources; for SQS, failures go through the queue\'s redrive policy to its dead-letter queue, which alarms.',
    });
    // Platform partitions with its own role; the account's members, contacts and keys through the tenant role.
    props.storage.grantPlatformData(this.function);

    if (props.sender) {
      const stack = Stack.of(this);
      this.identityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.sender.identity });
      this.function.function.addEnvironment('PARLEY_SES_SENDER', props.sender.from);
      this.function.function.addEnvironment('PARLEY_SES_IDENTITY_ARN', this.identityArn);
      // That identity and no other: the function cannot send as anyone else in the operator's account.
      this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'SendFromSenderIdentity', actions: ['ses:SendEmail'], resources: [this.identityArn] }));
    }
  }

  /**
   * Lets `fn` queue events, and tells it the queue's URL. Built from the queue's name
   * rather than a reference, as the export queue's is, so the sender does not wait for the queue.
   */
  grantSendFrom(fn: ParleyFunction): void {
    const stack = Stack.of(this);
    fn.function.addEnvironment('PARLEY_NOTIFY_QUEUE_URL', `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/${stack.stackName}-notify`);
    new iam.Policy(this, `SendFrom${fn.node.id}`, {
      roles: [fn.role],
      statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [this.queue.queueArn] })],
    });
  }
}
