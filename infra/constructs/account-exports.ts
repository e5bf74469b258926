/**
 * Account exports: the admin function queues an export request on an encrypted
 * queue, and the account-export function builds it (every bot, document and
 * conversation of the account, sealed documents opened through the tenant role)
 * into a file under the account's prefix. A request that fails
 * `INGEST_MAX_RECEIVE_COUNT` times moves to a dead-letter queue, which alarms.
 * A function of its own rather than a kind of ingest message: it needs neither
 * the document parsers nor the crawler, and an export has a longer time limit.
 */
import { Duration } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPORT_TIMEOUT_SECONDS } from '../../lambdas/core/limits.ts';
import { ParleyFunction } from './parley-function.ts';
import { consumeOneByOne, grantSendToWorkQueue, workQueues } from './queued-work.ts';
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
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueues(this, 'export', timeout, 'requests'));

    this.function = new ParleyFunction(this, 'Function', {
      handler: 'account-export',
      defaults: props.functions,
      description: 'Parley account export: every bot, document and conversation of an account, in one file',
      memorySize: 1024,
      timeout,
    });
    consumeOneByOne(this.function, this.queue, 2);
    // Platform partitions with its own role; the account's data, objects and keys through the tenant role.
    props.storage.grantPlatformData(this.function);
  }

  /**
   * Lets `fn` queue export requests, and tells it the queue's URL. Built from the queue's
   * name rather than a reference, as the ingest queue's is, so the sender does not wait for the queue.
   */
  grantSendFrom(fn: ParleyFunction): void {
    grantSendToWorkQueue(this, fn, this.queue, 'export', 'PARLEY_EXPORT_QUEUE_URL');
  }
}
