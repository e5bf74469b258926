/**
 * Document ingestion: every object created under `accounts/` in the documents
 * bucket becomes a message on an encrypted queue, which the ingest function
 * consumes (parse, chunk, embed, index). A message that fails three times moves
 * to a dead-letter queue instead of blocking the rest.
 *
 * The queues have their own KMS key: S3 must be allowed to use the queue's key
 * for this bucket only (`aws:SourceArn`), and the data key cannot name the
 * bucket it encrypts without a dependency cycle.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeKmsGrantWildcards, acknowledgeObjectGrantWildcards } from '../nag.ts';
import { ParleyFunction } from './parley-function.ts';
import type { FunctionDefaults } from './parley-function.ts';
import { tenantObjectPrefix } from './storage.ts';
import type { Storage } from './storage.ts';
import { INGEST_MAX_RECEIVE_COUNT } from '../../lambdas/core/limits.ts';

export interface IngestProps {
  /** Bucket whose uploads are ingested, table the chunks go to, keys. */
  readonly storage: Storage;
  /** Settings shared by the stack's functions. */
  readonly functions: FunctionDefaults;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * Longest one batch may take (parsing and embedding a large document).
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Messages per invocation; failed ones are retried on their own (partial batch responses).
   * @default 5
   */
  readonly batchSize?: number;
  /**
   * Most concurrent ingest invocations, which bounds the load on embedding providers.
   * @default 5
   */
  readonly maxConcurrency?: number;
}

// aws-cdk-lib's stack-singleton custom resource that writes bucket notification configurations.
const notificationsHandlerId = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export class Ingest extends Construct {
  /** Encrypts both queues (messages carry object keys, which name accounts and files). */
  readonly queueKey: kms.Key;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: ParleyFunction;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { storage } = props;
    const timeout = props.timeout ?? Duration.minutes(5);

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
    this.queue = new sqs.Queue(this, 'Queue', {
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
    this.function.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 5,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 5,
      }),
    );
    storage.grantTenantData(this.function);
    // Reads the upload, writes the copy sealed under the account key, deletes every plaintext version.
    storage.documents.grantReadWrite(this.function, `${tenantObjectPrefix}*`);
    // Embeds with the owner's own provider key when one is configured.
    storage.secretsKey.grantDecrypt(this.function);
    acknowledgeKmsGrantWildcards(this.function);
    acknowledgeObjectGrantWildcards(this.function, storage.documents, tenantObjectPrefix, [
      's3:GetObject*',
      's3:GetBucket*',
      's3:List*',
      's3:DeleteObject*',
      's3:Abort*',
    ]);
  }
}
