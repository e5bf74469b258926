/**
 * Document ingestion: every object created under `accounts/` in the documents
 * bucket becomes a message on an encrypted queue, which the ingest function
 * consumes (parse, chunk, embed, index) one message at a time. A message that fails
 * `INGEST_MAX_RECEIVE_COUNT` times moves to a dead-letter queue instead of blocking the rest.
 *
 * The queues have their own KMS key: S3 must be allowed to use the queue's key
 * for this bucket only (`aws:SourceArn`), and the data key cannot name the
 * bucket it encrypts without a dependency cycle.
 */
import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ParleyFunction } from './parley-function.ts';
import type { FunctionDefaults } from './parley-function.ts';
import { tenantObjectPrefix } from './storage.ts';
import type { Storage } from './storage.ts';
import { INGEST_MAX_RECEIVE_COUNT, INGEST_TIMEOUT_SECONDS } from '../../lambdas/core/limits.ts';

export interface IngestProps {
  /** Bucket whose uploads are ingested, table the chunks go to, keys. */
  readonly storage: Storage;
  /** Settings shared by the stack's functions. */
  readonly functions: FunctionDefaults;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default INGEST_MAX_RECEIVE_COUNT (5)
   */
  readonly maxReceiveCount?: number;
  /**
   * Longest one message may take (parsing and embedding a large document, or one part of a crawl).
   * @default INGEST_TIMEOUT_SECONDS (5 minutes)
   */
  readonly timeout?: Duration;
  /**
   * Messages per invocation. One: each message then has the whole timeout, and a crawl's
   * time budget (the invocation's remaining time) is its own.
   * @default 1
   */
  readonly batchSize?: number;
  /**
   * Most concurrent ingest invocations (the SQS event source's maximum
   * concurrency, 2 to 1000), which bounds the load on embedding providers.
   * The function reserves no concurrency for it unless the operator asks
   * (deploy parameter `reservedConcurrency`): a reservation needs account
   * quota that new accounts may not have.
   * @default 5
   */
  readonly maxConcurrency?: number;
}

// aws-cdk-lib's stack-singleton custom resource that writes bucket notification configurations.
const notificationsHandlerId = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export class Ingest extends Construct {
  /**
   * Lets `fn` put messages on the ingest queue, and tells it the queue's URL, without
   * making the function wait for the queue: the queue's key names the documents bucket,
   * whose CORS rule names CloudFront, which names the function's URL. So the URL is
   * built from the queue's name and the grant is a policy of its own on the role.
   */
  grantSendFrom(fn: ParleyFunction): void {
    const stack = Stack.of(this);
    fn.function.addEnvironment('PARLEY_INGEST_QUEUE_URL', `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/${stack.stackName}-ingest`);
    new iam.Policy(this, `SendFrom${fn.node.id}`, {
      roles: [fn.role],
      statements: [
        new iam.PolicyStatement({ actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [this.queue.queueArn] }),
        // What SQS asks of a sender to an encrypted queue.
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.queueKey.keyArn] }),
      ],
    });
  }


  /** Encrypts both queues (messages carry object keys, which name accounts and files). */
  readonly queueKey: kms.Key;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: ParleyFunction;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { storage } = props;
    const timeout = props.timeout ?? Duration.seconds(INGEST_TIMEOUT_SECONDS);

    this.queueKey = new kms.Key(this, 'QueueKey', {
      description: 'Parley ingest queues',
      enableKeyRotation: true,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.queueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the ingest queue\'s dead-letter queue: messages end here (and alarm); a redrive policy on it would only move them again.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // Named, so a sender can be told the queue's URL without a reference to it (see `grantSendFrom`).
      queueName: `${Stack.of(this).stackName}-ingest`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.queueKey,
      enforceSSL: true,
      // AWS's guidance for Lambda consumers: six times the function timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? INGEST_MAX_RECEIVE_COUNT },
    });
    storage.documents.addEventNotification(s3.EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: tenantObjectPrefix,
    });
    const notificationsHandler = Stack.of(this).node.tryFindChild(notificationsHandlerId);
    if (!notificationsHandler) throw new Error('Ingest: aws-cdk-lib no longer creates the bucket notifications handler it expects');
    Validations.of(notificationsHandler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Role of aws-cdk-lib\'s own custom resource that writes the bucket notification configuration during ' +
        'deployments; aws-cdk-lib manages it and it handles no tenant data.',
    });

    this.function = new ParleyFunction(this, 'Function', {
      handler: 'ingest',
      defaults: props.functions,
      description: 'Parley ingest: parse, chunk and embed uploaded documents',
      memorySize: 2048,
      timeout,
    });
    const source = new SqsEventSource(this.queue, {
      batchSize: props.batchSize ?? 1,
      reportBatchItemFailures: true,
      maxConcurrency: props.maxConcurrency ?? 5,
    });
    this.function.function.addEventSource(source);
    // SqsEventSource names the mapping after the queue's unique id.
    const mapping = this.function.function.node.tryFindChild(`SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`);
    if (!mapping) throw new Error('Ingest: aws-cdk-lib no longer names the SQS event source mapping as expected');
    Validations.of(mapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'Lambda supports on-failure destinations only for stream and Kafka sources; for SQS, failures go through the queue\'s redrive policy to its dead-letter queue, which alarms.',
    });
    // Platform partitions with its own role; the upload, the sealed copy, the chunks and the
    // owner's provider key through the tenant role (tenant-access.ts).
    storage.grantPlatformData(this.function);
  }
}
