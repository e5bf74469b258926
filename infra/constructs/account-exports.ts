/**
 * Account exports: the admin function queues an export request on an encrypted
 * queue, and the account-export function builds it (every bot, document and
 * conversation of the account, sealed documents opened through the tenant role)
 * into a file under the account's prefix. A request that fails
 * `INGEST_MAX_RECEIVE_COUNT` times moves to a dead-letter queue, which alarms.
 * A function of its own rather than a kind of ingest message: it needs neither
 * the document parsers nor the crawler, and an export has a longer time limit.
 */
import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPORT_TIMEOUT_SECONDS, INGEST_MAX_RECEIVE_COUNT } from '../../lambdas/core/limits.ts';
import { ParleyFunction } from './parley-function.ts';
import type { FunctionDefaults } from './parley-function.ts';
import type { Storage } from './storage.ts';

export interface AccountExportsProps {
  /** The table and bucket an export reads and writes. */
  readonly storage: Storage;
  /** Settings shared by the stack's functions. */
  readonly functions: FunctionDefaults;
}

export class AccountExports extends Construct {
  /** Export requests carry account and export ids only; SQS encrypts them at rest with its own keys. */
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: ParleyFunction;

  constructor(scope: Construct, id: string, props: AccountExportsProps) {
    super(scope, id);
    const timeout = Duration.seconds(EXPORT_TIMEOUT_SECONDS);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the export queue\'s dead-letter queue: requests end here (and alarm); a redrive policy on it would only move them again.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // Named, so the admin function can be told the queue's URL without a reference to it (see `grantSendFrom`).
      queueName: `${Stack.of(this).stackName}-export`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda consumers: six times the function timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: INGEST_MAX_RECEIVE_COUNT },
    });

    this.function = new ParleyFunction(this, 'Function', {
      handler: 'account-export',
      defaults: props.functions,
      description: 'Parley account export: every bot, document and conversation of an account, in one file',
      memorySize: 1024,
      timeout,
    });
    this.function.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }));
    const mapping = this.function.function.node.tryFindChild(`SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`);
    if (!mapping) throw new Error('AccountExports: aws-cdk-lib no longer names the SQS event source mapping as expected');
    Validations.of(mapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'Lambda supports on-failure destinations only for stream and Kafka sources; for SQS, failures go through the queue\'s redrive policy to its dead-letter queue, which alarms.',
    });
    // Platform partitions with its own role; the account's data, objects and keys through the tenant role.
    props.storage.grantPlatformData(this.function);
  }

  /**
   * Lets `fn` queue export requests, and tells it the queue's URL. Built from the queue's
   * name rather than a reference, as the ingest queue's is, so the sender does not wait for the queue.
   */
  grantSendFrom(fn: ParleyFunction): void {
    const stack = Stack.of(this);
    fn.function.addEnvironment('PARLEY_EXPORT_QUEUE_URL', `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/${stack.stackName}-export`);
    new iam.Policy(this, `SendFrom${fn.node.id}`, {
      roles: [fn.role],
      statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [this.queue.queueArn] })],
    });
  }
}
