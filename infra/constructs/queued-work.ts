/**
 * The pieces a queue-fed function of the stack shares (exports, notifications):
 * a named, SQS-encrypted work queue with its dead-letter queue, one message per
 * invocation, and a sender told the queue's URL from its name.
 */
import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { INGEST_MAX_RECEIVE_COUNT } from '../../lambdas/core/limits.ts';
import type { ParleyFunction } from './parley-function.ts';

export interface WorkQueues {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
}

/** The URL of the queue `${stack}-${suffix}`, from its name alone. */
const namedQueueUrl = (scope: Construct, suffix: string): string => {
  const stack = Stack.of(scope);
  return `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/${stack.stackName}-${suffix}`;
};

/**
 * The queue `${stack}-${suffix}` under `scope` (ids `Queue` and `DeadLetterQueue`),
 * encrypted with SQS's own keys; a message received `INGEST_MAX_RECEIVE_COUNT`
 * times moves to the dead-letter queue. `messages` says what ends there, in the
 * acknowledgement of the dead-letter queue's missing redrive policy.
 */
export const workQueues = (scope: Construct, suffix: string, consumerTimeout: Duration, messages: string): WorkQueues => {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: `This is the ${suffix} queue's dead-letter queue: ${messages} end here (and alarm); a redrive policy on it would only move them again.`,
  });
  const queue = new sqs.Queue(scope, 'Queue', {
    // Named, so senders are told the queue's URL without a reference to it (see `grantSendToWorkQueue`).
    queueName: `${Stack.of(scope).stackName}-${suffix}`,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // AWS's guidance for Lambda consumers: six times the function timeout.
    visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: INGEST_MAX_RECEIVE_COUNT },
  });
  return { queue, deadLetterQueue };
};

/** `fn` takes `queue`'s messages one per invocation, at most `maxConcurrency` at once, reporting failures per message. */
export const consumeOneByOne = (fn: ParleyFunction, queue: sqs.Queue, maxConcurrency: number): void => {
  fn.function.addEventSource(new SqsEventSource(queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency }));
  const mapping = fn.function.node.tryFindChild(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`);
  if (!mapping) throw new Error(`${fn.node.path}: aws-cdk-lib no longer names the SQS event source mapping as expected`);
  Validations.of(mapping).acknowledge({
    id: 'Serverless-LambdaEventSourceMappingDestination',
    reason: 'Lambda supports on-failure destinations only for stream and Kafka sources; for SQS, failures go through the queue\'s redrive policy to its dead-letter queue, which alarms.',
  });
};

/**
 * Lets `fn` send to the work queue `${stack}-${suffix}` (a policy `SendFrom<fn id>`,
 * or `SendFrom<fn's construct id><fn id>` when that is taken, under `scope`) and sets `envVar` to its URL, built from the name rather than a
 * reference so the sender does not wait for the queue.
 */
export const grantSendToWorkQueue = (scope: Construct, fn: ParleyFunction, queue: sqs.Queue, suffix: string, envVar: string): void => {
  fn.function.addEnvironment(envVar, namedQueueUrl(scope, suffix));
  // Functions are `Function` in their own constructs: the second one so named takes its construct's name too.
  const plain = `SendFrom${fn.node.id}`;
  const id = scope.node.tryFindChild(plain) ? `SendFrom${fn.node.scope?.node.id ?? ''}${fn.node.id}` : plain;
  new iam.Policy(scope, id, {
    roles: [fn.role],
    statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [queue.queueArn] })],
  });
};
